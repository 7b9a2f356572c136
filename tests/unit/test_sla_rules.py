"""SLA rules without a database: target states, the API summary, the relative due text."""
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from reachback.models_base import set_clock
from reachback.sla.calendar import BusinessCalendar, business_seconds_between
from reachback.sla.services import (
    assignment_state,
    next_due,
    point_at_share,
    shift_later,
    sla_summary,
    target_state,
)
from reachback.sla.views import sla_due

MON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
H = timedelta(hours=1)
CAL = BusinessCalendar()  # Monday to Friday, 09:00-17:00 UTC


@pytest.fixture
def frozen():
    set_clock(lambda: MON)
    yield MON
    set_clock(None)


def query(**kw):
    values = dict(priority="normal", sla_calendar="Default", deadline_driven=False,
                  paused_at=None, status="submitted",
                  triage_due_at=MON + 8 * H, triage_warn_at=MON + 6 * H, triage_met_at=None,
                  resolution_due_at=MON + 20 * 24 * H, resolution_warn_at=MON + 15 * 24 * H,
                  resolution_met_at=None)
    values.update(kw)
    q = SimpleNamespace(**values)
    q.is_open = q.status in ("submitted", "clarification", "routed", "synthesis")
    return q


# --- states ------------------------------------------------------------------------------

@pytest.mark.parametrize(("now", "met", "paused", "state"), [
    (MON, None, False, "ok"),
    (MON + 6 * H - timedelta(seconds=1), None, False, "ok"),
    (MON + 6 * H, None, False, "warning"),  # at 75 %: warning
    (MON + 8 * H - timedelta(seconds=1), None, False, "warning"),
    (MON + 8 * H, None, False, "breached"),  # at the due time: breached
    (MON + 30 * H, MON + H, False, "met"),  # met wins over everything
    (MON + 30 * H, MON + 20 * H, True, "met"),
    (MON + 30 * H, None, True, "paused"),  # paused wins over breached
])
def test_target_state_follows_the_warning_point_due_time_met_and_pause(now, met, paused, state):
    assert target_state(MON + 8 * H, MON + 6 * H, met, paused, now) == state


def test_a_target_without_due_time_has_no_state():
    assert target_state(None, None, None, False, MON) is None


# --- the API summary ---------------------------------------------------------------------

def test_sla_summary_has_the_api_shape_with_utc_iso_times():
    q = query(triage_met_at=MON + 2 * H, deadline_driven=True, priority="urgent")
    summary = sla_summary(q, MON + 3 * H)
    assert summary == {
        "policy": "urgent", "calendar": "Default", "deadline_driven": True,
        "triage": {"due_at": "2026-11-23T17:00:00+00:00", "state": "met",
                   "met_at": "2026-11-23T11:00:00+00:00"},
        "resolution": {"due_at": "2026-12-13T09:00:00+00:00", "state": "ok", "met_at": None},
    }


def test_sla_summary_shows_open_targets_paused_while_waiting_for_clarification():
    q = query(status="clarification", paused_at=MON + H, triage_met_at=MON + H)
    summary = sla_summary(q, MON + 100 * H)
    assert summary["triage"]["state"] == "met"
    assert summary["resolution"]["state"] == "paused"


def test_sla_summary_is_pure_and_does_not_change_the_query():
    q = query()
    before = dict(vars(q))
    sla_summary(q, MON + 7 * H)
    assert vars(q) == before


def test_assignment_state_is_met_when_answered_and_none_when_declined_or_withdrawn():
    q = query(status="routed")
    base = dict(query=q, due_at=MON + 40 * H, warn_at=MON + 30 * H, answered_at=None)
    assert assignment_state(SimpleNamespace(status="invited", **base), MON) == "ok"
    assert assignment_state(SimpleNamespace(status="accepted", **base), MON + 30 * H) == "warning"
    assert assignment_state(SimpleNamespace(status="accepted", **base), MON + 40 * H) == "breached"
    answered = {**base, "answered_at": MON + 50 * H}
    assert assignment_state(SimpleNamespace(status="answered", **answered), MON + 60 * H) == "met"
    for status in ("declined", "withdrawn"):
        assert assignment_state(SimpleNamespace(status=status, **base), MON) is None
    assert assignment_state(SimpleNamespace(status="invited", **{**base, "due_at": None}),
                            MON) is None


def test_next_due_is_triage_until_met_then_resolution():
    q = query()
    assert next_due(q, MON) == (MON + 8 * H, "ok")
    q.triage_met_at = MON + H
    assert next_due(q, MON) == (q.resolution_due_at, "ok")
    assert next_due(q, MON, "triage") == (MON + 8 * H, "met")


# --- shares and shifts in business time ----------------------------------------------------

def test_the_warning_point_is_a_share_of_the_business_time_up_to_the_due_time():
    friday_16 = MON + 4 * 24 * H + 7 * H
    due = friday_16 + 3 * 24 * H  # Monday 16:00: 1 h on Friday + 7 h on Monday = 8 h
    assert point_at_share(CAL, friday_16, due, 0.5) == MON + 7 * 24 * H + 3 * H  # Monday 12:00
    assert business_seconds_between(CAL, friday_16, point_at_share(CAL, friday_16, due, 0.75)) == 6 * 3600


def test_a_due_time_with_no_working_time_before_it_shares_the_wall_clock():
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert point_at_share(CAL, saturday, saturday + 4 * H, 0.5) == saturday + 2 * H


def test_shift_moves_points_after_the_pause_by_business_time_and_keeps_earlier_ones():
    paused = MON + 2 * H  # Monday 11:00
    assert shift_later(CAL, MON + 7 * H, paused, 3 * 3600) == MON + 24 * H + 2 * H  # Tue 11:00
    assert shift_later(CAL, MON + H, paused, 3 * 3600) == MON + H  # passed before the pause: stays
    assert shift_later(CAL, MON + H, paused, 3 * 3600, always=True) == MON + 4 * H
    assert shift_later(CAL, None, paused, 3600) is None


# --- the relative due text ---------------------------------------------------------------

@pytest.mark.parametrize(("delta", "text"), [
    (3 * H + timedelta(minutes=20), "due in 3 h"),
    (timedelta(minutes=25), "due in 25 min"),
    (timedelta(seconds=30), "due now"),
    (-timedelta(seconds=30), "just overdue"),
    (-5 * H, "5 h overdue"),
    (-timedelta(days=2, hours=5), "2 days overdue"),
    (timedelta(days=1, hours=1), "due in 25 h"),
    (timedelta(days=3), "due in 3 days"),
    (-timedelta(days=1, hours=23), "47 h overdue"),
])
def test_sla_due_says_the_due_time_relative_to_now(frozen, delta, text):
    assert sla_due(MON + delta) == text


def test_sla_due_says_met_and_paused_and_nothing_without_a_time(frozen):
    assert sla_due(MON - H, "met") == "met"
    assert sla_due(MON - H, "paused") == "paused"
    assert sla_due(None) == ""


def test_closing_time_rule_used_for_needed_by_skips_back_over_weekends():
    from reachback.sla.calendar import closing_time_on_or_before

    assert closing_time_on_or_before(CAL, date(2026, 11, 28)) == MON + 4 * 24 * H + 8 * H
