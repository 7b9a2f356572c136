"""The SLA engine with a database: due times set by the query services' hooks, clocks that
stop in clarification, policies and calendars, and the evaluation job under a controlled clock."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from reachback.errors import Forbidden, Invalid
from reachback.extensions import db
from reachback.notify.models import Notification
from reachback.queries import services as qs
from reachback.queries.models import Event
from reachback.sla import services as sla
from reachback.sla.calendar import BusinessCalendar, business_seconds_between
from reachback.sla.jobs import evaluate_sla_targets
from reachback.sla.models import Calendar, SlaMark, SlaPolicy
from reachback.synthesis import services as ss

MON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the clock fixture's Monday morning
H = timedelta(hours=1)
DAY = timedelta(days=1)
CAL = BusinessCalendar()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the week of MON: day 0 = Monday 23 November 2026 (UTC)."""
    return MON.replace(hour=hour, minute=minute) + day * DAY


def submit(user, priority="normal", needed_by=None):
    q = qs.submit_query(user, {
        "title": "Vetting police recruits", "question": "How?", "country": "SS",
        "themes": ["vetting"], "priority": priority, "confidentiality": "restricted",
        "needed_by": needed_by,
    })
    db.session.commit()
    return q


def marks(kind=None):
    stmt = select(SlaMark.kind, SlaMark.target, SlaMark.threshold).order_by(SlaMark.id)
    if kind:
        stmt = stmt.where(SlaMark.kind == kind)
    return [tuple(row) for row in db.session.execute(stmt)]


def notices(user, kind=None):
    stmt = select(Notification.kind).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


@pytest.fixture
def people(make_user):
    return {"member": make_user(), "staff": make_user("facilitator"),
            "admin": make_user("admin"), "expert": make_user("expert")}


# --- due times at submission ------------------------------------------------------------

def test_defaults_are_seeded_once_with_the_issue_targets(app):
    assert sla.seed_sla_defaults() == 0  # the app fixture seeded them already
    policies = {p.priority: (p.triage_hours, p.answer_hours, p.resolution_hours, p.calendar.name)
                for p in db.session.scalars(select(SlaPolicy))}
    assert policies == {"urgent": (4, 16, 40, "Default"), "high": (8, 24, 56, "Default"),
                        "normal": (8, 40, 96, "Default"), "low": (16, 80, 160, "Default")}
    calendar = db.session.scalar(select(Calendar))
    assert (calendar.timezone, calendar.working_days, calendar.intervals) == \
        ("UTC", "0,1,2,3,4", "09:00-17:00")


@pytest.mark.parametrize(("priority", "triage", "resolution"), [
    ("urgent", at(0, 13), at(4, 17)),  # 4 h; 40 h = five working days
    ("high", at(0, 17), at(8, 17)),  # 8 h; 56 h = seven working days
    ("normal", at(0, 17), at(15, 17)),  # 96 h = twelve working days
    ("low", at(1, 17), at(25, 17)),  # 16 h; 160 h = twenty working days
])
def test_submission_sets_triage_and_resolution_due_in_business_hours(
        people, clock, priority, triage, resolution):
    q = submit(people["member"], priority)
    assert (q.triage_due_at, q.resolution_due_at) == (triage, resolution)
    assert q.sla_calendar == "Default" and q.deadline_driven is False
    start = MON
    for due, warn in ((q.triage_due_at, q.triage_warn_at),
                      (q.resolution_due_at, q.resolution_warn_at)):
        assert business_seconds_between(CAL, start, warn) == \
            pytest.approx(0.75 * business_seconds_between(CAL, start, due))


def test_a_query_sent_on_friday_afternoon_is_due_after_the_weekend(people, clock):
    clock.set(at(4, 16))
    q = submit(people["member"], "urgent")
    assert q.triage_due_at == at(7, 12)  # 1 h on Friday, 3 h on Monday
    assert q.triage_warn_at == at(7, 11)


def test_the_warning_share_is_configurable(app, people, clock):
    app.config["SLA_WARNING_SHARE"] = 0.5
    q = submit(people["member"], "urgent")
    assert q.triage_warn_at == at(0, 11)


def test_needed_by_before_the_resolution_due_time_makes_the_query_deadline_driven(
        people, clock):
    q = submit(people["member"], "normal", needed_by="2026-11-25")
    assert q.resolution_due_at == at(2, 17)  # the calendar's closing time that day
    assert q.deadline_driven is True
    assert sla.sla_summary(q, MON)["deadline_driven"] is True
    # The warning point is 75 % of the business time up to the deadline (24 h -> 18 h).
    assert q.resolution_warn_at == at(2, 11)


