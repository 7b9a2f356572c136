"""PATCH /api/v1/queries/{ref}: a facilitator's triage corrections through the API."""
import pytest
from sqlalchemy import select

from reachback.extensions import db
from reachback.queries.models import Event, FieldQuery
from tests.api.conftest import error_code


def url(q) -> str:
    return f"/api/v1/queries/{q.reference}"


def reload(q) -> FieldQuery:
    db.session.expire_all()
    return db.session.get(FieldQuery, q.id)


def edited(q) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.query_id == q.id,
                                                      Event.kind == "query_edited")))


def test_a_facilitator_changes_the_fields_and_gets_the_query(api, make_user, make_query,
                                                             clock):
    staff, q = make_user("facilitator"), make_query(priority="normal")
    triage_due = q.triage_due_at
    response = api.patch(url(q), staff, json={
        "title": "Vetting recruits in Wau", "themes": ["vetting", "courts"], "country": "ug",
        "priority": "urgent", "confidentiality": "community", "reason": "Of use to all"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ref"] == q.reference and body["title"] == "Vetting recruits in Wau"
    assert sorted(body["themes"]) == ["courts", "vetting"] and body["country"] == "UG"
    assert body["priority"] == "urgent" and body["confidentiality"] == "community"
    assert body["sla"]["policy"] == "urgent"
    q = reload(q)
    assert q.priority == "urgent" and q.triage_due_at < triage_due
    [event] = edited(q)
    assert event.data["fields"] == ["title", "themes", "country", "priority",
                                    "confidentiality"]
    assert event.data["reason"] == "Of use to all"


def test_one_field_alone_and_null_as_absent(api, make_user, make_query):
    staff, q = make_user("facilitator"), make_query()
    response = api.patch(url(q), staff, json={"priority": "high", "title": None})
    assert response.status_code == 200
    q = reload(q)
    assert q.priority == "high" and q.title == "How have other missions vetted police recruits?"


def test_unknown_fields_are_ignored(api, make_user, make_query):
    staff, q = make_user("facilitator"), make_query()
    requester = q.requester_id
    response = api.patch(url(q), staff, json={
        "status": "published", "requester_id": staff.id, "question": "Changed?",
        "reference": "RB-1999-0001", "priority": "low"})
    assert response.status_code == 200
    q = reload(q)
    assert (q.status, q.requester_id, q.reference) == ("submitted", requester,
                                                      response.get_json()["ref"])
    assert q.question != "Changed?" and q.priority == "low"


def test_the_requester_and_an_expert_are_refused_403(api, make_user, make_query):
    expert = make_user("expert")
    q = make_query(status="routed", experts=[expert])
    for user in (q.requester, expert):
        response = api.patch(url(q), user, json={"priority": "urgent"})
        assert response.status_code == 403 and error_code(response) == "forbidden"
    assert reload(q).priority == "normal" and edited(q) == []


def test_a_member_who_may_not_see_it_gets_404(api, make_user, make_query):
    q = make_query(confidentiality="restricted")
    response = api.patch(url(q), make_user("member"), json={"priority": "urgent"})
    assert response.status_code == 404 and error_code(response) == "not_found"
    community = make_query(confidentiality="community")
    response = api.patch(url(community), make_user("member"), json={"priority": "urgent"})
    assert response.status_code == 403
    assert reload(q).priority == "normal" and reload(community).priority == "normal"


def test_no_token_is_401(api, make_query):
    assert api.patch(url(make_query()), None, json={"priority": "urgent"}).status_code == 401


@pytest.mark.parametrize("status", ["closed", "published"])
def test_closed_or_published_is_409(api, make_user, make_query, status):
    staff, q = make_user("facilitator"), make_query(status=status)
    response = api.patch(url(q), staff, json={"title": "Too late"})
    assert response.status_code == 409 and error_code(response) == "conflict"
    assert reload(q).title != "Too late"


@pytest.mark.parametrize("body,field", [
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": 7}, "title"),
    ({"themes": []}, "themes"),
    ({"themes": ["a", "b", "c", "d"]}, "themes"),
    ({"themes": ["no-such-theme"]}, "themes"),
    ({"themes": "vetting, courts"}, "themes"),
    ({"country": "ZZ"}, "country"),
    ({"priority": "whenever"}, "priority"),
    ({"confidentiality": "secret"}, "confidentiality"),
    ({"confidentiality": "community"}, "reason"),
    ({"confidentiality": "community", "reason": "  "}, "reason"),
    ({"confidentiality": "community", "reason": 12}, "reason"),
])
def test_each_invalid_field_is_422_naming_it(api, make_user, make_query, body, field):
    staff, q = make_user("facilitator"), make_query(confidentiality="restricted")
    response = api.patch(url(q), staff, json=body)
    assert response.status_code == 422 and error_code(response) == "invalid"
    assert set(response.get_json()["error"]["fields"]) == {field}
    q = reload(q)
    assert q.confidentiality == "restricted" and edited(q) == []


def test_a_body_that_is_not_an_object_is_400(api, make_user, make_query):
    staff, q = make_user("facilitator"), make_query()
    assert api.patch(url(q), staff, json=["priority"]).status_code == 400


def test_the_events_show_the_edit_and_the_reason_to_staff_only(api, make_user, make_query):
    staff, q = make_user("facilitator"), make_query(confidentiality="restricted")
    api.patch(url(q), staff, json={"confidentiality": "community", "reason": "Cleared"})

    def edit(user):
        items = api.get(f"{url(q)}/events", user).get_json()["items"]
        return next(e["data"] for e in items if e["kind"] == "query_edited")

    assert edit(staff)["reason"] == "Cleared"
    data = edit(q.requester)
    assert "reason" not in data and data["fields"] == ["confidentiality"]


def test_the_place_may_be_the_world_or_a_region_and_nothing_else(api, make_user, make_query):
    staff, q = make_user("facilitator"), make_query()
    response = api.patch(url(q), staff, json={"country": "001"})
    assert response.status_code == 200 and response.get_json()["country"] == "001"
    refused = api.patch(url(q), staff, json={"country": "999"})
    assert refused.status_code == 422 and reload(q).country == "001"
