"""Every API endpoint: its success path (answer and database) and each error it can give."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from reachback.api.schemas import iso
from reachback.extensions import db
from reachback.queries import services as qs
from reachback.queries.models import Assignment, Contribution, FieldQuery, Message
from reachback.synthesis.models import ConsolidatedResponse
from tests.api.conftest import error_code

THEME = "police-reform-and-community-policing"
NEW_QUERY = {
    "title": "Vetting police recruits in Juba",
    "question": "What **worked** elsewhere?",
    "context": "We tried a paper process.",
    "purpose": "Programme design",
    "country": "SS",
    "themes": [THEME, "vetting"],
    "priority": "high",
    "needed_by": "2027-12-31",  # within five years of the frozen clock
    "confidentiality": "community",
}
ISO_UTC = "+00:00"


def reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def fields(response) -> dict:
    assert error_code(response) == "invalid"
    return response.get_json()["error"]["fields"]


# --- /themes -------------------------------------------------------------------------

def test_themes_list_every_theme_with_its_parent_slug(api, make_user):
    response = api.get("/api/v1/themes", make_user())
    assert response.status_code == 200
    items = {t["slug"]: t for t in response.get_json()["items"]}
    assert items[THEME]["parent"] == "security-sector-reform-and-governance"
    assert items["security-sector-reform-and-governance"]["parent"] is None
    assert set(items[THEME]) == {"slug", "name", "parent"}


# --- POST /queries ----------------------------------------------------------------------

def test_submitting_a_query_answers_201_with_the_query_and_stores_it(api, make_user, clock):
    member = make_user("member")
    response = api.post("/api/v1/queries", member, json=NEW_QUERY)
    assert response.status_code == 201
    body = response.get_json()
    assert body["ref"].startswith("RB-") and body["status"] == "submitted"
    assert response.headers["Location"].endswith(f"/api/v1/queries/{body['ref']}")
    assert sorted(body["themes"]) == sorted([THEME, "vetting"])
    assert body["question_html"] == "<p>What <strong>worked</strong> elsewhere?</p>"
    assert body["requester"] == {"email": member.email, "name": member.name}
    assert body["needed_by"] == "2027-12-31" and body["priority"] == "high"
    assert body["created_at"].endswith(ISO_UTC) and "." not in body["created_at"]
    assert body["assignments"] == [] and body["contributions"] == []
    sla = body["sla"]
    assert sla["policy"] == "high" and sla["calendar"] == "Default"
    assert sla["deadline_driven"] is False
    assert sla["triage"]["state"] == "ok" and sla["triage"]["met_at"] is None
    assert sla["triage"]["due_at"].endswith(ISO_UTC)
    assert sla["resolution"]["due_at"] > sla["triage"]["due_at"]
    stored = db.session.scalar(select(FieldQuery).where(FieldQuery.reference == body["ref"]))
    assert stored.requester_id == member.id and stored.confidentiality == "community"


NOT_OBJECTS = [None, "", "{not json", "[1, 2]", '"text"', "null", "42", '{"a": "\\ud800"}',
               "[" * 100_000]
INVALID_QUERIES = [
    ({"title": ""}, "title"),
    ({"title": 42}, "title"),
    ({"question": {"nested": "object"}}, "question"),
    ({"priority": "whenever"}, "priority"),
    ({"confidentiality": "secret"}, "confidentiality"),
    ({"needed_by": "31/12/2099"}, "needed_by"),
    ({"needed_by": "2001-01-01"}, "needed_by"),
    ({"country": "ZZ"}, "country"),
    ({"country": None}, "country"),
    ({"themes": "vetting"}, "themes"),
    ({"themes": ["no-such-theme"]}, "themes"),
    ({"themes": [1, 2]}, "themes"),
    ({"title": "x" * 5000}, "title"),
]


def test_a_body_that_is_not_a_json_object_is_400(api, make_user):
    """Missing, malformed, non-object, lone-surrogate and absurdly nested bodies alike."""
    user = make_user()
    answers = {repr(raw)[:30]: api.call("POST", "/api/v1/queries", user, data=raw, headers={
        "Content-Type": "application/json"}) for raw in NOT_OBJECTS}
    assert {k: r.status_code for k, r in answers.items()} == {k: 400 for k in answers}
    assert {error_code(r) for r in answers.values()} == {"bad_request"}
    assert db.session.scalar(select(FieldQuery.id)) is None


def test_an_invalid_field_is_422_naming_that_field(api, make_user):
    user = make_user()
    got = {}
    for change, field in INVALID_QUERIES:
        response = api.post("/api/v1/queries", user, json={**NEW_QUERY, **change})
        got[repr(change)[:40]] = (response.status_code,
                                  field in response.get_json()["error"].get("fields", {}))
    assert got == {repr(change)[:40]: (422, True) for change, _field in INVALID_QUERIES}
    assert db.session.scalar(select(FieldQuery.id)) is None


def test_a_body_over_the_size_limit_is_413(api, app, make_user):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    user = make_user()
    response = api.post("/api/v1/queries", user, json={**NEW_QUERY, "context": "x" * 5000})
    assert response.status_code == 413
    assert error_code(response) == "request_entity_too_large"
    assert db.session.scalar(select(FieldQuery.id)) is None


# --- GET /queries -------------------------------------------------------------------------

def test_the_list_holds_only_queries_the_caller_may_see(api, make_user, make_query):
    member = make_user()
    own = make_query(requester=member)
    community = make_query(confidentiality="community")
    hidden = make_query(confidentiality="restricted")
    response = api.get("/api/v1/queries", member)
    assert response.status_code == 200
    body = response.get_json()
    refs = [q["ref"] for q in body["items"]]
    assert sorted(refs) == sorted([own.reference, community.reference])
    assert hidden.reference not in refs
    assert (body["total"], body["page"], body["per_page"]) == (2, 1, 25)
    facilitator = make_user("facilitator")
    assert api.get("/api/v1/queries", facilitator).get_json()["total"] == 3


def test_the_list_filters_by_status_theme_country_and_mine(api, make_user, make_query):
    member = make_user()
    mine = make_query(requester=member, confidentiality="community", country="SS")
    other = make_query(confidentiality="community", status="clarification", country="ML",
                       themes=("ceasefires",))

    def refs(qs_):
        response = api.get(f"/api/v1/queries?{qs_}", member)
        assert response.status_code == 200, response.get_json()
        return [q["ref"] for q in response.get_json()["items"]]

    assert refs("mine=1") == [mine.reference]
    assert refs("status=clarification") == [other.reference]
    assert refs("theme=ceasefires") == [other.reference]
    assert refs("country=ss") == [mine.reference]
    assert refs("status=submitted&country=ML") == []


def test_the_list_pages_and_clamps_per_page_to_100(api, make_user, make_query):
    member = make_user()
    for _ in range(3):
        make_query(requester=member)
    first = api.get("/api/v1/queries?per_page=2", member).get_json()
    second = api.get("/api/v1/queries?per_page=2&page=2", member).get_json()
    assert (first["total"], len(first["items"]), len(second["items"])) == (3, 2, 1)
    assert api.get("/api/v1/queries?per_page=5000", member).get_json()["per_page"] == 100


INVALID_ARGS = [("page=0", "page"), ("page=abc", "page"), ("page=-1", "page"),
                ("per_page=0", "per_page"), ("per_page=1.5", "per_page"),
                ("status=lost", "status"), ("country=Narnia", "country"), ("mine=maybe", "mine")]


def test_an_invalid_list_argument_is_422_naming_it(api, make_user):
    user = make_user()
    got = {}
    for args, field in INVALID_ARGS:
        response = api.get(f"/api/v1/queries?{args}", user)
        got[args] = (response.status_code, field in response.get_json()["error"]["fields"])
    assert got == {args: (422, True) for args, _field in INVALID_ARGS}


# --- GET /queries/{ref} ------------------------------------------------------------------

def test_the_requester_reads_a_query_without_the_experts_or_their_contributions(
        api, make_user, make_query):
    member, expert = make_user(), make_user("expert")
    query = make_query(requester=member, status="synthesis", experts=[expert])
    body = api.get(f"/api/v1/queries/{query.reference.lower()}", member).get_json()
    assert body["ref"] == query.reference and body["status"] == "synthesis"
    assert body["assignments"] == [] and body["contributions"] == []


def test_staff_and_the_assigned_expert_see_assignments_and_contributions(
        api, make_user, make_query):
    expert, facilitator = make_user("expert"), make_user("facilitator")
    query = make_query(status="synthesis", experts=[expert], facilitator=facilitator)
    for viewer in (facilitator, expert):
        body = api.get(f"/api/v1/queries/{query.reference}", viewer).get_json()
        assert [a["expert"]["email"] for a in body["assignments"]] == [expert.email]
        assert body["assignments"][0]["status"] == "answered"
        assert body["assignments"][0]["due_at"] == iso(query.assignments[0].due_at)
        assert body["assignments"][0]["sla_state"] == "met"  # answered on time
        [contribution] = body["contributions"]
        assert contribution["author"]["email"] == expert.email
        assert contribution["body_html"].startswith("<p>Advice from")


def test_the_requester_sees_contributions_once_published_but_another_member_never(
        api, make_user, make_query):
    member, other = make_user(), make_user()
    query = make_query(requester=member, status="published", confidentiality="community")
    assert len(api.get(f"/api/v1/queries/{query.reference}", member)
               .get_json()["contributions"]) == 1
    body = api.get(f"/api/v1/queries/{query.reference}", other).get_json()
    assert body["contributions"] == [] and body["assignments"] == []


def test_an_unknown_or_invisible_query_is_404(api, make_user, make_query):
    query = make_query(confidentiality="restricted")
    for ref in ("RB-2026-9999", query.reference):
        response = api.get(f"/api/v1/queries/{ref}", make_user())
        assert response.status_code == 404
        assert error_code(response) == "not_found"


# --- clarification and replies ---------------------------------------------------------------

def test_the_facilitator_asks_for_clarification(api, make_user, make_query):
    facilitator = make_user("facilitator")
    query = make_query()
    response = api.post(f"/api/v1/queries/{query.reference}/clarification", facilitator,
                        json={"message": "Which districts?"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "clarification"
    assert reload(FieldQuery, query.id).status == "clarification"
    message = db.session.scalar(select(Message).where(Message.query_id == query.id))
    assert (message.body, message.purpose) == ("Which districts?", "clarification")


def test_clarification_errors(api, make_user, make_query):
    facilitator, member = make_user("facilitator"), make_user()
    query = make_query(requester=member)
    url = f"/api/v1/queries/{query.reference}/clarification"
    assert api.post(url, member, json={"message": "?"}).status_code == 403
    assert api.post(url, facilitator, data="nope").status_code == 400
    assert api.post(url, facilitator, json={}).status_code == 422
    assert "message" in fields(api.post(url, facilitator, json={"message": ["a"]}))
    assert api.post("/api/v1/queries/RB-1999-0001/clarification", facilitator,
                    json={"message": "?"}).status_code == 404
    routed = make_query(status="routed")
    response = api.post(f"/api/v1/queries/{routed.reference}/clarification", facilitator,
                        json={"message": "?"})
    assert response.status_code == 409 and error_code(response) == "conflict"
    assert reload(FieldQuery, query.id).status == "submitted"


def test_the_requester_replies_and_the_query_returns_to_triage(api, make_user, make_query):
    member = make_user()
    query = make_query(requester=member, status="clarification")
    response = api.post(f"/api/v1/queries/{query.reference}/replies", member,
                        json={"message": "Juba and Wau."})
    assert response.status_code == 200 and response.get_json()["status"] == "submitted"
    assert reload(FieldQuery, query.id).status == "submitted"
    reply = db.session.scalar(select(Message).where(Message.purpose == "reply"))
    assert reply.body == "Juba and Wau." and reply.author_id == member.id


def test_reply_errors(api, make_user, make_query):
    member, facilitator = make_user(), make_user("facilitator")
    query = make_query(requester=member, status="clarification")
    url = f"/api/v1/queries/{query.reference}/replies"
    assert api.post(url, facilitator, json={"message": "I am not them"}).status_code == 403
    assert api.post(url, member, json={"message": "   "}).status_code == 422
    assert api.post(url, member).status_code == 400
    submitted = make_query(requester=member)
    assert api.post(f"/api/v1/queries/{submitted.reference}/replies", member,
                    json={"message": "hi"}).status_code == 409
    assert reload(FieldQuery, query.id).status == "clarification"


# --- suggested experts and assignments -------------------------------------------------------

def test_suggested_experts_come_best_first_with_their_reasons(api, make_user, make_query):
    facilitator = make_user("facilitator")
    good = make_user("expert", name="Good Match", themes=[THEME], countries=["SS"])
    make_user("expert", name="Another Expert")
    query = make_query()
    response = api.get(f"/api/v1/queries/{query.reference}/suggested-experts", facilitator)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert items[0]["email"] == good.email and items[0]["name"] == "Good Match"
    assert items[0]["score"] > items[1]["score"]
    assert any("South Sudan" in r for r in items[0]["reasons"])


def test_suggested_experts_are_for_facilitators_only(api, make_user, make_query):
    member = make_user()
    query = make_query(requester=member)
    url = f"/api/v1/queries/{query.reference}/suggested-experts"
    assert api.get(url, member).status_code == 403
    assert api.get(url, make_user()).status_code == 404


def test_the_facilitator_assigns_an_expert_with_a_due_time(api, make_user, make_query, clock):
    facilitator, expert = make_user("facilitator"), make_user("expert")
    query = make_query()
    due = clock.now + timedelta(days=3)
    local_due = due.astimezone(ZoneInfo("Africa/Juba")).isoformat()  # +02:00
    response = api.post(f"/api/v1/queries/{query.reference}/assignments", facilitator,
                        json={"expert": expert.email.upper(), "due_at": local_due})
    assert response.status_code == 201
    body = response.get_json()
    assert body["query"] == query.reference and body["status"] == "invited"
    assert body["expert"] == {"email": expert.email, "name": expert.name}
    assert body["due_at"] == due.isoformat() and body["decline_reason"] is None
    assignment = reload(Assignment, body["id"])
    assert assignment.expert_id == expert.id and assignment.due_at == due
    assert assignment.query.status == "routed"


def test_an_assignment_may_carry_the_facilitators_message(api, make_user, make_query):
    from reachback.notify.models import Notification

    facilitator, expert = make_user("facilitator", name="Fay"), make_user("expert")
    query = make_query()
    url = f"/api/v1/queries/{query.reference}/assignments"
    assert api.post(url, facilitator, json={"expert": expert.email,
                                            "message": "x" * 2001}).status_code == 422
    assert api.post(url, facilitator, json={"expert": expert.email,
                                            "message": "Juba only."}).status_code == 201
    note = db.session.scalar(select(Notification).where(Notification.user_id == expert.id))
    assert note.text.endswith("Message from Fay: Juba only.")


def test_publishing_more_openly_through_the_api_tells_the_requester(api, make_user,
                                                                     make_query):
    from reachback.notify.models import Notification

    facilitator = make_user("facilitator")
    query = make_query(status="synthesis", confidentiality="community")
    answer = api.post(f"/api/v1/queries/{query.reference}/publish", facilitator,
                      json={"visibility": "public"})
    assert answer.status_code == 200 and answer.get_json()["visibility"] == "public"
    told = db.session.scalar(select(Notification.text).where(
        Notification.user_id == query.requester_id, Notification.kind == "response_published"))
    assert told.startswith(f"The response to {query.reference} is published for anyone to read")


def test_assignment_field_errors_are_422(api, make_user, make_query):
    facilitator, expert = make_user("facilitator"), make_user("expert")
    query = make_query()
    cases = [
        ({"expert": "nobody@example.org"}, "expert"),
        ({"expert": 7}, "expert"),
        ({}, "expert"),
        ({"expert": expert.email, "due_at": {"not": "a time"}}, "due_at"),
        ({"expert": expert.email, "due_at": "2099-01-01T10:00:00"}, "due_at"),  # naive
        ({"expert": expert.email, "due_at": "tomorrow"}, "due_at"),
        ({"expert": expert.email, "due_at": "2001-01-01T10:00:00+00:00"}, "due_at"),  # past
        ({"expert": expert.email, "due_at": "9999-12-31T23:00:00-05:00"}, "due_at"),
        ({"expert": expert.email, "due_at": "0001-01-01T00:00:00+05:00"}, "due_at"),
    ]
    got = {}
    for payload, field in cases:
        response = api.post(f"/api/v1/queries/{query.reference}/assignments", facilitator,
                            json=payload)
        got[repr(payload)] = (response.status_code,
                              field in response.get_json()["error"].get("fields", {}))
    assert got == {repr(payload): (422, True) for payload, _field in cases}
    assert reload(FieldQuery, query.id).status == "submitted"


def test_assignment_refusals(api, make_user, make_query):
    facilitator, member, expert = make_user("facilitator"), make_user(), make_user("expert")
    query = make_query(confidentiality="community", status="routed", experts=[expert])
    url = f"/api/v1/queries/{query.reference}/assignments"
    assert api.post(url, member, json={"expert": expert.email}).status_code == 403
    assert api.post(url, facilitator, json={"expert": expert.email}).status_code == 409
    assert api.post(url, facilitator, data="[]").status_code == 400
    closed = make_query(status="closed")
    assert api.post(f"/api/v1/queries/{closed.reference}/assignments", facilitator,
                    json={"expert": expert.email}).status_code == 409
    assert db.session.scalar(select(db.func.count(Assignment.id))) == 1


def _assignment(query, expert):
    return next(a for a in query.assignments if a.expert_id == expert.id)


def test_the_assigned_expert_accepts_with_or_without_a_body(api, make_user, make_query):
    first, second = make_user("expert"), make_user("expert")
    query = make_query(status="routed", experts=[first, second])
    for expert, kwargs in ((first, {}), (second, {"json": {}})):
        a = _assignment(query, expert)
        response = api.post(f"/api/v1/assignments/{a.id}/accept", expert, **kwargs)
        assert response.status_code == 200
        assert response.get_json()["status"] == "accepted"
        assert reload(Assignment, a.id).status == "accepted"


def test_accept_refusals(api, make_user, make_query):
    expert, other_expert = make_user("expert"), make_user("expert")
    query = make_query(status="routed", experts=[expert], confidentiality="community")
    a = _assignment(query, expert)
    url = f"/api/v1/assignments/{a.id}/accept"
    assert api.post(url, other_expert).status_code == 403
    assert api.post("/api/v1/assignments/999999/accept", expert).status_code == 404
    assert api.post("/api/v1/assignments/99999999999999999999999/accept",
                    expert).status_code == 404
    assert api.post(url, expert).status_code == 200
    response = api.post(url, expert)
    assert response.status_code == 409 and error_code(response) == "conflict"
    restricted = make_query(status="routed", experts=[expert])
    hidden = _assignment(restricted, expert)
    assert api.post(f"/api/v1/assignments/{hidden.id}/accept", other_expert).status_code == 404


def test_the_assigned_expert_declines_with_a_reason(api, make_user, make_query):
    expert = make_user("expert")
    query = make_query(status="routed", experts=[expert])
    a = _assignment(query, expert)
    response = api.post(f"/api/v1/assignments/{a.id}/decline", expert,
                        json={"reason": "Conflict of interest"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["decline_reason"]) == ("declined", "Conflict of interest")
    assert reload(Assignment, a.id).decline_reason == "Conflict of interest"


def test_decline_refusals(api, make_user, make_query):
    expert, facilitator = make_user("expert"), make_user("facilitator")
    query = make_query(status="routed", experts=[expert], facilitator=facilitator,
                       confidentiality="community")  # still visible to the expert after
    a = _assignment(query, expert)
    url = f"/api/v1/assignments/{a.id}/decline"
    assert api.post(url, expert, data="").status_code == 400
    assert "reason" in fields(api.post(url, expert, json={"reason": 3}))
    assert api.post(url, expert, json={}).status_code == 422
    assert api.post(url, facilitator, json={"reason": "not mine"}).status_code == 403
    assert api.post(url, expert, json={"reason": "Busy"}).status_code == 200
    assert api.post(url, expert, json={"reason": "Busy"}).status_code == 409


# --- contributions --------------------------------------------------------------------------------

def test_an_assigned_expert_contributes(api, make_user, make_query):
    expert = make_user("expert")
    query = make_query(status="routed", experts=[expert])
    response = api.post(f"/api/v1/queries/{query.reference}/contributions", expert,
                        json={"body": "Use *community* vetting panels."})
    assert response.status_code == 201
    body = response.get_json()
    assert body["query"] == query.reference and body["author"]["email"] == expert.email
    assert body["body_html"] == "<p>Use <em>community</em> vetting panels.</p>"
    assert body["created_at"].endswith(ISO_UTC) and body["updated_at"].endswith(ISO_UTC)
    assert reload(Contribution, body["id"]).author_id == expert.id
    assert _assignment(reload(FieldQuery, query.id), expert).status == "answered"


def test_contribution_refusals(api, make_user, make_query):
    expert, outsider = make_user("expert"), make_user("expert")
    query = make_query(status="routed", experts=[expert], confidentiality="community")
    url = f"/api/v1/queries/{query.reference}/contributions"
    assert api.post(url, outsider, json={"body": "Me too"}).status_code == 403
    assert api.post(url, expert, json={"body": ""}).status_code == 422
    assert api.post(url, expert, data="{").status_code == 400
    restricted = make_query(status="routed", experts=[expert])
    assert api.post(f"/api/v1/queries/{restricted.reference}/contributions", outsider,
                    json={"body": "x"}).status_code == 404
    published = make_query(status="published", experts=[expert])
    assert api.post(f"/api/v1/queries/{published.reference}/contributions", expert,
                    json={"body": "Late"}).status_code == 409
    assert db.session.scalar(select(db.func.count(Contribution.id))) == 1  # make_query's own


# --- the response ---------------------------------------------------------------------------------

def test_putting_the_response_saves_a_new_revision_each_time(api, make_user, make_query):
    facilitator = make_user("facilitator")
    query = make_query(status="routed")
    url = f"/api/v1/queries/{query.reference}/response"
    first = api.put(url, facilitator, json={"title": "Vetting", "summary": "Short.",
                                            "body": "Long *text*."})
    assert first.status_code == 200
    assert first.get_json()["revision"] == 1 and first.get_json()["status"] == "draft"
    assert reload(FieldQuery, query.id).status == "synthesis"
    second = api.put(url, facilitator, json={"title": "Vetting v2", "summary": "Shorter.",
                                             "body": "Longer."})
    body = second.get_json()
    assert (body["revision"], body["title"], body["visibility"]) == (2, "Vetting v2",
                                                                     "restricted")
    assert body["published_at"] is None and body["body_html"] == "<p>Longer.</p>"
    assert reload(FieldQuery, query.id).response.revision == 2


def test_response_refusals(api, make_user, make_query):
    facilitator, member = make_user("facilitator"), make_user()
    query = make_query(requester=member, status="routed")
    url = f"/api/v1/queries/{query.reference}/response"
    ok = {"title": "T", "summary": "S", "body": "B"}
    assert api.put(url, member, json=ok).status_code == 403
    assert api.put(url, facilitator, data="x").status_code == 400
    assert "title" in fields(api.put(url, facilitator, json={**ok, "title": ""}))
    assert "summary" in fields(api.put(url, facilitator, json={**ok, "summary": 5}))
    assert "body" in fields(api.put(url, facilitator, json={**ok, "body": None}))
    closed = make_query(status="closed")
    assert api.put(f"/api/v1/queries/{closed.reference}/response", facilitator,
                   json=ok).status_code == 409
    assert reload(FieldQuery, query.id).response is None


def test_publishing_sets_the_visibility_and_publishes_the_query(api, make_user, make_query):
    facilitator = make_user("facilitator")
    query = make_query(status="synthesis")
    response = api.post(f"/api/v1/queries/{query.reference}/publish", facilitator,
                        json={"visibility": "public"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["visibility"]) == ("published", "public")
    assert body["published_at"].endswith(ISO_UTC)
    assert body["contributors"] == [{"name": query.assignments[0].expert.name,
                                     "organisation": ""}]
    stored = reload(FieldQuery, query.id)
    assert stored.status == "published" and stored.response.visibility == "public"


def test_publishing_with_an_empty_body_keeps_the_drafts_visibility(api, make_user, make_query):
    facilitator = make_user("facilitator")
    query = make_query(status="synthesis")
    response = api.post(f"/api/v1/queries/{query.reference}/publish", facilitator)
    assert response.status_code == 200
    assert response.get_json()["visibility"] == "restricted"


@pytest.mark.parametrize("confidentiality", ["restricted", "community"])
def test_the_page_and_the_api_publish_with_the_same_default_visibility(
        api, make_web, make_user, make_query, confidentiality):
    """One rule (synthesis.services.default_visibility): what the publish form offers first
    is what the API publishes with when it is sent no visibility."""
    facilitator = make_user("facilitator")
    query = make_query(status="synthesis", confidentiality=confidentiality)
    web = make_web()
    web.login(facilitator)
    page = web.get(f"/queries/{query.reference}/synthesis").get_data(as_text=True)
    offered = [re.search(r'value="(\w+)"', tag).group(1) for tag in
               re.findall(r'<input[^>]*name="visibility"[^>]*>', page) if " checked" in tag]
    published = api.post(f"/api/v1/queries/{query.reference}/publish", facilitator)
    assert published.status_code == 200
    assert offered == [published.get_json()["visibility"]]


def test_publish_refusals(api, make_user, make_query):
    facilitator, member = make_user("facilitator"), make_user()
    query = make_query(requester=member, status="synthesis")
    url = f"/api/v1/queries/{query.reference}/publish"
    assert api.post(url, member, json={"visibility": "public"}).status_code == 403
    assert "visibility" in fields(api.post(url, facilitator, json={"visibility": "everyone"}))
    assert api.post(url, facilitator, data="[1]").status_code == 400
    routed = make_query(status="routed")
    assert api.post(f"/api/v1/queries/{routed.reference}/publish", facilitator,
                    json={"visibility": "public"}).status_code == 409
    assert reload(FieldQuery, query.id).status == "synthesis"


def test_a_published_response_is_read_by_reference(api, make_user, make_query):
    query = make_query(status="published", visibility="community")
    response = api.get(f"/api/v1/responses/{query.reference}", make_user())
    assert response.status_code == 200
    body = response.get_json()
    assert body["ref"] == query.reference and body["visibility"] == "community"
    assert body["summary"] == "In short: vet carefully." and body["revision"] == 1


def test_a_response_is_404_unless_published_and_visible(api, make_user, make_query):
    draft = make_query(status="synthesis", confidentiality="community")
    restricted = make_query(status="published", visibility="restricted")
    community = make_query(status="published", visibility="community")
    member = make_user()
    assert api.get(f"/api/v1/responses/{draft.reference}", member).status_code == 404
    assert api.get(f"/api/v1/responses/{restricted.reference}", member).status_code == 404
    assert api.get(f"/api/v1/responses/{community.reference}").status_code == 404
    assert api.get("/api/v1/responses/RB-2026-9999", member).status_code == 404
    assert api.get(f"/api/v1/responses/{restricted.reference}",
                   restricted.requester).status_code == 200


# --- closing ------------------------------------------------------------------------------------

def test_the_facilitator_closes_a_query(api, make_user, make_query):
    facilitator = make_user("facilitator")
    query = make_query()
    response = api.post(f"/api/v1/queries/{query.reference}/close", facilitator,
                        json={"reason": "out_of_scope", "note": "Not our field."})
    assert response.status_code == 200 and response.get_json()["status"] == "closed"
    stored = reload(FieldQuery, query.id)
    assert (stored.status, stored.close_reason, stored.close_note) == (
        "closed", "out_of_scope", "Not our field.")


def test_a_duplicate_is_closed_with_a_link_to_the_original(api, make_user, make_query):
    facilitator = make_user("facilitator")
    original, duplicate = make_query(), make_query()
    url = f"/api/v1/queries/{duplicate.reference}/close"
    assert "duplicate_of" in fields(api.post(url, facilitator, json={"reason": "duplicate"}))
    assert "duplicate_of" in fields(api.post(url, facilitator, json={
        "reason": "duplicate", "duplicate_of": 12}))
    response = api.post(url, facilitator, json={"reason": "duplicate",
                                                "duplicate_of": original.reference})
    assert response.status_code == 200
    assert reload(FieldQuery, duplicate.id).duplicate_of_id == original.id


def test_the_requester_may_withdraw_but_not_decline(api, make_user, make_query):
    member = make_user()
    query = make_query(requester=member)
    url = f"/api/v1/queries/{query.reference}/close"
    assert api.post(url, member, json={"reason": "declined"}).status_code == 403
    assert api.post(url, member, json={"reason": "withdrawn"}).status_code == 200
    assert reload(FieldQuery, query.id).close_reason == "withdrawn"


def test_close_refusals(api, make_user, make_query):
    facilitator = make_user("facilitator")
    closed, published = make_query(status="closed"), make_query(status="published")
    for query in (closed, published):
        assert api.post(f"/api/v1/queries/{query.reference}/close", facilitator,
                        json={"reason": "declined"}).status_code == 409
    open_query = make_query()
    url = f"/api/v1/queries/{open_query.reference}/close"
    assert "reason" in fields(api.post(url, facilitator, json={"reason": "bored"}))
    assert "note" in fields(api.post(url, facilitator, json={"reason": "declined",
                                                               "note": ["x"]}))
    assert api.post(url, facilitator, data="null").status_code == 400
    assert reload(FieldQuery, open_query.id).status == "submitted"


# --- events -------------------------------------------------------------------------------------

def test_events_come_oldest_first_and_hide_internal_ones_from_the_requester(
        api, make_user, make_query):
    member, facilitator = make_user(), make_user("facilitator")
    query = make_query(requester=member, status="routed", facilitator=facilitator)
    qs.add_internal_note(facilitator, query, "Staff only")
    from reachback.synthesis.services import save_draft

    save_draft(facilitator, query, "T", "S", "B")
    save_draft(facilitator, query, "T", "S", "B2")  # records an internal draft_saved event
    db.session.commit()
    staff_view = api.get(f"/api/v1/queries/{query.reference}/events", facilitator).get_json()
    kinds = [e["kind"] for e in staff_view["items"]]
    assert kinds[:3] == ["submitted", "routed", "expert_assigned"] and "draft_saved" in kinds
    first = staff_view["items"][0]
    assert first["actor"] == {"email": member.email, "name": member.name}
    assert first["at"].endswith(ISO_UTC) and first["data"]["title"] == query.title
    requester_view = api.get(f"/api/v1/queries/{query.reference}/events", member).get_json()
    seen = [e["kind"] for e in requester_view["items"]]
    assert "routed" in seen  # the requester learns the query went to experts...
    assert "draft_saved" not in seen and "expert_assigned" not in seen  # ...never who
    assert api.get(f"/api/v1/queries/{query.reference}/events",
                   make_user()).status_code == 404


# --- HTTP-level errors ----------------------------------------------------------------------------

def test_unknown_api_routes_and_methods_answer_json(api, make_user):
    user = make_user()
    response = api.get("/api/v1/nowhere", user)
    assert response.status_code == 404 and error_code(response) == "not_found"
    response = api.call("DELETE", "/api/v1/queries", user)
    assert response.status_code == 405 and error_code(response) == "method_not_allowed"


def test_a_draft_exists_only_after_put(make_query):
    query = make_query(status="routed")
    assert db.session.scalar(select(ConsolidatedResponse.id)
                             .where(ConsolidatedResponse.query_id == query.id)) is None