def test_needed_by_on_a_weekend_or_holiday_means_the_last_working_day_before(
        people, clock, make_user):
    q = submit(people["member"], "normal", needed_by="2026-11-28")  # a Saturday
    assert q.resolution_due_at == at(4, 17)  # Friday's closing time
    calendar = db.session.scalar(select(Calendar))
    sla.add_holiday(people["admin"], calendar, date(2026, 11, 27), "A holiday")
    db.session.commit()
    q = submit(people["member"], "normal", needed_by="2026-11-28")
    assert q.resolution_due_at == at(3, 17)  # Friday is a holiday: Thursday


def test_a_needed_by_later_than_the_resolution_due_time_changes_nothing(people, clock):
    q = submit(people["member"], "urgent", needed_by="2026-12-31")
    assert q.resolution_due_at == at(4, 17) and q.deadline_driven is False


def test_a_needed_by_in_the_past_is_refused(people, clock):
    with pytest.raises(Invalid) as error:
        submit(people["member"], "normal", needed_by="2026-11-22")
    assert "needed_by" in error.value.fields


def test_due_times_follow_the_calendar_timezone(app, people, clock):
    calendar = db.session.scalar(select(Calendar))
    sla.update_calendar(people["admin"], calendar, name="Juba", timezone="Africa/Juba",
                        working_days=[0, 1, 2, 3, 4], intervals="08:00-12:00,13:00-17:00")
    db.session.commit()
    q = submit(people["member"], "urgent")  # 09:00 UTC is 11:00 in Juba (UTC+2)
    assert q.triage_due_at == at(0, 14)  # 11:00-12:00, then 13:00-16:00 Juba time
    assert sla.sla_summary(q, MON)["calendar"] == "Juba"


# --- triage and resolution met -------------------------------------------------------------

@pytest.mark.parametrize("action", ["clarify", "route", "close", "draft"])
def test_triage_is_met_by_the_facilitators_first_action(people, clock, action):
    q = submit(people["member"])
    clock.advance(2 * H)
    staff = people["staff"]
    if action == "clarify":
        qs.ask_clarification(staff, q, "Which districts?")
    elif action == "route":
        qs.assign_expert(staff, q, people["expert"])
    elif action == "close":
        qs.close_query(staff, q, "out_of_scope")
    else:
        ss.save_draft(staff, q, "Title", "", "Body")
    db.session.commit()
    assert q.triage_met_at == at(0, 11)
    assert sla.sla_summary(q, at(3, 9))["triage"]["state"] == "met"


def test_only_the_first_action_meets_triage(people, clock, make_user):
    q = submit(people["member"])
    clock.advance(H)
    qs.assign_expert(people["staff"], q, people["expert"])
    clock.advance(5 * H)
    qs.assign_expert(people["staff"], q, make_user("expert"))
    ss.save_draft(people["staff"], q, "Title", "", "Body")
    db.session.commit()
    assert q.triage_met_at == at(0, 10)


def test_resolution_is_met_by_publication(people, clock, make_query):
    q = make_query(status="published", requester=people["member"], facilitator=people["staff"],
                   experts=[people["expert"]])
    assert q.resolution_met_at == MON
    assert sla.sla_summary(q, MON + 100 * DAY)["resolution"]["state"] == "met"


def test_resolution_is_met_by_closing_even_from_clarification(people, clock):
    q = submit(people["member"])
    qs.ask_clarification(people["staff"], q, "Which districts?")
    clock.advance(3 * H)
    qs.close_query(people["member"], q, "withdrawn")
    db.session.commit()
    assert q.resolution_met_at == at(0, 12) and q.paused_at is None


# --- clarification stops the clocks ------------------------------------------------------------

def test_clarification_pauses_the_clocks_and_the_due_time_moves_by_the_business_time_waited(
        people, clock):
    q = submit(people["member"])
    due_before, warn_before = q.resolution_due_at, q.resolution_warn_at
    clock.advance(H)
    qs.ask_clarification(people["staff"], q, "Which districts?")
    db.session.commit()
    assert q.paused_at == at(0, 10)
    assert sla.sla_summary(q, at(1, 12))["resolution"]["state"] == "paused"
    clock.set(at(1, 12))  # Monday 10-17 and Tuesday 9-12: 10 business hours of waiting
    qs.reply_to_clarification(people["member"], q, "Juba and Wau.")
    db.session.commit()
    assert q.paused_at is None
    assert business_seconds_between(CAL, due_before, q.resolution_due_at) == 10 * 3600
    assert q.resolution_due_at == due_before + 2 * DAY - 6 * H  # Thursday 11:00
    assert business_seconds_between(CAL, warn_before, q.resolution_warn_at) == 10 * 3600
    assert sla.sla_summary(q, at(1, 12))["resolution"]["state"] == "ok"


