"""Query services: each rule of the journey, including what must be refused."""
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from reachback.errors import Conflict, Forbidden, Invalid, NotFound
from reachback.extensions import db
from reachback.notify.models import Notification
from reachback.queries import lists
from reachback.queries import services as qs
from reachback.queries.models import Event, FieldQuery

VALID = {"title": "Vetting police recruits", "question": "How?", "country": "ss",
         "themes": ["vetting"], "priority": "high", "confidentiality": "community"}


def events(query):
    return [e.kind for e in db.session.scalars(
        select(Event).where(Event.query_id == query.id).order_by(Event.id))]


def test_submit_gives_a_reference_and_records_the_event(app, make_user):
    member, staff = make_user(), make_user("facilitator")
    query = qs.submit_query(member, VALID)
    assert re.fullmatch(r"RB-\d{4}-\d{4,}", query.reference)
    assert query.status == "submitted" and query.country == "SS"
    assert [t.slug for t in query.themes] == ["vetting"]
    assert events(query) == ["submitted"]
    notes = db.session.scalars(select(Notification).where(Notification.user_id == staff.id))
    assert [n.kind for n in notes] == ["query_submitted"]


def test_references_are_sequential_and_never_reused(app, make_user, clock):
    member = make_user()
    first = qs.submit_query(member, VALID)
    db.session.delete(first)
    db.session.flush()
    second = qs.submit_query(member, VALID)
    assert first.reference == "RB-2026-0001"
    assert second.reference == "RB-2026-0002"
    clock.set(datetime(2027, 1, 2, 10, tzinfo=UTC))
    assert qs.submit_query(member, VALID).reference == "RB-2027-0001"


@pytest.mark.parametrize("change,field", [
    ({"title": ""}, "title"),
    ({"question": "   "}, "question"),
    ({"country": "ZZ"}, "country"),
    ({"themes": []}, "themes"),
    ({"themes": ["vetting", "ceasefires", "courts", "prosecution"]}, "themes"),
    ({"themes": ["no-such-theme"]}, "themes"),
    ({"priority": "whenever"}, "priority"),
    ({"confidentiality": "secret"}, "confidentiality"),
    ({"needed_by": "2020-01-01"}, "needed_by"),
    ({"needed_by": "tomorrow"}, "needed_by"),
    ({"title": "x" * 201}, "title"),
    ({"title": 42}, "title"),
])
def test_invalid_submissions_name_the_field_and_save_nothing(app, make_user, change, field):
    member = make_user()
    with pytest.raises(Invalid) as error:
        qs.submit_query(member, {**VALID, **change})
    assert field in error.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count(FieldQuery.id))) == 0


def test_clarification_round_trip(app, make_query, make_user):
    staff = make_user("facilitator")
    query = make_query(facilitator=staff)
    qs.ask_clarification(staff, query, "Which districts?")
    assert query.status == "clarification"
    with pytest.raises(Forbidden):
        qs.reply_to_clarification(make_user(), query, "Not mine")
    qs.reply_to_clarification(query.requester, query, "Juba and Wau.")
    assert query.status == "submitted"
    assert [m.purpose for m in lists.messages(query.requester, query)] == ["clarification", "reply"]
    assert events(query)[-2:] == ["clarification_requested", "clarification_answered"]


def test_only_staff_ask_for_clarification(app, make_query, make_user):
    query = make_query()
    with pytest.raises(Forbidden):
        qs.ask_clarification(query.requester, query, "?")
    assert query.status == "submitted"


def test_routing_to_two_experts_and_refusing_a_double_assignment(app, make_query, make_user):
    staff, e1, e2 = make_user("facilitator"), make_user("expert"), make_user("expert")
    query = make_query(facilitator=staff)
    qs.assign_expert(staff, query, e1)
    qs.assign_expert(staff, query, e2)
    assert query.status == "routed"
    assert [a.status for a in query.assignments] == ["invited", "invited"]
    with pytest.raises(Conflict):
        qs.assign_expert(staff, query, e1)
    with pytest.raises(Invalid):
        qs.assign_expert(staff, query, make_user("member"))


def test_decline_notifies_staff_and_allows_reinvitation(app, make_query, make_user):
    staff, expert = make_user("facilitator"), make_user("expert")
    query = make_query(facilitator=staff)
    assignment = qs.assign_expert(staff, query, expert)
    with pytest.raises(Invalid):
        qs.decline_assignment(expert, assignment, " ")
    with pytest.raises(Forbidden):
        qs.decline_assignment(make_user("expert"), assignment, "Not me")
    qs.decline_assignment(expert, assignment, "On leave")
    assert assignment.status == "declined" and assignment.decline_reason == "On leave"
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == staff.id))
    assert "assignment_declined" in list(kinds)
    with pytest.raises(Forbidden):
        qs.add_contribution(expert, query, "Too late")
    again = qs.assign_expert(staff, query, expert)
    assert again.id == assignment.id and again.status == "invited"


