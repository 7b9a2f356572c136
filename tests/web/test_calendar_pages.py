"""The calendar's pages and iCalendar files and feeds, and the blackboard's: who sees what,
proposing and approving through the pages, the start pages' community block."""
import re
from datetime import UTC, datetime

import pytest

from reachback.community import services as svc
from reachback.community.models import CommunityEvent, Notice
from reachback.extensions import db
from tests.service.test_community import event_data, notice_data

ICAL = "text/calendar; charset=utf-8"


@pytest.fixture
def scene(app, clock, make_user):
    fac, member = make_user("facilitator"), make_user("member")
    public = svc.submit_event(fac, event_data(title="Open webinar", visibility="public"))
    community = svc.submit_event(fac, event_data(title="Members' exchange"))
    proposal = svc.submit_event(member, event_data(title="My proposed meetup",
                                                   visibility="public"))
    past = svc.submit_event(fac, event_data(title="Last month's public talk",
                                            visibility="public",
                                            starts_at="2026-10-01T10:00:00+00:00",
                                            ends_at="2026-10-01T11:00:00+00:00"))
    notice = svc.submit_notice(fac, notice_data(title="Adviser wanted"))
    db.session.commit()
    return {"fac": fac, "member": member, "public": public, "community": community,
            "proposal": proposal, "past": past, "notice": notice}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_anonymous_visitors_see_public_events_only_in_page_files_and_feed(client, scene):
    page = text(client.get("/calendar"))
    assert "Open webinar" in page and "Last month" in page
    assert "Members&#39; exchange" not in page and "Members' exchange" not in page
    assert "My proposed meetup" not in page
    assert client.get(f"/calendar/{scene['public'].id}").status_code == 200
    for event in ("community", "proposal"):
        assert client.get(f"/calendar/{scene[event].id}").status_code == 404
        assert client.get(f"/calendar/{scene[event].id}.ics").status_code == 404
    feed = client.get("/calendar.ics")
    assert feed.status_code == 200 and feed.headers["Content-Type"] == ICAL
    assert "Open webinar" in text(feed) and "exchange" not in text(feed)
    assert "meetup" not in text(feed)


def test_one_events_file(client, scene):
    response = client.get(f"/calendar/{scene['public'].id}.ics")
    assert response.status_code == 200 and response.headers["Content-Type"] == ICAL
    body = text(response)
    assert body.count("BEGIN:VEVENT") == 1 and "SUMMARY:Open webinar" in body


def test_members_see_community_events_grouped_by_month_and_their_secret_feed(
        signed_in, client, scene):
    web = signed_in(scene["member"])
    page = text(web.get("/calendar"))
    assert "Open webinar" in page and "exchange" in page and "December 2026" in page
    assert "My proposed meetup" not in page  # not listed until approved
    feed_url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)
    path = feed_url.split("localhost", 1)[-1]
    assert path.startswith("/calendar/feed/") and path.endswith(".ics")
    feed = client.get(path)  # a calendar application: no cookie
    assert feed.status_code == 200 and feed.headers["Content-Type"] == ICAL
    assert feed.headers["Cache-Control"] == "private, no-store"
    assert "Open webinar" in text(feed) and "exchange" in text(feed)
    assert "meetup" not in text(feed)
    wrong = path.replace("/feed/", "/feed/x")
    assert client.get(wrong).status_code == 404
    assert client.get("/calendar/feed/not-a-token.ics").status_code == 404


def test_anonymous_visitors_get_no_personal_feed(client, scene):
    page = text(client.get("/calendar"))
    assert "feed-url" not in page and "/calendar.ics" in page
    assert "/calendar/feed/new" not in page
    assert client.post("/calendar/feed/new").status_code in (400, 403)  # CSRF, or refused