def test_routing_straight_from_clarification_restarts_the_clocks(people, clock):
    q = submit(people["member"])
    due_before = q.resolution_due_at
    qs.ask_clarification(people["staff"], q, "Which districts?")
    clock.advance(4 * H)
    qs.assign_expert(people["staff"], q, people["expert"])
    db.session.commit()
    assert q.paused_at is None
    assert business_seconds_between(CAL, due_before, q.resolution_due_at) == 4 * 3600


def test_time_waiting_over_a_weekend_moves_the_due_time_by_working_hours_only(people, clock):
    clock.set(at(4, 16))
    q = submit(people["member"])
    due_before = q.resolution_due_at
    qs.ask_clarification(people["staff"], q, "Which districts?")
    clock.set(at(7, 10))  # Friday 16-17 and Monday 9-10: two business hours
    qs.reply_to_clarification(people["member"], q, "Juba.")
    assert business_seconds_between(CAL, due_before, q.resolution_due_at) == 2 * 3600


# --- assignments -------------------------------------------------------------------------------

def test_the_answer_target_starts_when_the_assignment_is_made(people, clock):
    q = submit(people["member"], "high")
    clock.set(at(0, 13))
    a = qs.assign_expert(people["staff"], q, people["expert"])
    db.session.commit()
    assert a.due_at == at(3, 13)  # 24 business hours: Mon 4 + Tue 8 + Wed 8 + Thu 4
    assert a.remind_at == at(1, 17)  # 12 h
    assert a.warn_at == at(2, 15)  # 18 h
    assert sla.assignment_state(a, at(2, 15)) == "warning"


def test_an_explicit_assignment_due_time_wins(people, clock):
    q = submit(people["member"], "urgent")
    due = at(2, 17)
    a = qs.assign_expert(people["staff"], q, people["expert"], due_at=due)
    db.session.commit()
    assert a.due_at == due  # not the policy's 16 business hours (Tuesday 17:00)
    assert a.remind_at == at(1, 13)  # half of the 24 business hours up to it
    assert a.warn_at == at(2, 11)


def test_an_answer_meets_the_assignment_target(people, clock):
    q = submit(people["member"])
    a = qs.assign_expert(people["staff"], q, people["expert"])
    clock.advance(30 * H)
    qs.add_contribution(people["expert"], q, "Advice.")
    db.session.commit()
    assert a.answered_at == MON + 30 * H
    assert sla.assignment_state(a, MON + 100 * DAY) == "met"


# --- policies and calendars ---------------------------------------------------------------------

def test_an_edited_policy_applies_to_new_queries_only(people, clock):
    old = submit(people["member"], "urgent")
    sla.update_policy(people["admin"], "urgent", triage_hours="2", resolution_hours=16)
    db.session.commit()
    new = submit(people["member"], "urgent")
    assert new.triage_due_at == at(0, 11) and new.resolution_due_at == at(1, 17)
    assert old.triage_due_at == at(0, 13)


def test_a_policy_may_use_another_calendar(people, clock):
    always = sla.create_calendar(people["admin"], "24/7", "UTC", [0, 1, 2, 3, 4, 5, 6],
                                 "00:00-24:00")
    sla.update_policy(people["admin"], "urgent", calendar_id=always.id)
    db.session.commit()
    clock.set(at(5, 10))  # a Saturday
    q = submit(people["member"], "urgent")
    assert q.triage_due_at == at(5, 14) and q.sla_calendar == "24/7"


def test_policy_and_calendar_changes_are_for_admins_only(people):
    for user in (people["staff"], people["member"]):
        with pytest.raises(Forbidden):
            sla.update_policy(user, "urgent", triage_hours=1)
        with pytest.raises(Forbidden):
            sla.create_calendar(user, "X", "UTC", [0], "09:00-17:00")