def test_contribution_answers_the_assignment_and_is_editable_until_published(
        app, make_query, make_user):
    staff, expert = make_user("facilitator"), make_user("expert")
    query = make_query(status="routed", experts=[expert], facilitator=staff)
    contribution = qs.add_contribution(expert, query, "Vet against HR records.")
    assert query.assignments[0].status == "answered"
    qs.edit_contribution(expert, contribution, "Vet against HR and court records.")
    with pytest.raises(Forbidden):
        qs.edit_contribution(make_user("expert"), contribution, "Hijack")
    from reachback.synthesis import services as ss

    ss.save_draft(staff, query, "T", "S", "B")
    ss.publish_response(staff, query, "community")
    with pytest.raises(Conflict):
        qs.edit_contribution(expert, contribution, "After publication")
    assert contribution.body == "Vet against HR and court records."


def test_unassigned_expert_cannot_contribute(app, make_query, make_user):
    query = make_query(status="routed")
    with pytest.raises(Forbidden):
        qs.add_contribution(make_user("expert"), query, "Unasked advice")


def test_internal_notes_are_hidden_from_the_requester(app, make_query, make_user):
    staff, expert = make_user("facilitator"), make_user("expert")
    query = make_query(status="routed", experts=[expert], facilitator=staff)
    qs.add_internal_note(staff, query, "Requester is new in post")
    with pytest.raises(Forbidden):
        qs.add_internal_note(query.requester, query, "sneaky")
    assert lists.messages(query.requester, query) == []
    assert [m.body for m in lists.messages(expert, query)] == ["Requester is new in post"]
    assert "note_added" not in [e.kind for e in lists.timeline(query.requester, query)]
    assert "note_added" in [e.kind for e in lists.timeline(staff, query)]


def test_close_as_duplicate_links_both_queries(app, make_query, make_user):
    staff = make_user("facilitator")
    original, copy = make_query(facilitator=staff), make_query(facilitator=staff)
    with pytest.raises(Invalid):
        qs.close_query(staff, copy, "duplicate")
    with pytest.raises(Invalid):
        qs.close_query(staff, copy, "duplicate", duplicate_of=copy.reference)
    qs.close_query(staff, copy, "duplicate", duplicate_of=original.reference.lower())
    assert copy.status == "closed" and copy.duplicate_of_id == original.id
    assert "duplicate_linked" in events(original)


def test_requester_may_only_withdraw(app, make_query):
    query = make_query()
    with pytest.raises(Forbidden):
        qs.close_query(query.requester, query, "declined")
    qs.close_query(query.requester, query, "withdrawn")
    assert query.status == "closed" and query.close_reason == "withdrawn"
    with pytest.raises(Conflict):
        qs.close_query(query.requester, query, "withdrawn")


def test_invisible_query_is_not_found(app, make_query, make_user):
    query = make_query(confidentiality="restricted")
    with pytest.raises(NotFound):
        qs.get_query(make_user(), query.reference)
    with pytest.raises(NotFound):
        qs.get_query(make_user(), "RB-1999-9999")
    assert qs.get_query(query.requester, query.reference.lower()) is query


def test_a_reference_with_a_nul_character_is_not_found(app, make_query):
    """PostgreSQL refuses to compare a string holding NUL (the API's fuzz sent one in the
    path): such a reference names no query, on either database."""
    query = make_query()
    with pytest.raises(NotFound):
        qs.get_query(query.requester, query.reference + "\x00")
    assert qs.get_query(query.requester, query.reference) is query


def test_expert_queue_puts_the_earliest_due_first(app, make_query, make_user, clock):
    """Given due times and the SLA's own (40 working hours from Monday 09:00: Friday 17:00)
    are ordered by time, whatever the hour the suite runs at."""
    staff, expert = make_user("facilitator"), make_user("expert")
    later, sooner, by_sla = (make_query(facilitator=staff) for _ in range(3))
    qs.assign_expert(staff, later, expert, due_at=clock.now + timedelta(days=6))
    assert qs.assign_expert(staff, by_sla, expert).due_at == datetime(2026, 11, 27, 17, tzinfo=UTC)
    qs.assign_expert(staff, sooner, expert, due_at=clock.now + timedelta(days=1))
    page = lists.expert_queue(expert, 1, 10)
    assert [a.query.reference for a in page.items] == [
        sooner.reference, by_sla.reference, later.reference]


def test_triage_inbox_is_oldest_first_and_staff_only(app, make_query, make_user, clock):
    staff = make_user("facilitator")
    first = make_query(facilitator=staff)
    clock.advance(timedelta(hours=1))
    second = make_query(facilitator=staff)
    assert [q.id for q in lists.triage_inbox(staff, "new", 1, 10).items] == [first.id, second.id]
    with pytest.raises(Forbidden):
        lists.triage_inbox(make_user("expert"), "new", 1, 10)


def test_needed_by_today_is_accepted(app, make_user, clock):
    query = qs.submit_query(make_user(), {**VALID, "needed_by": clock.now.date().isoformat()})
    assert query.needed_by == date(2026, 11, 23)
