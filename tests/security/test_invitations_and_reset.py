"""Invitations and password reset by e-mail (ASVS 6.4; checklist items 11 and 12): one
answer whatever the address, signed links that work once and expire, re-invitation cancels
older links, facilitators invite members and experts only, and a reset never skips the
second factor."""
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from reachback.accounts.models import AuditEvent, Invitation, User
from reachback.extensions import db
from reachback.notify.models import OutboundEmail
from tests.helpers import PASSWORD, totp_code

from .conftest import is_login_redirect
from .routes import rules

NEW = "seven silver herons waiting"


def outbox() -> list[OutboundEmail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)))


def link_in(email: OutboundEmail, kind: str) -> str:
    """The site path of the link in an e-mail (both bodies carry the same)."""
    path = re.search(rf"https?://[^/\s]+(/{kind}/[A-Za-z0-9_.\-]+)", email.text_body).group(1)
    assert path in email.html_body
    return path


def ask_reset(web, email):
    web.get("/password/forgot")
    return web.post("/password/forgot", {"email": email}, follow_redirects=True)


def choose(web, path, password=NEW):
    web.get(path)
    return web.post(path, {"new_password": password, "confirm": password})


def can_sign_in(make_web, email, password) -> bool:
    web = make_web()
    web.get("/login")
    return web.post("/login", {"email": email, "password": password}).status_code == 302


def stored_hash(user) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).password_hash


# --- asking for a reset -----------------------------------------------------------------

def test_asking_for_a_reset_answers_alike_for_known_and_unknown_addresses(make_web, make_user):
    user = make_user()
    pages = [ask_reset(make_web(), email) for email in (user.email, "nobody@example.org")]
    assert pages[0].status_code == pages[1].status_code == 200
    texts = [re.sub(r'value="[^"]+"', "", p.get_data(as_text=True)) for p in pages]
    assert texts[0] == texts[1] and "If an account uses this address" in texts[0]
    assert [e.recipient for e in outbox()] == [user.email]  # only the real account gets mail
    assert "/password/reset/" in outbox()[0].text_body


def test_the_sign_in_page_offers_the_reset(web):
    assert 'href="/password/forgot"' in web.get("/login").get_data(as_text=True)
    assert "Forgot your password?" in web.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("state", ["inactive", "invited"])
def test_no_reset_mail_for_an_inactive_or_not_yet_accepted_account(make_web, make_user, state):
    from reachback.accounts.invitations import invite

    if state == "inactive":
        user = make_user()
        user.active = False
    else:
        user = invite(make_user("admin"), "new@example.org", "New Person").user
    db.session.commit()
    sent = len(outbox())
    assert "If an account uses" in ask_reset(make_web(), user.email).get_data(as_text=True)
    assert len(outbox()) == sent


# --- the reset link ----------------------------------------------------------------------

def test_a_reset_sets_the_password_ends_every_session_and_works_once(make_web, make_user):
    user = make_user()
    signed = make_web()
    signed.sign_in(user)
    ask_reset(make_web(), user.email)
    path = link_in(outbox()[-1], "password/reset")
    web = make_web()
    page = web.get(path)
    assert page.status_code == 200 and user.email in page.get_data(as_text=True)
    assert is_login_redirect(choose(web, path))
    assert can_sign_in(make_web, user.email, NEW)
    assert not can_sign_in(make_web, user.email, PASSWORD)
    assert is_login_redirect(signed.client.get("/notifications"))
    before = stored_hash(user)
    again = make_web()
    assert again.get(path).status_code == 404
    again.get("/login")
    assert again.post(path, {"new_password": "another fine passphrase",
                             "confirm": "another fine passphrase"}).status_code == 404
    assert stored_hash(user) == before
    assert "password_reset" in db.session.scalars(select(AuditEvent.kind)).all()


def test_a_reset_link_expires_after_an_hour(make_web, make_user, clock):
    user = make_user()
    ask_reset(make_web(), user.email)
    path = link_in(outbox()[-1], "password/reset")
    clock.advance(timedelta(minutes=59))
    assert make_web().get(path).status_code == 200
    clock.advance(timedelta(minutes=2))
    before = stored_hash(user)
    web = make_web()
    assert web.get(path).status_code == 404
    web.get("/login")
    assert web.post(path, {"new_password": NEW, "confirm": NEW}).status_code == 404
    assert stored_hash(user) == before


def test_a_password_change_kills_an_older_reset_link(make_web, make_user):
    user = make_user()
    ask_reset(make_web(), user.email)
    path = link_in(outbox()[-1], "password/reset")
    signed = make_web()
    signed.sign_in(user)
    signed.post("/profile/security", {"action": "password", "current_password": PASSWORD,
                                      "new_password": NEW, "confirm": NEW})
    assert make_web().get(path).status_code == 404


