"""Subscriptions, the listserv: members follow themes and countries and receive each newly
published response they may read that matches, immediately, daily or weekly, never twice;
bulk mail carries List-Unsubscribe (RFC 8058 one click) and Auto-Submitted."""
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from reachback.errors import Forbidden, Invalid
from reachback.extensions import db
from reachback.notify import jobs
from reachback.notify import subscriptions as subs
from reachback.notify.models import OutboundEmail, Subscription
from reachback.notify.services import mail_domain, set_preferences
from tests.service.test_outbox import smtp  # noqa: F401  (the real SMTP server fixture)

VETTING = ("vetting",)
COURTS = ("courts",)


def mails_to(user) -> list[OutboundEmail]:
    return list(db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.recipient == user.email).order_by(OutboundEmail.id)))


def listserv_mails(user) -> list[OutboundEmail]:
    return [m for m in mails_to(user) if m.dedupe_key and m.dedupe_key.startswith(
        ("subscription:", "subscription-digest:"))]


def subscribe(user, themes=(), countries=(), frequency="immediately"):
    saved = subs.set_subscription(user, user, list(themes), list(countries), frequency)
    db.session.commit()
    return saved


# --- the choice --------------------------------------------------------------------------

def test_a_member_saves_and_reads_their_subscription(app, make_user):
    member = make_user()
    assert subs.get_subscription(member) == {"themes": [], "countries": [],
                                             "frequency": "immediately"}
    subscribe(member, ["vetting", "courts"], ["ss", "ML"], "weekly")
    assert subs.get_subscription(member) == {"themes": ["vetting", "courts"],
                                             "countries": ["SS", "ML"], "frequency": "weekly"}
    subscribe(member)  # nothing chosen: no subscription kept
    assert db.session.get(Subscription, member.id) is None


@pytest.mark.parametrize("themes, countries, frequency, field", [
    (["no-such-theme"], [], "daily", "themes"),
    ([], ["QQ"], "daily", "countries"),
    (["vetting"], [], "hourly", "frequency"),
    ("vetting", [], "daily", "themes"),
    ([], [7], "daily", "countries"),
])
def test_unknown_themes_countries_or_frequency_are_refused_and_nothing_changes(
        app, make_user, themes, countries, frequency, field):
    member = make_user()
    subscribe(member, ["courts"], [], "daily")
    with pytest.raises(Invalid) as refused:
        subs.set_subscription(member, member, themes, countries, frequency)
    assert field in refused.value.fields
    db.session.rollback()
    assert subs.get_subscription(member)["themes"] == ["courts"]


def test_nobody_changes_someone_elses_subscription(app, make_user):
    member, admin = make_user(), make_user("admin")
    with pytest.raises(Forbidden):
        subs.set_subscription(admin, member, ["vetting"], [], "daily")


# --- immediately ---------------------------------------------------------------------------

def test_a_matching_response_reaches_an_immediate_subscriber_once_when_published(
        app, make_user, make_query, clock):
    follower, other, late = make_user(), make_user(), make_user()
    subscribe(follower, VETTING)
    subscribe(other, COURTS)
    query = make_query(status="published", visibility="community", themes=VETTING)
    [mail] = listserv_mails(follower)
    assert query.reference in mail.subject and "Body text." in mail.text_body
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.headers["Auto-Submitted"] == "auto-generated"
    assert mail.headers["References"] == f"<query-{query.reference}@{mail_domain()}>"
    assert not listserv_mails(other)  # another theme
    # Never twice: the job's catch-up, run again and again, sends nothing more.
    assert subs.send_subscriptions() == 0 and subs.send_subscriptions() == 0
    assert len(listserv_mails(follower)) == 1
    # A subscription made after the publication does not get the back catalogue.
    clock.advance(timedelta(minutes=5))
    subscribe(late, VETTING)
    assert subs.send_subscriptions() == 0 and not listserv_mails(late)


def test_a_sub_theme_matches_its_parent_and_countries_narrow_the_themes(
        app, make_user, make_query):
    parent, sudan, mali = make_user(), make_user(), make_user()
    subscribe(parent, ["transitional-justice-and-reconciliation"])
    subscribe(sudan, VETTING, ["SS"])
    subscribe(mali, VETTING, ["ML"])
    make_query(status="published", visibility="community", themes=VETTING, country="SS")
    assert len(listserv_mails(parent)) == 1 and len(listserv_mails(sudan)) == 1
    assert not listserv_mails(mali)


def test_a_subscriber_who_may_not_read_the_response_never_receives_it(
        app, make_user, make_query, smtp):  # noqa: F811
    smtp.start()
    follower = make_user()
    subscribe(follower, VETTING)
    make_query(status="published", visibility="restricted", themes=VETTING)
    assert subs.send_subscriptions() == 0
    assert not listserv_mails(follower)
    jobs.deliver_outbox()
    for message in smtp.sink.messages:
        assert message["To"] != follower.email