@pytest.mark.parametrize(("values", "field"), [
    ({"triage_hours": "0"}, "triage_hours"),
    ({"answer_hours": "soon"}, "answer_hours"),
    ({"resolution_hours": "-3"}, "resolution_hours"),
    ({"calendar_id": 999}, "calendar_id"),
])
def test_bad_policy_values_are_refused_field_by_field(people, values, field):
    with pytest.raises(Invalid) as error:
        sla.update_policy(people["admin"], "normal", **values)
    assert list(error.value.fields) == [field]


@pytest.mark.parametrize(("values", "field"), [
    ({"name": ""}, "name"),
    ({"name": "default"}, "name"),  # taken, whatever the case
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"working_days": []}, "working_days"),
    ({"intervals": "17:00-09:00"}, "intervals"),
    ({"intervals": "nine to five"}, "intervals"),
])
def test_bad_calendars_are_refused_field_by_field(people, values, field):
    spec = {"name": "Kabul", "timezone": "Asia/Kabul", "working_days": [5, 6, 0, 1, 2],
            "intervals": "08:00-16:00", **values}
    with pytest.raises(Invalid) as error:
        sla.create_calendar(people["admin"], **spec)
    assert field in error.value.fields


def test_public_holidays_load_from_the_holidays_package_once(people):
    calendar = db.session.scalar(select(Calendar))
    assert sla.load_public_holidays(people["admin"], calendar, "fr", 2026) == 11
    assert date(2026, 7, 14) in {h.day for h in calendar.holidays}
    assert sla.load_public_holidays(people["admin"], calendar, "FR", "2026") == 0
    with pytest.raises(Invalid) as error:
        sla.load_public_holidays(people["admin"], calendar, "ZZ", 20)
    assert set(error.value.fields) == {"country", "year"}


def test_holidays_are_skipped_by_due_times(people, clock):
    calendar = db.session.scalar(select(Calendar))
    sla.add_holiday(people["admin"], calendar, date(2026, 11, 23), "Today")
    db.session.commit()
    q = submit(people["member"], "urgent")
    assert q.triage_due_at == at(1, 13)


# --- the evaluation job --------------------------------------------------------------------------

def test_warnings_and_breaches_are_recorded_at_the_right_moments_and_only_once(people, clock):
    q = submit(people["member"], "urgent")  # triage: warning at 12:00, due at 13:00
    evaluate_sla_targets(at(0, 11, 59))
    assert marks() == []
    result = evaluate_sla_targets(at(0, 12))
    assert marks() == [("query", "triage", 0.75)]
    assert result["warnings"] == 1 and result["breaches"] == 0
    assert notices(people["staff"], "sla_warning") == ["sla_warning"]
    assert notices(people["admin"], "sla_warning") == []  # warnings go to facilitators
    assert evaluate_sla_targets(at(0, 12, 30))["warnings"] == 0  # a re-run changes nothing
    assert len(marks()) == 1
    assert sla.sla_summary(q, at(0, 12, 30))["triage"]["state"] == "warning"
    evaluate_sla_targets(at(0, 13))
    evaluate_sla_targets(at(0, 13))
    assert marks() == [("query", "triage", 0.75), ("query", "triage", 1.0)]
    assert notices(people["staff"], "sla_breach") == ["sla_breach"]
    assert notices(people["admin"], "sla_breach") == ["sla_breach"]  # escalated
    assert notices(people["expert"]) == []
    assert not [k for k in notices(people["member"]) if k.startswith("sla_")]
    kinds = [e.kind for e in db.session.scalars(
        select(Event).where(Event.query_id == q.id, Event.kind.like("sla_%")).order_by(Event.id))]
    assert kinds == ["sla_warning", "sla_breach"]
    assert sla.sla_summary(q, at(0, 13))["triage"]["state"] == "breached"


def test_a_target_found_past_its_due_time_is_announced_once_as_a_breach(people, clock):
    submit(people["member"], "urgent")
    result = evaluate_sla_targets(at(1, 9))  # the job did not run for a day
    assert result["warnings"] == 1 and result["breaches"] == 1 and result["notices"] == 1
    assert notices(people["staff"])[-1:] == ["sla_breach"]
    assert "sla_warning" not in notices(people["staff"])


