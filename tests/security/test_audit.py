"""The security audit log (ASVS V16): what is recorded, that no secret is, that a typed
value cannot forge a line, that it cannot be changed, and the admins' page to read it."""
import logging
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from reachback.accounts.models import AuditEvent
from reachback.audit import audit
from reachback.extensions import db
from tests.helpers import PASSWORD

from .conftest import is_login_redirect, session_cookie

NEW = "four quiet lanterns drifting"


def events(kind=None) -> list[AuditEvent]:
    db.session.expire_all()
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    if kind:
        stmt = stmt.where(AuditEvent.kind == kind)
    return list(db.session.scalars(stmt))


def test_a_sign_in_is_one_row_with_who_when_and_where(web, make_user, clock):
    user = make_user()
    web.login(user)
    [row] = events("signed_in")
    assert row.actor_id == user.id and row.subject == user.email
    assert row.ip == "127.0.0.1" and row.at == clock.now and row.at.tzinfo == UTC


def test_failed_sign_ins_are_recorded_with_the_reason(make_web, make_user):
    user = make_user()
    web = make_web()
    web.get("/login")
    web.post("/login", {"email": user.email, "password": "wrong password here"})
    web.post("/login", {"email": "ghost@example.org", "password": "wrong password here"})
    failed = events("sign_in_failed")
    assert [(e.actor_id, e.subject, e.detail) for e in failed] == [
        (user.id, user.email, "reason=wrong_password"),
        (None, "ghost@example.org", "reason=unknown_account")]


def test_a_crlf_in_the_email_typed_at_sign_in_is_stored_escaped(make_web):
    web = make_web()
    web.get("/login")
    web.post("/login", {"email": "eve@example.org\r\nsigned_in admin@example.org\x1b[2J",
                        "password": "whatever it is"})
    [row] = events("sign_in_failed")
    assert "\n" not in row.subject and "\r" not in row.subject and "\x1b" not in row.subject
    assert row.subject == r"eve@example.org\r\nsigned_in admin@example.org\x1b[2j"


def test_control_characters_in_any_detail_are_escaped(app):
    audit("test", None, "a\nb", "c\rd\te\x00")
    db.session.commit()
    [row] = events("test")
    assert (row.subject, row.detail) == (r"a\nb", r"c\rd\te\x00")


def test_security_actions_are_each_recorded(web, make_web, make_user):
    admin, user = make_user("admin"), make_user()
    web.login(user)
    other = make_web()
    other.login(user)
    web.post("/profile/tokens", {"token_name": "script", "current_password": PASSWORD})
    token_id = db.session.scalar(text("SELECT id FROM api_tokens"))
    web.post(f"/profile/tokens/{token_id}/revoke")
    web.post("/profile/security", {"action": "password", "current_password": PASSWORD,
                                   "new_password": NEW, "confirm": NEW})
    web.post("/profile/security", {"action": "email", "email": "moved@example.org",
                                   "current_password": NEW})
    web.get("/admin/users")  # refused: 403
    web.get("/queries/RB-1999-0001")  # invisible: 404
    web.logout()
    staff = make_web()
    staff.sign_in(admin)
    staff.post(f"/admin/users/{user.id}", {"name": user.name, "roles": ["member", "expert"],
                                           "active": "y"})
    kinds = [e.kind for e in events()]
    for kind in ("signed_in", "token_created", "token_revoked", "password_changed",
                 "sessions_revoked", "email_changed", "access_refused", "signed_out",
                 "roles_changed"):
        assert kind in kinds, kind
    refused = events("access_refused")
    assert [(e.actor_id, e.detail) for e in refused] == [
        (user.id, "status=403; GET /admin/users"),
        (user.id, "status=404; GET /queries/RB-1999-0001")]
    [roles] = events("roles_changed")
    assert roles.actor_id == admin.id and roles.detail == "from=member; roles=expert,member"
    revoked = [e.detail for e in events("sessions_revoked")]
    assert revoked == ["reason=password_changed; sessions=1", "reason=email_changed; sessions=0"]


@pytest.mark.parametrize("action, fields, recorded", [
    ("password", {"new_password": NEW, "confirm": NEW}, "change_password"),
    ("email", {"email": "moved@example.org"}, "change_email"),
    ("totp_setup", {}, "totp_setup"),
])
def test_a_wrong_current_password_is_recorded(web, make_user, action, fields, recorded):
    user = make_user()
    web.sign_in(user)
    page = web.post("/profile/security", {"action": action, "current_password": "not it",
                                          **fields})
    assert "This is not your current password." in page.get_data(as_text=True)
    [row] = events("reauthentication_failed")
    assert (row.actor_id, row.subject, row.detail) == (user.id, user.email, f"action={recorded}")
    assert not events("password_changed") and not events("email_changed")


def test_api_refusals_are_recorded_too(app, client, make_user):
    from reachback.accounts.services import create_token

    _token, clear = create_token(make_user())
    db.session.commit()
    response = client.get("/api/v1/queries/RB-1999-0001",
                          headers={"Authorization": f"Bearer {clear}"})
    assert response.status_code == 404
    assert events("access_refused")[-1].detail == "status=404; GET /api/v1/queries/RB-1999-0001"


