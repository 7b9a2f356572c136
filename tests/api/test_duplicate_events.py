"""The events endpoint names a duplicate's other query only to callers who may see it."""
from reachback.extensions import db
from reachback.queries import services as qs


def events(api, user, query) -> list[dict]:
    response = api.get(f"/api/v1/queries/{query.reference}/events", user)
    assert response.status_code == 200
    return response.get_json()["items"]


def data_of(items, kind) -> dict:
    return next(e["data"] for e in items if e["kind"] == kind)


def close_as_duplicate(make_user, make_query, original_confidentiality):
    staff = make_user("facilitator")
    original, duplicate = make_query(confidentiality=original_confidentiality), make_query()
    qs.close_query(staff, duplicate, "duplicate", duplicate_of=original.reference)
    db.session.commit()
    return staff, original, duplicate


def test_events_leave_out_the_reference_of_a_query_the_caller_cannot_see(
        api, clock, make_user, make_query):
    staff, original, duplicate = close_as_duplicate(make_user, make_query, "restricted")
    response = api.get(f"/api/v1/queries/{duplicate.reference}/events", duplicate.requester)
    assert original.reference not in response.get_data(as_text=True)
    assert data_of(response.get_json()["items"], "closed") == {
        "reason": "duplicate", "duplicate_of": None,
        "from_status": "submitted", "to_status": "closed"}
    response = api.get(f"/api/v1/queries/{original.reference}/events", original.requester)
    assert duplicate.reference not in response.get_data(as_text=True)
    assert data_of(response.get_json()["items"], "duplicate_linked") == {"duplicate": None}


def test_events_name_the_other_query_to_staff_and_to_a_requester_who_may_see_it(
        api, clock, make_user, make_query):
    staff, original, duplicate = close_as_duplicate(make_user, make_query, "community")
    items = events(api, duplicate.requester, duplicate)
    assert data_of(items, "closed")["duplicate_of"] == original.reference
    assert data_of(events(api, staff, duplicate), "closed")["duplicate_of"] == original.reference
    assert data_of(events(api, staff, original), "duplicate_linked") == {
        "duplicate": duplicate.reference}
    # The community original's requester still may not see the restricted duplicate.
    assert data_of(events(api, original.requester, original), "duplicate_linked") == {
        "duplicate": None}