def test_experts_are_reminded_at_half_three_quarters_and_the_due_time(people, clock):
    q = submit(people["member"], "urgent")
    a = qs.assign_expert(people["staff"], q, people["expert"])  # 16 h: Tuesday 17:00
    db.session.commit()
    expert = people["expert"]
    evaluate_sla_targets(at(0, 16, 59))
    assert notices(expert, "sla_reminder") == []
    # 8 h: Monday's closing time; 12 h: Tuesday 13:00; 16 h: Tuesday 17:00.
    for moment, kind in ((at(0, 17), "sla_reminder"), (at(1, 13), "sla_warning"),
                         (at(1, 17), "sla_breach")):
        evaluate_sla_targets(moment)
        evaluate_sla_targets(moment)
        assert notices(expert, kind) == [kind]
    assert marks("assignment") == [("assignment", "answer", 0.5), ("assignment", "answer", 0.75),
                                   ("assignment", "answer", 1.0)]
    assert sla.assignment_state(db.session.get(type(a), a.id), at(1, 17)) == "breached"
    # Answer reminders concern the expert only.
    assert "sla_reminder" not in notices(people["staff"])


def test_a_paused_query_and_met_targets_raise_nothing(people, clock):
    paused = submit(people["member"], "urgent")
    qs.ask_clarification(people["staff"], paused, "Which districts?")
    closed = submit(people["member"], "urgent")
    qs.close_query(people["staff"], closed, "out_of_scope")
    db.session.commit()
    evaluate_sla_targets(at(30, 9))
    assert marks() == []


def test_an_expert_asked_again_after_declining_gets_fresh_reminders(people, clock):
    q = submit(people["member"], "urgent")
    a = qs.assign_expert(people["staff"], q, people["expert"])
    db.session.commit()
    evaluate_sla_targets(at(1, 9))
    assert len(marks("assignment")) == 1
    qs.decline_assignment(people["expert"], a, "Travelling.")
    clock.set(at(1, 10))
    qs.assign_expert(people["staff"], q, people["expert"])
    db.session.commit()
    assert marks("assignment") == []
    evaluate_sla_targets(at(1, 10))
    assert marks("assignment") == []  # the new answer time has only just started


def test_the_job_issues_the_same_statements_for_3_or_30_queries(people, clock):
    def statements():
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            evaluate_sla_targets(at(0, 10))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return [s for s in seen if not s.startswith(("BEGIN", "COMMIT", "SAVEPOINT"))]

    evaluate_sla_targets(at(0, 9))  # its first run counts the dashboard's past days once
    for _ in range(3):
        submit(people["member"], "low")
    few = statements()
    for _ in range(27):
        submit(people["member"], "low")
    assert len(statements()) == len(few)
    assert sum(s.startswith("INSERT INTO sla_marks") for s in few) == 7


# --- the dashboard --------------------------------------------------------------------------------

def test_dashboard_counts_states_lists_risks_and_computes_compliance(people, clock, make_query):
    ok = submit(people["member"], "low")
    late = submit(people["member"], "urgent")
    qs.assign_expert(people["staff"], ok, people["expert"])  # triage of `ok` met at once
    db.session.commit()
    data = sla.dashboard(people["staff"], now=at(0, 14))
    assert data["counts"]["triage"]["breached"] == 1 and data["counts"]["triage"]["met"] == 1
    assert data["counts"]["resolution"]["ok"] == 2
    assert data["counts"]["answer"]["ok"] == 1
    assert [(i.query.reference, i.target, i.state) for i in data["at_risk"]] == \
        [(late.reference, "triage", "breached")]
    by_priority = {row["key"]: row["rates"] for row in data["compliance"]["by_priority"]}
    assert by_priority["low"][30]["triage"].percent == 100
    assert by_priority["urgent"][30]["triage"].percent == 0
    assert by_priority["urgent"][90]["all"].total == 1
    themes = {row["label"] for row in data["compliance"]["by_theme"]}
    assert themes == {"Transitional justice and reconciliation"}  # vetting's parent theme


def test_dashboard_is_for_staff_only(people):
    with pytest.raises(Forbidden):
        sla.dashboard(people["member"])
    with pytest.raises(Forbidden):
        sla.dashboard(people["expert"])
    assert sla.dashboard(people["admin"])["counts"]["triage"]["ok"] == 0


def test_counting_sql_matches_the_python_states(people, clock):
    queries = [submit(people["member"], p) for p in ("urgent", "high", "normal", "low")]
    now = at(0, 16)
    counts = sla.state_counts(now)["triage"]
    python = [sla.sla_summary(q, now)["triage"]["state"] for q in queries]
    for state in sla.STATES:
        assert counts[state] == python.count(state)
    assert db.session.scalar(select(func.count(SlaMark.id))) == 0
