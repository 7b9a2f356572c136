"""The e-mail pages: a user's notification settings, and the outbox for admins."""
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from reachback.extensions import db
from reachback.notify.models import NotificationPreference, OutboundEmail
from reachback.notify.services import KINDS, get_preferences, kinds_for, queue_email
from tests.helpers import WebClient


class Browser(WebClient):
    """A WebClient whose every request starts with a fresh `g` (the `app` fixture keeps one
    app context for the whole test; a browser never shares Flask-Login's cached user)."""

    def get(self, url, **kw):
        for name in list(vars(g)):
            g.pop(name, None)
        return super().get(url, **kw)

    def post(self, url, data=None, csrf=True, **kw):
        for name in list(vars(g)):
            g.pop(name, None)
        return super().post(url, data, csrf=csrf, **kw)


@pytest.fixture
def signed_in(app):
    def sign_in(user):
        client = Browser(app.test_client())
        client.sign_in(user)
        return client
    return sign_in


def text(response) -> str:
    return response.get_data(as_text=True)


def saved_modes(user) -> dict:
    db.session.expire_all()
    return dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode)
        .where(NotificationPreference.user_id == user.id)).all())


def failed_email(recipient="someone@example.org", subject="Your query was closed"):
    mail = queue_email(recipient, subject, "body")
    mail.status, mail.attempts, mail.last_error = "failed", 8, "Connection refused"
    db.session.commit()
    return mail


# --- notification settings ------------------------------------------------------------------

def test_preferences_page_lists_every_kind_with_its_current_mode(app, make_user, signed_in):
    member = make_user()
    page = signed_in(member).get("/profile/notifications")
    assert page.status_code == 200
    html = text(page)
    offered = kinds_for(member)
    for kind, label in offered.items():
        assert f'name="{kind}"' in html and f'<label for="{kind}">{label}' in html
    # Only staff receive these: a member is not offered them.
    for kind in ("query_submitted", "clarification_answered", "contribution_added",
                 "assignment_declined"):
        assert kind not in offered and f'name="{kind}"' not in html
    assert html.count('selected value="immediate"') == len(offered)
    assert 'name="csrf_token"' in html


def test_a_user_saves_a_mode_per_kind(app, make_user, signed_in):
    expert = make_user("expert")
    client = signed_in(expert)
    client.get("/profile/notifications")
    data = dict.fromkeys(KINDS, "immediate") | {"assigned": "digest", "closed": "off"}
    response = client.post("/profile/notifications", data)
    assert response.status_code == 302 and response.location.endswith("/profile/notifications")
    assert saved_modes(expert)["assigned"] == "digest" and saved_modes(expert)["closed"] == "off"
    page = text(client.get("/profile/notifications"))
    assert "Your notification settings are saved." in page
    assert 'selected value="digest"' in page and 'selected value="off"' in page


def test_a_partial_form_keeps_the_other_choices(app, make_user, signed_in):
    member = make_user()
    client = signed_in(member)
    client.post("/profile/notifications", {"closed": "off"})
    client.post("/profile/notifications", {"assigned": "digest"})
    modes = get_preferences(member)
    assert modes["closed"] == "off" and modes["assigned"] == "digest"
    assert modes["response_published"] == "immediate" and "query_submitted" not in modes


def test_an_unknown_mode_is_shown_beside_its_field_and_nothing_is_saved(
        app, make_user, signed_in):
    member = make_user()
    client = signed_in(member)
    response = client.post("/profile/notifications", {"closed": "off", "assigned": "hourly"})
    assert response.status_code == 422
    html = text(response)
    assert 'id="assigned-error"' in html and "There is a problem" in html
    assert saved_modes(member) == {}


def test_preferences_refuse_a_post_without_csrf_token_and_anonymous_visitors(
        app, make_user, signed_in):
    member = make_user()
    client = signed_in(member)
    response = client.post("/profile/notifications", {"closed": "off"}, csrf=False)
    assert response.status_code == 400 and saved_modes(member) == {}
    anonymous = Browser(app.test_client())
    assert "/login" in anonymous.get("/profile/notifications").location
    # A form post without a session has no valid token: refused before anything else.
    assert anonymous.post("/profile/notifications", {"closed": "off"},
                          csrf=False).status_code == 400
    assert saved_modes(member) == {}


# --- outbox --------------------------------------------------------------------------------