def test_no_password_token_or_session_id_reaches_the_audit_log_or_the_logs(
        web, make_web, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    admin, user = make_user("admin"), make_user()
    web.login(user)
    session_token = web.client.application.session_interface.get_signing_serializer(
        web.client.application).loads(session_cookie(web))["_user_id"]
    page = web.post("/profile/tokens", {"token_name": "script", "current_password": PASSWORD}
                    ).get_data(as_text=True)
    clear_token = re.search(r"<code>(rb_[^<]+)</code>", page).group(1)
    web.post("/profile/security", {"action": "password", "current_password": PASSWORD,
                                   "new_password": NEW, "confirm": NEW})
    web.post("/profile/security", {"action": "password", "current_password": "Wrong pass 123",
                                   "new_password": NEW + "!", "confirm": NEW + "!"})
    staff = make_web()
    staff.login(admin)
    staff.post("/admin/users/new", {"email": "n@example.org", "name": "N", "roles": ["member"],
                                    "password": "chosen by the admin 42"})
    failed = make_web()
    failed.get("/login")
    failed.post("/login", {"email": user.email, "password": "Typo in my passphrase"})
    secrets = [PASSWORD, NEW, NEW + "!", "Wrong pass 123", "chosen by the admin 42",
               "Typo in my passphrase", clear_token, session_token]
    rows = " ".join(f"{e.subject} {e.detail}" for e in events())
    logged = caplog.text
    for secret in secrets:
        assert secret not in rows and secret not in logged, secret


def test_the_audit_log_cannot_be_changed_or_deleted(app, make_user):
    make_user()
    row = events()[0]
    with pytest.raises(DatabaseError):
        db.session.execute(text("UPDATE audit_events SET kind = 'nothing' WHERE id = :id"),
                           {"id": row.id})
    db.session.rollback()
    with pytest.raises(DatabaseError):
        db.session.execute(text("DELETE FROM audit_events"))
    db.session.rollback()
    assert events()[0].kind == row.kind


def test_no_route_edits_or_deletes_audit_events(app):
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


# --- the admins' page -----------------------------------------------------------------

@pytest.fixture
def logbook(app, make_user, clock):
    """Events over three days from two people, plus a failed sign-in of an unknown address."""
    admin, ana = make_user("admin", email="admin@example.org"), make_user(email="ana@example.org")
    clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    audit("signed_in", ana, ana.email)
    clock.set(datetime(2026, 11, 21, 10, 0, tzinfo=UTC))
    audit("sign_in_failed", None, "stranger@example.net", "reason=unknown_account")
    clock.set(datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    audit("password_changed", ana, ana.email)
    db.session.commit()
    return admin


def listed(page) -> list[str]:
    html = page.get_data(as_text=True)
    body = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    return re.findall(r"<td[^>]*>([a-z ]+)</td>\s*<td", body)


def test_admins_filter_the_log_by_kind_address_and_dates(web, logbook, clock):
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    web.sign_in(logbook)
    everything = web.get("/admin/audit")
    assert everything.status_code == 200
    assert "sign in failed" in listed(everything) and "password changed" in listed(everything)
    assert listed(web.get("/admin/audit?kind=password_changed")) == ["password changed"]
    assert listed(web.get("/admin/audit?email=ANA@example")) == [
        "user created", "password changed", "signed in"]  # newest first
    assert listed(web.get("/admin/audit?email=stranger")) == ["sign in failed"]
    ranged = web.get("/admin/audit?since=2026-11-21&until=2026-11-21")
    assert listed(ranged) == ["sign in failed"]
    assert listed(web.get("/admin/audit?email=%25")) == []  # % is a character, not a wildcard


def test_the_log_is_paginated(web, logbook):
    for n in range(60):
        audit("noise", None, f"n{n}@example.org")
    db.session.commit()
    web.sign_in(logbook)
    first = web.get("/admin/audit?kind=noise").get_data(as_text=True)
    assert first.count("<tr>") == 51 and "page=2" in first
    second = web.get("/admin/audit?kind=noise&page=2").get_data(as_text=True)
    assert second.count("<tr>") == 11


def test_bad_filters_are_not_an_error(web, logbook):
    web.sign_in(logbook)
    # A filter the page cannot apply is refused input (422, the page with the field's
    # error); a page number out of range is read as the first page.
    for query in ("since=yesterday", "until=2026-13-45", "email=" + "x" * 500):
        assert web.get("/admin/audit?" + query).status_code == 422, query
    # An unknown kind matches nothing, dates the wrong way round find nothing, and a page
    # number out of range is read as the first.
    for query in ("kind=%27%22%3E", "since=2026-11-22&until=2026-11-20", "page=-1"):
        assert web.get("/admin/audit?" + query).status_code == 200, query


@pytest.mark.parametrize("role", ["member", "expert", "facilitator"])
def test_only_admins_read_the_log(web, make_user, role):
    web.sign_in(make_user(role))
    assert web.get("/admin/audit").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert is_login_redirect(client.get("/admin/audit"))


def test_the_time_range_is_in_the_viewers_time_zone(web, logbook):
    admin = logbook
    admin.timezone = "Pacific/Auckland"  # UTC+13 in November
    db.session.commit()
    web.sign_in(admin)
    # 21 Nov 10:00 UTC is 21 Nov 23:00 in Auckland; 22 Nov 10:00 UTC is 22 Nov 23:00.
    assert listed(web.get("/admin/audit?since=2026-11-22&until=2026-11-22&kind=password_changed")
                  ) == ["password changed"]
    assert listed(web.get("/admin/audit?since=2026-11-23&kind=password_changed")) == []


def test_the_client_address_comes_from_the_proxy_only_when_it_is_trusted(app, make_user):
    """TRUSTED_PROXIES=1 behind a reverse proxy: the audit records X-Forwarded-For. Without
    it the header is ignored (anyone can send it)."""
    from tests.conftest import another_app

    email = make_user().email
    db.session.rollback()
    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        with another_app(app, TRUSTED_PROXIES=proxies) as other:
            client = other.test_client()
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            client.post("/login", data={"email": email, "password": "wrong password here",
                                        "csrf_token": token},
                        headers={"X-Forwarded-For": "203.0.113.7"})
        assert events("sign_in_failed")[-1].ip == expected
        db.session.rollback()