def test_forged_and_cross_purpose_links_are_refused(app, make_web, make_user):
    from reachback.accounts import links

    user = make_user()
    ask_reset(make_web(), user.email)
    path = link_in(outbox()[-1], "password/reset")
    token = path.rsplit("/", 1)[1]
    as_invitation = links.sign("invitation", {"u": user.id})
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" * 500,
                links.sign("other", {"u": user.id}), as_invitation):
        assert make_web().get(f"/password/reset/{bad}").status_code == 404
    assert make_web().get(f"/invitation/{token}").status_code == 404


def test_the_password_rules_apply_on_the_reset_page(make_web, make_user):
    user = make_user()
    ask_reset(make_web(), user.email)
    path = link_in(outbox()[-1], "password/reset")
    web = make_web()
    for bad in ("short", "password1234"):
        assert choose(web, path, bad).status_code == 422
    mismatch = web.post(path, {"new_password": NEW, "confirm": NEW + "x"})
    assert "The two passwords differ." in mismatch.get_data(as_text=True)
    assert can_sign_in(make_web, user.email, PASSWORD)


def test_a_reset_never_skips_the_second_factor(make_web, make_user):
    user = make_user("facilitator")
    ask_reset(make_web(), user.email)
    choose(make_web(), link_in(outbox()[-1], "password/reset"))
    web = make_web()
    web.get("/login")
    response = web.post("/login", {"email": user.email, "password": NEW})
    assert response.headers["Location"] == "/login/code"
    assert is_login_redirect(web.client.get("/triage"))  # the password alone reaches nothing
    web.get("/login/code")
    assert web.post("/login/code", {"code": totp_code(user.totp_secret)}).status_code == 302
    assert web.client.get("/triage").status_code == 200


def test_a_reset_ends_the_wait_after_failed_sign_ins(app, make_web, make_user, clock):
    app.config["RATELIMIT_SIGN_IN"] = "100 per minute"
    user = make_user()
    for _ in range(5):
        can_sign_in(make_web, user.email, "wrong password again")
    assert not can_sign_in(make_web, user.email, PASSWORD)  # this address waits
    ask_reset(make_web(), user.email)
    choose(make_web(), link_in(outbox()[-1], "password/reset"))
    assert can_sign_in(make_web, user.email, NEW)


# --- invitations ----------------------------------------------------------------------

def invite(web, email="invitee@example.org", name="Amina Invitee", roles=("expert",)):
    web.get("/invitations/new")
    return web.post("/invitations/new", {"email": email, "name": name, "roles": list(roles)})


@pytest.fixture
def admin_web(make_web, make_user):
    web = make_web()
    web.sign_in(make_user("admin"))
    return web


def test_an_invitation_lets_the_person_choose_a_password_once(admin_web, make_web):
    assert invite(admin_web).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "invitee@example.org"))
    assert user.password_hash is None and user.roles == {"member", "expert"}
    email = outbox()[-1]
    assert email.recipient == "invitee@example.org" and "invites you" in email.subject
    path = link_in(email, "invitation")
    assert not can_sign_in(make_web, user.email, "")  # no password yet: nobody signs in
    assert is_login_redirect(choose(make_web(), path))
    assert can_sign_in(make_web, user.email, NEW)
    again = make_web()
    assert again.get(path).status_code == 404
    assert choose(again, path, "a different passphrase now").status_code == 404
    assert can_sign_in(make_web, user.email, NEW)
    kinds = db.session.scalars(select(AuditEvent.kind)).all()
    assert "invitation_sent" in kinds and "invitation_accepted" in kinds


def test_an_invitation_expires(admin_web, make_web, clock):
    invite(admin_web)
    path = link_in(outbox()[-1], "invitation")
    clock.advance(timedelta(days=7, minutes=1))
    web = make_web()
    assert web.get(path).status_code == 404
    web.get("/login")
    assert web.post(path, {"new_password": NEW, "confirm": NEW}).status_code == 404
    assert db.session.scalar(select(User.password_hash).where(
        User.email == "invitee@example.org")) is None


def test_inviting_again_cancels_the_older_link(admin_web, make_web):
    invite(admin_web)
    older = link_in(outbox()[-1], "invitation")
    invite(admin_web, name="Amina B. Invitee")
    newer = link_in(outbox()[-1], "invitation")
    assert older != newer
    assert make_web().get(older).status_code == 404
    assert choose(make_web(), newer).status_code == 302
    assert db.session.scalar(select(func.count(User.id)).where(
        User.email == "invitee@example.org")) == 1
    revoked = db.session.scalar(select(func.count(Invitation.id)).where(
        Invitation.revoked_at.is_not(None)))
    assert revoked == 1


