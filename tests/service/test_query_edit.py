"""Triage edits of a query (queries.services.edit_query): each field, checked as at
submission; a reason for a confidentiality change; who may; until when; what is recorded."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from reachback.errors import Conflict, Forbidden, Invalid
from reachback.extensions import db
from reachback.queries import lists
from reachback.queries import services as qs
from reachback.queries.models import Event
from reachback.sla.models import SlaMark


def edits(query):
    return list(db.session.scalars(select(Event).where(
        Event.query_id == query.id, Event.kind == "query_edited").order_by(Event.id)))


@pytest.fixture
def staff(make_user):
    return make_user("facilitator")


@pytest.mark.parametrize("changes,read", [
    ({"title": "  Vetting in Wau  "}, lambda q: q.title == "Vetting in Wau"),
    ({"themes": ["vetting", "courts"]}, lambda q: {t.slug for t in q.themes} == {"vetting", "courts"}),
    ({"country": "ug"}, lambda q: q.country == "UG"),
    ({"priority": "urgent"}, lambda q: q.priority == "urgent"),
    ({"confidentiality": "community"}, lambda q: q.confidentiality == "community"),
])
def test_each_field_is_changed_and_recorded(app, make_query, staff, changes, read):
    q = make_query()
    qs.edit_query(staff, q, changes, reason="Nothing sensitive in it")
    assert read(q)
    [event] = edits(q)
    name = next(iter(changes))
    assert event.data["fields"] == [name] and not event.internal
    assert event.data["changes"][name]["to"] != event.data["changes"][name]["from"]


def test_the_event_names_old_and_new_values(app, make_query, staff):
    q = make_query(country="SS", priority="normal")
    qs.edit_query(staff, q, {"country": "UG", "priority": "high", "title": q.title})
    [event] = edits(q)
    assert event.data["fields"] == ["country", "priority"]  # the unchanged title is not named
    assert event.data["changes"] == {"country": {"from": "SS", "to": "UG"},
                                     "priority": {"from": "normal", "to": "high"}}
    assert event.actor_id == staff.id


def test_nothing_changed_records_nothing(app, make_query, staff):
    q = make_query()
    qs.edit_query(staff, q, {"title": q.title, "priority": q.priority,
                             "confidentiality": q.confidentiality})
    assert edits(q) == []


@pytest.mark.parametrize("changes,field", [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": 42}, "title"),
    ({"themes": []}, "themes"),
    ({"themes": ["vetting", "ceasefires", "courts", "prosecution"]}, "themes"),
    ({"themes": ["no-such-theme"]}, "themes"),
    ({"country": "ZZ"}, "country"),
    ({"country": ""}, "country"),
    ({"priority": "whenever"}, "priority"),
    ({"priority": ""}, "priority"),
    ({"confidentiality": "secret"}, "confidentiality"),
])
def test_each_field_is_checked_as_at_submission(app, make_query, staff, changes, field):
    q = make_query()
    before = (q.title, q.country, q.priority, q.confidentiality, [t.slug for t in q.themes])
    with pytest.raises(Invalid) as refused:
        qs.edit_query(staff, q, changes, reason="why")
    assert set(refused.value.fields) == {field}
    db.session.rollback()
    assert (q.title, q.country, q.priority, q.confidentiality,
            [t.slug for t in q.themes]) == before
    assert edits(q) == []


def test_every_refused_field_is_named_at_once(app, make_query, staff):
    q = make_query()
    with pytest.raises(Invalid) as refused:
        qs.edit_query(staff, q, {"title": "", "country": "ZZ", "confidentiality": "community"})
    assert set(refused.value.fields) == {"title", "country", "reason"}


def test_a_confidentiality_change_needs_a_reason(app, make_query, staff):
    q = make_query(confidentiality="restricted")
    for reason in (None, "", "   "):
        with pytest.raises(Invalid) as refused:
            qs.edit_query(staff, q, {"confidentiality": "community"}, reason=reason)
        assert set(refused.value.fields) == {"reason"}
    with pytest.raises(Invalid):
        qs.edit_query(staff, q, {"confidentiality": "community"}, reason="x" * 5000)
    db.session.rollback()
    assert q.confidentiality == "restricted"
    qs.edit_query(staff, q, {"confidentiality": "community"}, reason="Of use to all")
    [event] = edits(q)
    assert event.data["reason"] == "Of use to all"


def test_the_reason_is_shown_to_staff_only(app, make_query, make_user, staff):
    expert = make_user("expert")
    q = make_query(status="routed", experts=[expert], confidentiality="restricted")
    qs.edit_query(staff, q, {"confidentiality": "community"}, reason="Cleared by the mission")
    db.session.commit()
    member = make_user("member")

    def edit_data(user):
        return next(e.data for e in lists.timeline(user, q) if e.kind == "query_edited")

    assert edit_data(staff)["reason"] == "Cleared by the mission"
    for reader in (q.requester, expert, member):
        data = edit_data(reader)
        assert "reason" not in data
        assert data["changes"]["confidentiality"] == {"from": "restricted", "to": "community"}


def test_unknown_fields_are_ignored(app, make_query, staff):
    q = make_query()
    requester = q.requester_id
    qs.edit_query(staff, q, {"status": "published", "requester_id": staff.id,
                             "question": "Changed?", "priority": "high"})
    assert q.status == "submitted" and q.requester_id == requester
    assert q.question != "Changed?" and q.priority == "high"


@pytest.mark.parametrize("role", ["member", "expert"])
def test_only_facilitators_edit(app, make_query, make_user, role):
    q = make_query()
    for user in (q.requester, make_user(role)):
        with pytest.raises(Forbidden):
            qs.edit_query(user, q, {"priority": "urgent"})
    assert q.priority == "normal" and edits(q) == []


def test_admins_edit_too(app, make_query, make_user):
    q = make_query()
    qs.edit_query(make_user("admin"), q, {"priority": "urgent"})
    assert q.priority == "urgent"


@pytest.mark.parametrize("status", ["clarification", "routed", "synthesis"])
def test_open_queries_can_be_edited(app, make_query, staff, status):
    q = make_query(status=status)
    qs.edit_query(staff, q, {"title": "A clearer title"})
    assert q.title == "A clearer title"


@pytest.mark.parametrize("status", ["closed", "published"])
def test_closed_or_published_queries_cannot_be_edited(app, make_query, staff, status):
    q = make_query(status=status)
    with pytest.raises(Conflict):
        qs.edit_query(staff, q, {"title": "Too late"})
    assert q.title != "Too late" and edits(q) == []


def test_a_new_priority_recomputes_the_sla_targets(app, make_query, staff, clock):
    q = make_query(priority="normal")  # submitted Monday 09:00: triage in 8 h, resolution 96 h
    triage, resolution = q.triage_due_at, q.resolution_due_at
    clock.advance(timedelta(hours=1))
    qs.edit_query(staff, q, {"priority": "urgent"})
    # As if submitted as urgent (4 h and 40 business hours, from the submission).
    assert q.triage_due_at < triage and q.resolution_due_at < resolution
    assert q.triage_due_at == q.created_at + timedelta(hours=4)
    assert q.triage_warn_at < q.triage_due_at
    qs.edit_query(staff, q, {"priority": "normal"})
    assert (q.triage_due_at, q.resolution_due_at) == (triage, resolution)


def test_a_met_target_stays_met_and_a_pause_stays(app, make_query, staff, clock):
    q = make_query(status="clarification")  # triage met, clocks paused
    met, paused, triage_due = q.triage_met_at, q.paused_at, q.triage_due_at
    resolution = q.resolution_due_at
    qs.edit_query(staff, q, {"priority": "urgent"})
    assert (q.triage_met_at, q.paused_at, q.triage_due_at) == (met, paused, triage_due)
    assert q.resolution_due_at < resolution


def test_a_new_priority_forgets_the_warnings_of_open_targets(app, make_query, staff):
    q = make_query(status="routed")  # triage met
    for target in ("triage", "resolution"):
        db.session.add(SlaMark(kind="query", object_id=q.id, target=target, threshold=0.75))
    db.session.flush()
    qs.edit_query(staff, q, {"priority": "low"})
    left = db.session.scalars(select(SlaMark.target).where(SlaMark.object_id == q.id)).all()
    assert left == ["triage"]


def test_other_fields_leave_the_sla_alone(app, make_query, staff, clock):
    q = make_query()
    due = (q.triage_due_at, q.resolution_due_at)
    clock.advance(timedelta(hours=1))
    qs.edit_query(staff, q, {"title": "Another title", "country": "UG"})
    assert (q.triage_due_at, q.resolution_due_at) == due


@pytest.mark.parametrize("changes,queued", [
    ({"title": "Another title"}, True),
    ({"themes": ["courts"]}, True),
    ({"country": "UG"}, True),
    ({"confidentiality": "community"}, True),
    ({"priority": "high"}, False),
])
def test_the_search_document_is_requeued(app, make_query, staff, monkeypatch, changes,
                                         queued):
    q = make_query()
    seen = []
    monkeypatch.setattr(qs.search, "query_changed", lambda query: seen.append(query.reference))
    qs.edit_query(staff, q, changes, reason="why")
    assert seen == ([q.reference] if queued else [])