def test_the_requester_and_contributors_are_not_sent_their_own_response_again(
        app, make_user, make_query):
    requester, expert = make_user(), make_user("expert")
    subscribe(requester, VETTING)
    subscribe(expert, VETTING)
    make_query(status="published", requester=requester, experts=[expert], themes=VETTING)
    assert not listserv_mails(requester) and not listserv_mails(expert)
    assert [m for m in mails_to(requester) if "published" in m.subject]  # the notice


# --- daily and weekly ---------------------------------------------------------------------

def test_daily_subscribers_get_one_digest_of_summaries_from_the_digest_hour(
        app, make_user, make_query, clock):
    reader = make_user(language="fr")
    subscribe(reader, VETTING, frequency="daily")
    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=clock.now.tzinfo))
    first = make_query(status="published", visibility="community", themes=VETTING,
                       title="Vetting one")
    second = make_query(status="published", visibility="public", themes=VETTING,
                        title="Vetting two")
    assert not listserv_mails(reader)  # not sent at publication
    assert subs.send_subscriptions() == 0  # 01:00 UTC: before DIGEST_HOUR_UTC
    clock.set(clock.now.replace(hour=7))
    assert subs.send_subscriptions() == 1
    assert subs.send_subscriptions() == 0
    [digest] = listserv_mails(reader)
    assert digest.language == "fr" and digest.subject.startswith("[Reachback] Aujourd'hui : 2 ")
    for query in (first, second):
        assert query.title in digest.text_body and f"/kb/{query.reference}" in digest.html_body
    assert "In short: vet carefully." in digest.text_body  # the summaries
    assert digest.headers["List-Unsubscribe"].startswith("<http")
    # What is published later that day waits for the next day's digest, alone.
    clock.advance(timedelta(hours=1))
    make_query(status="published", visibility="community", themes=VETTING, title="Three")
    assert subs.send_subscriptions() == 0  # today's digest went out already
    clock.advance(timedelta(days=1))
    assert subs.send_subscriptions() == 1
    assert "Three" in listserv_mails(reader)[-1].text_body
    assert "Vetting one" not in listserv_mails(reader)[-1].text_body


def test_weekly_subscribers_get_one_digest_a_week(app, make_user, make_query, clock):
    reader = make_user()
    subscribe(reader, VETTING, frequency="weekly")
    make_query(status="published", visibility="community", themes=VETTING)  # Monday 09:00
    clock.advance(timedelta(hours=1))
    assert subs.send_subscriptions() == 1
    clock.advance(timedelta(days=2))
    make_query(status="published", visibility="community", themes=VETTING, title="Later")
    clock.advance(timedelta(hours=1))
    assert subs.send_subscriptions() == 0  # the same ISO week
    clock.advance(timedelta(days=5))  # the next Monday, 10:00
    assert subs.send_subscriptions() == 1
    assert "Later" in listserv_mails(reader)[-1].text_body


# --- headers on the wire and unsubscribing --------------------------------------------------

def test_bulk_mail_carries_one_click_unsubscribe_and_auto_submitted_over_smtp(
        app, make_user, make_query, client, smtp):  # noqa: F811
    smtp.start()
    follower = make_user()
    subscribe(follower, VETTING)
    query = make_query(status="published", visibility="community", themes=VETTING)
    jobs.deliver_outbox()
    [message] = [m for m in smtp.sink.messages if m["To"] == follower.email]
    assert message.get_content_type() == "multipart/alternative"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"].startswith(f"[{query.reference}] ")
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://127.0.0.1:5000/unsubscribe/")
    assert link in message.get_body(("plain",)).get_content()
    # RFC 8058: the mail client POSTs, with no session and no CSRF token: unsubscribed.
    path = urlsplit(link).path
    assert client.get(path).status_code == 200  # a GET only asks
    assert db.session.get(Subscription, follower.id) is not None
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Subscription, follower.id) is None
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_a_forged_or_tampered_unsubscribe_link_changes_nothing(app, make_user, client):
    follower, victim = make_user(), make_user()
    subscribe(follower, VETTING)
    subscribe(victim, VETTING)
    token = subs.unsubscribe_token(follower, "subscriptions")
    for forged in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                   "RB-1999-9999", token.replace(".", "", 1)):
        assert client.post(f"/unsubscribe/{forged}").status_code == 404
    other_key = subs.links._serializer("reset").dumps({"user": victim.id,
                                                        "list": "subscriptions"})
    assert client.post(f"/unsubscribe/{other_key}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Subscription, victim.id) is not None
    assert db.session.get(Subscription, follower.id) is not None


def test_the_notification_digest_is_bulk_mail_and_one_click_turns_it_off(
        app, make_user, client, clock):
    from reachback.notify.services import get_preferences, notify

    member = make_user()
    set_preferences(member, member, {"closed": "digest"})
    notify([member], "closed", "Your query was closed")
    db.session.commit()
    clock.advance(timedelta(hours=1))
    assert jobs.send_digests() == 1
    [digest] = mails_to(member)
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = urlsplit(digest.headers["List-Unsubscribe"].strip("<>")).path
    assert client.post(path).status_code == 200
    db.session.expire_all()
    assert get_preferences(member)["closed"] == "off"
