"""Dates and times a user gives the API lie in a window (reachback.timebounds): a due time or
needed-by date years ahead is refused with 422 naming the field, quickly, before any write;
one at the window's far edge is computed in well under a second (issue 14, item 2)."""
import time as stopwatch
from datetime import UTC, timedelta

import pytest

from reachback.extensions import db
from reachback.queries.models import Assignment

FAR = "9999-12-30T23:59:59+14:00"


@pytest.fixture
def triaged(clock, make_user, make_query):
    facilitator, expert = make_user("facilitator"), make_user("expert")
    return facilitator, expert, make_query(facilitator=facilitator)


def _assign(api, facilitator, expert, query, due_at):
    return api.post(f"/api/v1/queries/{query.reference}/assignments", facilitator,
                    json={"expert": expert.email, "due_at": due_at})


@pytest.mark.parametrize("due_at", [FAR, "2031-11-24T00:00:00+00:00", "2026-11-23T08:59:00+00:00"])
def test_a_due_time_outside_the_window_is_refused_with_422_naming_the_field_and_fast(
        api, triaged, due_at):
    facilitator, expert, query = triaged
    began = stopwatch.perf_counter()
    response = _assign(api, facilitator, expert, query, due_at)
    # A guard against the day-by-day walk (minutes), not a benchmark: a loaded CI worker
    # may take a second for the request. The arithmetic's cost is counted in
    # tests/unit/test_business_time.py.
    assert stopwatch.perf_counter() - began < 5.0
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == {"due_at"}
    db.session.rollback()
    assert db.session.query(Assignment).count() == 0  # nothing half-written


def test_a_due_time_at_the_far_edge_of_the_window_is_computed_in_well_under_a_second(
        api, triaged, clock):
    facilitator, expert, query = triaged
    edge = clock.now + timedelta(days=5 * 365)  # 2031-11-22, within five years
    began = stopwatch.perf_counter()
    response = _assign(api, facilitator, expert, query, edge.isoformat())
    # A guard against the day-by-day walk (minutes), not a benchmark: a loaded CI worker
    # may take a second for the request. The arithmetic's cost is counted in
    # tests/unit/test_business_time.py.
    assert stopwatch.perf_counter() - began < 5.0
    assert response.status_code == 201, response.get_json()
    assignment = db.session.query(Assignment).one()
    assert assignment.due_at.replace(tzinfo=UTC) == edge
    assert clock.now < assignment.remind_at.replace(tzinfo=UTC) < edge


@pytest.mark.parametrize("needed_by", ["9999-12-31", "2031-11-24", "0001-01-01"])
def test_a_needed_by_date_outside_the_window_is_refused_with_422(api, clock, make_user,
                                                                  needed_by):
    member = make_user("member")
    response = api.post("/api/v1/queries", member, json={
        "title": "Vetting", "question": "How?", "country": "SS",
        "themes": ["police-reform-and-community-policing"], "needed_by": needed_by})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"needed_by"}


def test_a_needed_by_date_within_five_years_is_accepted(api, clock, make_user):
    response = api.post("/api/v1/queries", make_user("member"), json={
        "title": "Vetting", "question": "How?", "country": "SS",
        "themes": ["police-reform-and-community-policing"], "needed_by": "2031-11-22"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["needed_by"] == "2031-11-22"