def test_an_existing_account_cannot_be_invited(admin_web, make_user):
    user = make_user()
    page = invite(admin_web, email=user.email)
    assert page.status_code == 422 and "An account with this e-mail address exists." in \
        page.get_data(as_text=True)
    assert outbox() == []


def test_facilitators_invite_members_and_experts_only(make_web, make_user):
    web = make_web()
    web.sign_in(make_user("facilitator"))
    form = web.get("/invitations/new").get_data(as_text=True)
    assert 'value="expert"' in form and 'value="admin"' not in form \
        and 'value="facilitator"' not in form
    for roles in (["admin"], ["facilitator"], ["expert", "admin"]):
        response = invite(web, email=f"{roles[-1]}x@example.org", roles=roles)
        assert response.status_code in (422, 403)  # not a choice, or refused outright
    assert db.session.scalar(select(func.count(User.id)).where(
        User.email.like("%x@example.org"))) == 0
    assert invite(web, email="helper@example.org", roles=["expert"]).status_code == 302
    assert outbox()[-1].recipient == "helper@example.org"


def test_the_permission_rule_behind_invitations(app, make_user):
    from reachback.accounts.invitations import invite as invite_service
    from reachback.errors import Forbidden
    from reachback.permissions import can_invite

    admin, fac, member = make_user("admin"), make_user("facilitator"), make_user()
    assert can_invite(admin, ["admin"]) and can_invite(fac, ["member", "expert"])
    assert not can_invite(fac, ["admin"]) and not can_invite(fac, ["facilitator"])
    assert not can_invite(member) and not can_invite(member, ["member"])
    with pytest.raises(Forbidden):
        invite_service(fac, "boss@example.org", "Boss", ["admin"])
    admin_invited = invite_service(admin, "boss@example.org", "Boss", ["admin"]).user
    db.session.commit()
    with pytest.raises(Forbidden):  # nor re-invite (and so demote) someone invited as admin
        invite_service(fac, admin_invited.email, "Boss", ["member"])


@pytest.mark.parametrize("role", ["member", "expert"])
def test_members_and_experts_cannot_invite(make_web, make_user, role):
    web = make_web()
    web.sign_in(make_user(role))
    assert web.get("/invitations/new").status_code == 403
    assert invite(web).status_code == 403
    assert outbox() == []


def test_invited_staff_set_up_two_factor_at_their_first_sign_in(admin_web, make_web):
    invite(admin_web, email="newfac@example.org", roles=["facilitator"])
    choose(make_web(), link_in(outbox()[-1], "invitation"))
    web = make_web()
    web.get("/login")
    response = web.post("/login", {"email": "newfac@example.org", "password": NEW})
    assert response.headers["Location"] == "/login/enrol"
    assert is_login_redirect(web.client.get("/triage"))


# --- CSRF and secrets -----------------------------------------------------------------

def test_every_new_form_is_among_the_csrf_checked_posts(app):
    """test_access.py's CSRF test posts to every POST rule; these are among them."""
    posted = {r.endpoint for r in rules(app, "POST")}
    assert {"twofactor.code", "twofactor.enrol", "twofactor.setup", "auth.forgot_password",
            "auth.reset_password", "invitations.new", "invitations.accept",
            "auth.security"} <= posted


@pytest.mark.parametrize("path", ["/password/forgot", "/login/code", "/login/enrol"])
def test_the_new_public_forms_refuse_a_missing_csrf_token(make_web, path):
    web = make_web()
    web.get("/login")
    assert web.post(path, {"email": "a@example.org", "code": "123456"},
                    csrf=False).status_code == 400


def test_no_link_or_password_reaches_the_audit_log_or_the_logs(
        admin_web, make_web, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_user()
    ask_reset(make_web(), user.email)
    reset = link_in(outbox()[-1], "password/reset")
    choose(make_web(), reset)
    invite(admin_web)
    invitation = link_in(outbox()[-1], "invitation")
    choose(make_web(), invitation, "an invited persons passphrase")
    make_web().get(reset)  # used: refused
    rows = " ".join(f"{e.subject} {e.detail}" for e in db.session.scalars(select(AuditEvent)))
    for secret in (reset.rsplit("/", 1)[1], invitation.rsplit("/", 1)[1], NEW,
                   "an invited persons passphrase"):
        assert secret not in rows and secret not in caplog.text
