"""The models of reachback/api/schemas.py: what `dump` writes is what pydantic's own
validation and serialisation of the same model give, for every kind of answer; a request's
refused field is named with the API's message, the first one only."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from reachback.accounts.models import Theme
from reachback.api import schemas as s
from reachback.errors import Invalid
from reachback.extensions import db
from reachback.knowledge import search as svc
from reachback.queries import lists
from reachback.queries import services as qs
from reachback.routing.services import suggest_experts


@pytest.fixture(autouse=True)
def _close_index(app):
    yield
    svc.get_index().close()


def pydantic_dump(model, obj, context):
    return model.model_validate(obj, context=context).model_dump(mode="json")


def test_dump_writes_what_pydantic_serialises(clock, make_user, make_query):
    staff, member, expert = make_user("facilitator"), make_user(), make_user("expert")
    published = make_query(requester=member, facilitator=staff, status="published",
                           experts=[expert], visibility="public")
    routed = make_query(requester=member, facilitator=staff, status="routed",
                        experts=[expert])
    qs.assign_expert(staff, make_query(facilitator=staff), expert,
                     due_at=clock.now + timedelta(days=2))
    qs.close_query(staff, make_query(requester=member), "duplicate",
                   duplicate_of=published.reference)
    db.session.commit()
    svc.apply_outbox()
    contribution = lists.contributions(staff, published)[0]
    cases = [
        (s.Me, staff, {}),
        (s.ThemeList, list(db.session.scalars(select(Theme))), {}),
        *((s.Query, q, {"user": who}) for q in (published, routed)
          for who in (staff, member, expert)),
        (s.QueryPage, lists.query_list(staff, per_page=10), {"user": staff}),
        (s.Assignment, routed.assignments[0], {}),
        (s.Contribution, contribution, {}),
        (s.Response, published.response, {}),
        (s.SuggestionList, suggest_experts(staff, make_query()), {}),
        (s.EventList, lists.timeline(member, published), {}),
        (s.SearchResults, svc.search(member, "vetted"), {}),
    ]
    for model, obj, context in cases:
        context["now"] = clock.now
        assert model.dump(obj, **context) == pydantic_dump(model, obj, context), model
    assert s.SearchResults.dump(svc.search(member, "vetted"))["total"] == 1


@pytest.mark.parametrize("model, body, fields, message", [
    (s.CloseInput, {"reason": 5, "note": ["x"]}, {"reason": "Must be text."},
     "Please correct the highlighted fields."),
    (s.AssignmentInput, {"expert": "a@example.org", "due_at": "tomorrow"},
     {"due_at": s.TIMESTAMP}, s.TIMESTAMP),
    (s.QueryInput, {"themes": "vetting", "title": 42}, {"themes": "Must be a list."},
     "Please correct the highlighted fields."),
])
def test_a_refused_body_names_its_first_refused_field(model, body, fields, message):
    with pytest.raises(Invalid) as refused:
        model.parse(body)
    assert (refused.value.fields, refused.value.message) == (fields, message)


def test_null_is_absent_and_unknown_fields_are_ignored():
    assert s.ResponseInput.parse({"title": None, "x": 1}).model_dump() == {
        "title": "", "summary": "", "body": "", "note": "", "language": None}
    assert s.QueryListArgs.parse({"per_page": "5000", "mine": "true"}).model_dump() == {
        "country": None, "status": None, "theme": None, "mine": True, "page": 1,
        "per_page": 100}