def test_a_member_replaces_a_shared_feed_address_and_the_old_one_stops(
        signed_in, client, scene):
    def feed_path(page) -> str:
        url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page).group(1)
        return url.split("localhost", 1)[-1]

    web = signed_in(scene["member"])
    old = feed_path(text(web.get("/calendar")))
    assert client.get(old).status_code == 200
    assert web.post("/calendar/feed/new", {}).status_code == 302
    new = feed_path(text(web.get("/calendar")))
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    other = signed_in(scene["fac"])  # another member's address is untouched
    assert client.get(feed_path(text(other.get("/calendar")))).status_code == 200


def test_a_member_proposes_and_a_facilitator_approves(signed_in, scene):
    member, fac = signed_in(scene["member"]), signed_in(scene["fac"])
    member.get("/calendar/new")
    response = member.post("/calendar/new", {
        "title": "Lunch talk", "description": "", "starts_at": "2026-12-10T12:00",
        "ends_at": "2026-12-10T13:00", "timezone": "Africa/Juba", "location": "Juba",
        "online_url": "", "visibility": "community"})
    assert response.status_code == 302
    event = db.session.scalar(db.select(CommunityEvent).filter_by(title="Lunch talk"))
    assert event.status == "proposed" and event.organiser_id == scene["member"].id
    assert "Lunch talk" not in text(member.get("/calendar"))
    assert member.get("/calendar/proposals").status_code == 403
    assert member.post(f"/calendar/{event.id}/approve", {}).status_code == 403
    assert "Lunch talk" in text(fac.get("/calendar/proposals"))
    assert fac.post(f"/calendar/{event.id}/approve", {}).status_code == 302
    db.session.expire_all()
    assert event.status == "published"
    assert "Lunch talk" in text(member.get("/calendar"))


def test_a_refused_event_form_says_why_and_writes_nothing(signed_in, scene):
    web = signed_in(scene["fac"])
    web.get("/calendar/new")
    before = db.session.query(CommunityEvent).count()
    response = web.post("/calendar/new", {
        "title": "Bad", "starts_at": "2026-12-10T12:00", "ends_at": "2026-12-10T11:00",
        "timezone": "UTC", "online_url": "javascript:alert(1)", "visibility": "community"})
    assert response.status_code == 422
    page = text(response)
    assert "The event must end after it starts." in page and "https://" in page
    assert db.session.query(CommunityEvent).count() == before


def test_the_board_is_for_members_and_expired_notices_leave_it(signed_in, client, clock,
                                                              scene):
    assert client.get("/notices").status_code == 302  # to sign in
    web = signed_in(scene["member"])
    assert "Adviser wanted" in text(web.get("/notices"))
    clock.set(datetime(2026, 12, 10, 23, 0, tzinfo=UTC))  # its last day
    assert "Adviser wanted" in text(signed_in(scene["member"]).get("/notices"))
    clock.set(datetime(2026, 12, 11, 1, 0, tzinfo=UTC))
    page = signed_in(scene["member"]).get("/notices")
    assert page.status_code == 200 and "Adviser wanted" not in text(page)


def test_a_member_proposes_a_notice_and_a_facilitator_approves(signed_in, scene):
    member, fac = signed_in(scene["member"]), signed_in(scene["fac"])
    member.get("/notices/new")
    assert member.post("/notices/new", {"kind": "training", "title": "Course on DDR",
                                        "body": "", "expires_on": "2026-12-20"}
                       ).status_code == 302
    notice = db.session.scalar(db.select(Notice).filter_by(title="Course on DDR"))
    assert notice.status == "proposed" and "Course on DDR" not in text(member.get("/notices"))
    assert member.post(f"/notices/{notice.id}/approve", {}).status_code == 403
    assert fac.post(f"/notices/{notice.id}/approve", {}).status_code == 302
    assert "Course on DDR" in text(member.get("/notices"))


def test_start_pages_show_the_next_events_and_the_board(signed_in, client, scene):
    page = text(signed_in(scene["member"]).get("/queries/mine"))
    assert "Open webinar" in page and "exchange" in page and "Adviser wanted" in page
    welcome = text(client.get("/"))
    assert "Open webinar" in welcome and "exchange" not in welcome
    assert "Adviser wanted" not in welcome
    assert "Adviser wanted" in text(signed_in(scene["fac"]).get("/triage"))