def test_admins_see_failed_emails_first_in_the_outbox(app, make_user, signed_in, clock):
    admin = make_user("admin")
    queue_email("waiting@example.org", "Still waiting", "body")
    clock.advance(timedelta(minutes=5))
    failed_email("broken@example.org", "Closed <b>now</b>")
    page = signed_in(admin).get("/admin/outbox")
    assert page.status_code == 200
    html = text(page)
    assert html.index("broken@example.org") < html.index("waiting@example.org")
    assert "Connection refused" in html and "Closed &lt;b&gt;now&lt;/b&gt;" in html
    assert "Failed (1)" in html and "Waiting (1)" in html
    filtered = text(signed_in(admin).get("/admin/outbox?status=failed"))
    assert "broken@example.org" in filtered and "waiting@example.org" not in filtered


def test_the_outbox_pages_run_across_the_statuses_in_order(app, make_user, clock):
    """Failed, then waiting, then sent, each newest first (ties: the later id first), and
    a page may span two statuses: every page of 2, put end to end, is that order; the
    totals and a status's own pages too."""
    from reachback.notify.services import list_outbox, outbox_counts

    admin = make_user("admin")
    mails = []
    for n, status in enumerate(["sent", "queued", "failed", "sent", "queued", "sent",
                                "failed", "sent"]):
        if n % 3:
            clock.advance(timedelta(minutes=1))  # two pairs share a time: the id decides
        mail = queue_email(f"m{n}@example.org", f"Mail {n}", "body")
        mail.status = status
        mails.append(mail)
    db.session.commit()
    rank = {"failed": 0, "queued": 1, "sent": 2}
    expected = [m.id for m in sorted(mails, key=lambda m: (rank[m.status],
                                                           -m.created_at.timestamp(), -m.id))]

    def pages(status):
        seen, page = [], 1
        while True:
            pager = list_outbox(admin, status, page, 2)
            if not pager.items:
                return seen, pager.total
            seen += [m.id for m in pager.items]
            page += 1

    assert pages("") == (expected, 8)
    assert pages("sent") == ([i for i in expected if db.session.get(
        OutboundEmail, i).status == "sent"], 4)
    assert list_outbox(admin, "", 2, 3).items == [db.session.get(OutboundEmail, i)
                                                  for i in expected[3:6]]
    assert outbox_counts(admin) == {"failed": 2, "queued": 2, "sent": 4}


@pytest.mark.parametrize("role", ["member", "expert", "facilitator"])
def test_the_outbox_is_refused_to_everyone_but_admins(app, make_user, signed_in, role):
    mail = failed_email()
    client = signed_in(make_user(role))
    assert client.get("/admin/outbox").status_code == 403
    assert client.post(f"/admin/outbox/{mail.id}/retry").status_code == 403
    db.session.refresh(mail)
    assert mail.status == "failed"


def test_anonymous_visitors_are_sent_to_sign_in(app):
    mail = failed_email()
    web = Browser(app.test_client())
    response = web.get("/admin/outbox")
    assert response.status_code == 302, response.status_code
    assert "/login" in response.location
    assert web.post(f"/admin/outbox/{mail.id}/retry", csrf=False).status_code == 400
    db.session.refresh(mail)
    assert mail.status == "failed"


def test_an_admin_requeues_a_failed_email_and_it_is_delivered(
        app, make_user, signed_in, clock):
    from reachback.notify.jobs import deliver_outbox

    admin = make_user("admin")
    mail = failed_email()
    client = signed_in(admin)
    client.get("/admin/outbox")
    response = client.post(f"/admin/outbox/{mail.id}/retry")
    assert response.status_code == 302 and "/admin/outbox" in response.location
    db.session.refresh(mail)
    assert (mail.status, mail.attempts, mail.next_attempt_at) == ("queued", 0, clock.now)
    assert "queued again" in text(client.get("/admin/outbox"))
    assert deliver_outbox() == 1
    db.session.refresh(mail)
    assert mail.status == "sent"


def test_a_sent_email_is_never_sent_again_and_retry_needs_csrf(app, make_user, signed_in):
    admin = make_user("admin")
    mail = failed_email()
    mail.status = "sent"
    db.session.commit()
    client = signed_in(admin)
    client.get("/admin/outbox")
    assert client.post(f"/admin/outbox/{mail.id}/retry", csrf=False).status_code == 400
    response = client.post(f"/admin/outbox/{mail.id}/retry",
                           headers={"Referer": "/admin/outbox"})
    assert response.status_code == 302
    assert "sent already" in text(client.get("/admin/outbox"))
    db.session.refresh(mail)
    assert mail.status == "sent"
    assert client.post("/admin/outbox/99999/retry").status_code == 404
    assert db.session.scalar(select(OutboundEmail.status).where(OutboundEmail.id == mail.id)) \
        == "sent"
