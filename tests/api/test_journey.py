"""The whole life of a query driven through the API alone, as an integrator would."""
from datetime import timedelta

from sqlalchemy import select

from reachback.extensions import db
from reachback.queries.models import Assignment, FieldQuery
from reachback.synthesis.models import ResponseRevision

THEME = "police-reform-and-community-policing"


def test_a_query_travels_from_submission_to_a_published_response_through_the_api(
        api, make_user, clock):
    member, reader = make_user("member"), make_user("member")
    facilitator = make_user("facilitator")
    first = make_user("expert", name="Amina First", themes=[THEME], countries=["SS"])
    second = make_user("expert", name="Bruno Second", themes=[THEME])
    third = make_user("expert", name="Chen Third")

    def ok(response, status=200):
        assert response.status_code == status, response.get_json()
        return response.get_json()

    # The member asks.
    query = ok(api.post("/api/v1/queries", member, json={
        "title": "Community policing after the ceasefire",
        "question": "How did other missions start community policing forums?",
        "country": "SS", "themes": [THEME], "priority": "high",
        "confidentiality": "restricted"}), 201)
    ref = query["ref"]
    assert ok(api.get("/api/v1/queries?mine=1", member))["total"] == 1

    # Triage: a question and its answer.
    assert ok(api.post(f"/api/v1/queries/{ref}/clarification", facilitator,
                       json={"message": "Which state?"}))["status"] == "clarification"
    assert ok(api.post(f"/api/v1/queries/{ref}/replies", member,
                       json={"message": "Western Bahr el Ghazal."}))["status"] == "submitted"

    # Routing: the suggestions rank the best match first; two experts are asked.
    suggestions = ok(api.get(f"/api/v1/queries/{ref}/suggested-experts", facilitator))["items"]
    assert [s["email"] for s in suggestions[:2]] == [first.email, second.email]
    due = (clock.now + timedelta(days=5)).isoformat()
    a1 = ok(api.post(f"/api/v1/queries/{ref}/assignments", facilitator,
                     json={"expert": first.email, "due_at": due}), 201)
    a2 = ok(api.post(f"/api/v1/queries/{ref}/assignments", facilitator,
                     json={"expert": second.email}), 201)
    assert a1["due_at"] == due
    assert ok(api.get(f"/api/v1/queries/{ref}", member))["status"] == "routed"

    # One accepts and answers; one declines and is replaced by a third who answers.
    assert ok(api.post(f"/api/v1/assignments/{a1['id']}/accept", first))["status"] == "accepted"
    ok(api.post(f"/api/v1/queries/{ref}/contributions", first,
                json={"body": "Start with joint patrols."}), 201)
    declined = ok(api.post(f"/api/v1/assignments/{a2['id']}/decline", second,
                           json={"reason": "On mission"}))
    assert declined["status"] == "declined"
    ok(api.post(f"/api/v1/queries/{ref}/assignments", facilitator,
                json={"expert": third.email}), 201)
    ok(api.post(f"/api/v1/queries/{ref}/contributions", third,
                json={"body": "Fund the forums for two years."}), 201)
    assert ok(api.get(f"/api/v1/queries/{ref}", member))["contributions"] == []

    # Synthesis: two saves make two revisions; publication for the community.
    url = f"/api/v1/queries/{ref}/response"
    ok(api.put(url, facilitator, json={"title": "Forums", "summary": "Go", "body": "Draft"}))
    draft = ok(api.put(url, facilitator, json={"title": "Community policing forums",
                                                "summary": "Start small.", "body": "Final"}))
    assert (draft["revision"], draft["status"]) == (2, "draft")
    published = ok(api.post(f"/api/v1/queries/{ref}/publish", facilitator,
                            json={"visibility": "community"}))
    assert (published["status"], published["visibility"]) == ("published", "community")
    assert [c["name"] for c in published["contributors"]] == ["Amina First", "Chen Third"]

    # The requester now sees the contributions; another member reads the response.
    mine = ok(api.get(f"/api/v1/queries/{ref}", member))
    assert mine["status"] == "published"
    assert [c["author"]["name"] for c in mine["contributions"]] == ["Amina First", "Chen Third"]
    assert mine["assignments"] == []
    assert api.get(f"/api/v1/queries/{ref}", reader).status_code == 404  # restricted query
    read = ok(api.get(f"/api/v1/responses/{ref}", reader))
    assert (read["title"], read["summary"], read["revision"]) == (
        "Community policing forums", "Start small.", 2)

    # The timeline tells the story in order.
    kinds = [e["kind"] for e in ok(api.get(f"/api/v1/queries/{ref}/events", facilitator))["items"]]
    assert kinds == [
        "submitted", "clarification_requested", "clarification_answered", "routed",
        "expert_assigned", "expert_assigned", "assignment_accepted", "contribution_added", "assignment_declined",
        "expert_assigned", "contribution_added", "synthesis_started", "draft_saved", "published",
    ]
    requester_kinds = [e["kind"] for e in ok(api.get(f"/api/v1/queries/{ref}/events",
                                                     member))["items"]]
    assert "draft_saved" not in requester_kinds and requester_kinds[-1] == "published"
    assert "expert_assigned" not in requester_kinds and "routed" in requester_kinds

    # And the database agrees.
    stored = db.session.scalar(select(FieldQuery).where(FieldQuery.reference == ref))
    assert stored.status == "published" and stored.response.visibility == "community"
    assert sorted(a.status for a in db.session.scalars(
        select(Assignment).where(Assignment.query_id == stored.id))) == [
        "answered", "answered", "declined"]
    assert db.session.scalar(select(db.func.count(ResponseRevision.id))) == 2
