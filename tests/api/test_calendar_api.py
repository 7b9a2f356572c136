"""GET and POST /api/v1/calendar, GET and POST /api/v1/notices: public events for anonymous
callers, a facilitator's event published (201), a member's proposed (202) and not listed until
approved, refusals (422) that write nothing."""
import pytest

from reachback.community import services as svc
from reachback.community.models import CommunityEvent, Notice
from reachback.extensions import db
from tests.service.test_community import event_data, notice_data

BODY = {"title": "Webinar on DDR", "description": "Join **us**.",
        "starts_at": "2026-12-05T10:00:00+00:00", "ends_at": "2026-12-05T11:30:00+00:00",
        "location": "Online", "online_url": "https://meet.example.org/ddr",
        "visibility": "public", "themes": ["vetting"]}
ITEM_FIELDS = {"id", "title", "starts_at", "ends_at", "location", "online_url",
               "description_html", "url"}


@pytest.fixture
def people(app, clock, make_user):
    return {"fac": make_user("facilitator"), "member": make_user("member")}


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["items"]]


def test_a_facilitators_event_is_created_and_listed(api, people):
    response = api.post("/api/v1/calendar", people["fac"], json=BODY)
    assert response.status_code == 201
    event = response.get_json()
    assert event["status"] == "published" and event["url"] == f"/calendar/{event['id']}"
    assert event["starts_at"] == "2026-12-05T10:00:00+00:00"
    assert "<strong>us</strong>" in event["description_html"]
    items = api.get("/api/v1/calendar").get_json()["items"]  # anonymous: public events
    assert [i["id"] for i in items] == [event["id"]] and ITEM_FIELDS <= set(items[0])


def test_a_members_event_is_proposed_and_listed_only_once_approved(api, people):
    response = api.post("/api/v1/calendar", people["member"], json=BODY)
    assert response.status_code == 202 and response.get_json()["status"] == "proposed"
    for caller in (None, people["member"], people["fac"]):
        assert titles(api.get("/api/v1/calendar", caller)) == []
    event = db.session.get(CommunityEvent, response.get_json()["id"])
    svc.approve_event(people["fac"], event)
    db.session.commit()
    assert titles(api.get("/api/v1/calendar")) == ["Webinar on DDR"]


def test_anonymous_callers_get_no_community_event(api, people):
    svc.submit_event(people["fac"], event_data(title="Members only"))
    svc.submit_event(people["fac"], event_data(title="Everyone", visibility="public"))
    db.session.commit()
    assert titles(api.get("/api/v1/calendar")) == ["Everyone"]
    assert sorted(titles(api.get("/api/v1/calendar", people["member"]))) == [
        "Everyone", "Members only"]
    assert api.post("/api/v1/calendar", json=BODY).status_code == 401


def test_from_and_to_choose_the_period(api, people):
    for day in ("2026-12-03", "2026-12-20", "2027-01-15"):
        svc.submit_event(people["fac"], event_data(
            title=day, visibility="public", starts_at=f"{day}T10:00:00+00:00",
            ends_at=f"{day}T11:00:00+00:00"))
    db.session.commit()
    assert titles(api.get("/api/v1/calendar")) == ["2026-12-03", "2026-12-20", "2027-01-15"]
    assert titles(api.get("/api/v1/calendar?from=2026-12-10&to=2026-12-31")) == ["2026-12-20"]
    assert titles(api.get("/api/v1/calendar?to=2026-12-20")) == ["2026-12-03", "2026-12-20"]
    assert titles(api.get(
        "/api/v1/calendar?from=2027-01-15T10:30:00%2B00:00")) == ["2027-01-15"]
    assert api.get("/api/v1/calendar?from=tomorrow").status_code == 422


@pytest.mark.parametrize(("changes", "field"), [
    ({"ends_at": "2026-12-05T09:00:00+00:00"}, "ends_at"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"themes": ["not-a-theme"]}, "themes"),
    ({"visibility": "secret"}, "visibility"),
    ({"starts_at": "soon"}, "starts_at"),
    ({"title": 5}, "title"),
])
def test_bad_events_are_422_and_write_nothing(api, people, changes, field):
    response = api.post("/api/v1/calendar", people["fac"], json={**BODY, **changes})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert db.session.query(CommunityEvent).count() == 0


def test_notices_are_for_members_and_expired_ones_are_gone(api, people, clock):
    svc.submit_notice(people["fac"], notice_data(expires_on="2026-11-24"))
    db.session.commit()
    assert api.get("/api/v1/notices").status_code == 401
    items = api.get("/api/v1/notices", people["member"]).get_json()["items"]
    assert [set(i) >= {"id", "kind", "title", "body_html", "expires_on"} for i in items] == [True]
    assert items[0]["expires_on"] == "2026-11-24" and items[0]["kind"] == "vacancy"
    clock.set(clock.now.replace(day=25))
    assert api.get("/api/v1/notices", people["member"]).get_json()["items"] == []


def test_posting_notices(api, people):
    body = {"kind": "training", "title": "Course", "body": "x", "expires_on": "2026-12-01"}
    assert api.post("/api/v1/notices", people["fac"], json=body).status_code == 201
    proposed = api.post("/api/v1/notices", people["member"], json={**body, "title": "Mine"})
    assert proposed.status_code == 202 and proposed.get_json()["status"] == "proposed"
    assert titles(api.get("/api/v1/notices", people["member"])) == ["Course"]
    bad = api.post("/api/v1/notices", people["fac"], json={**body, "kind": "gossip"})
    assert bad.status_code == 422 and db.session.query(Notice).count() == 2
