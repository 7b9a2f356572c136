"""SLA rules: due times in business time, clocks stopped in clarification, target states,
policies and calendars (admins), and the facilitators' dashboard figures.

Due and warning times are computed once, when a target starts (submission, assignment), and
stored in UTC, so that lists, the dashboard and the evaluation job only compare timestamps.
The hooks (`on_*`) are called by the query and synthesis services; like them they change the
objects and let the caller commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from sqlalchemy import case, func, literal_column, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .. import lengths
from .. import permissions as perm
from ..accounts.models import Theme
from ..config import setting
from ..errors import Invalid, NotFound
from ..extensions import db
from ..i18n import theme_name
from ..models_base import iso_seconds, utcnow
from ..queries.models import OPEN_STATUSES, PRIORITIES, Assignment, FieldQuery
from . import compliance as aggregates  # also registers its session hook (changed days)
from .calendar import (
    BusinessCalendar,
    add_business_time,
    business_seconds_between,
    closing_time_on_or_before,
)
from .models import Calendar, CalendarHoliday, SlaPolicy

DEFAULT_CALENDAR = "Default"
# Business hours per priority: (triage, answer, resolution). 8 business hours make a day.
DEFAULT_TARGETS = {
    "urgent": (4, 16, 40),
    "high": (8, 24, 56),
    "normal": (8, 40, 96),
    "low": (16, 80, 160),
}
PRIORITY_ORDER = ("urgent", "high", "normal", "low")
STATES = ("ok", "warning", "breached", "paused", "met")
TARGETS = ("triage", "answer", "resolution")
OPEN_ASSIGNMENT = ("invited", "accepted")
# Assignments that count as an expert's target (declined and withdrawn ones no longer do):
# in the compliance, an expired invitation is a target missed.
COUNTED_ASSIGNMENT = ("invited", "accepted", "answered", "expired")
# The answer targets the dashboard's state counts take: the open ones (which its list of
# targets at risk or breached shows) and those met. An expired invitation is over, not a
# target still running: counting it as breached put in the counts a row the list never had.
LIVE_ASSIGNMENT = ("invited", "accepted", "answered")
REMINDER_SHARE = 0.5
MAX_HOURS = 10_000
HOUR = 3600


def likely(condition):
    """A condition most rows meet, such as `met_at IS NULL` among open targets: SQLite's
    statistics count each NULL as a distinct value, so its planner took that term for a
    rare one and read the targets through a (met_at, ...) index (80 000 closed queries
    never met) rather than through the open ones' (status, ...) index. On SQLite it is
    said with likelihood() (its second argument must be a literal); elsewhere as it is."""
    if db.engine.dialect.name != "sqlite":
        return condition
    return func.likelihood(condition, literal_column("0.9"))


# --- calendars and policies in business time -----------------------------------------

_calendars: dict[tuple, BusinessCalendar] = {}


def business_calendar(calendar: Calendar) -> BusinessCalendar:
    """The arithmetic calendar of a stored one; memoised by content, so edits take effect."""
    holidays = frozenset(h.day for h in calendar.holidays)
    key = (calendar.name, calendar.timezone, calendar.working_days, calendar.intervals, holidays)
    cal = _calendars.get(key)
    if cal is None:
        if len(_calendars) > 64:
            _calendars.clear()
        cal = _calendars[key] = BusinessCalendar.from_spec(*key[:4], holidays=holidays)
    return cal


@dataclass(frozen=True)
class Targets:
    """The targets in force for a priority: hours of business time in `calendar`."""

    priority: str
    calendar: BusinessCalendar
    triage_hours: float
    answer_hours: float
    resolution_hours: float


def targets_for(priority: str) -> Targets:
    """The policy of this priority; the built-in defaults if none is stored."""
    policy = db.session.scalar(
        select(SlaPolicy).where(SlaPolicy.priority == priority)
        .options(joinedload(SlaPolicy.calendar).selectinload(Calendar.holidays)))
    if policy is None:
        triage, answer, resolution = DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS["normal"])
        cal = BusinessCalendar(DEFAULT_CALENDAR, setting("TIMEZONE"))
        return Targets(priority, cal, triage, answer, resolution)
    return Targets(priority, business_calendar(policy.calendar), policy.triage_hours,
                   policy.answer_hours, policy.resolution_hours)


def all_targets() -> dict[str, Targets]:
    """targets_for every priority, read at once (a report's figures use them all)."""
    policies = {p.priority: p for p in db.session.scalars(
        select(SlaPolicy).options(joinedload(SlaPolicy.calendar)
                                  .selectinload(Calendar.holidays)))}
    found = {}
    for priority in PRIORITIES:
        policy = policies.get(priority)
        found[priority] = targets_for(priority) if policy is None else Targets(
            priority, business_calendar(policy.calendar), policy.triage_hours,
            policy.answer_hours, policy.resolution_hours)
    return found


def _query_calendar(query) -> BusinessCalendar:
    """The calendar the query's due times were computed in (its policy's, if since removed)."""
    if query.sla_calendar:
        stored = db.session.scalar(select(Calendar).where(Calendar.name == query.sla_calendar))
        if stored is not None:
            return business_calendar(stored)
    return targets_for(query.priority).calendar


def _share() -> float:
    return setting("SLA_WARNING_SHARE")


def point_at_share(cal: BusinessCalendar, start: datetime, due: datetime, share: float) -> datetime:
    """The moment `share` of the business time from `start` to `due` has passed."""
    seconds = business_seconds_between(cal, start, due)
    if seconds <= 0:  # no working time at all before the due time: share the wall-clock time
        return start + (due - start) * share if due > start else due
    return min(add_business_time(cal, start, seconds * share), due)


def shift_later(cal: BusinessCalendar, moment, paused: datetime, seconds: float, always=False):
    """Move a point later by `seconds` of business time, if it still lay ahead at the pause."""
    if moment is None or (moment <= paused and not always):
        return moment
    return add_business_time(cal, moment, seconds)


# --- hooks called by the query and synthesis services ------------------------------------

def on_submitted(query) -> None:
    """Start the triage and resolution clocks at submission; the requester's needed_by date
    makes the resolution due at that day's closing time when that comes earlier."""
    targets = targets_for(query.priority)
    cal, share, start = targets.calendar, _share(), query.created_at or utcnow()
    triage, resolution = targets.triage_hours * HOUR, targets.resolution_hours * HOUR
    query.sla_calendar = cal.name
    query.triage_due_at = add_business_time(cal, start, triage)
    query.triage_warn_at = add_business_time(cal, start, triage * share)
    due = add_business_time(cal, start, resolution)
    warn = add_business_time(cal, start, resolution * share)
    driven = False
    if query.needed_by is not None:
        closing = closing_time_on_or_before(cal, query.needed_by)
        if closing < due:
            due, warn, driven = closing, point_at_share(cal, start, closing, share), True
    query.resolution_due_at, query.resolution_warn_at = due, warn
    query.deadline_driven = driven
    query.triage_met_at = query.resolution_met_at = query.paused_at = None


def on_reprioritised(query) -> None:
    """The facilitator changed the priority: the triage and resolution targets not yet met
    are due as on_submitted computes them for the new priority (from the submission), and
    the warnings already recorded for them are forgotten. What was met stays met; a query
    waiting for the requester keeps waiting (on_resumed shifts the new due times)."""
    from .models import SlaMark

    met = {"triage": query.triage_met_at, "resolution": query.resolution_met_at}
    kept = {f"{t}_{k}_at": getattr(query, f"{t}_{k}_at") for t in met if met[t] is not None
            for k in ("due", "warn")}
    paused = query.paused_at
    on_submitted(query)
    for name, value in kept.items():
        setattr(query, name, value)
    query.triage_met_at, query.resolution_met_at = met["triage"], met["resolution"]
    query.paused_at = paused
    if query.id is not None:
        db.session.execute(SlaMark.__table__.delete().where(
            SlaMark.kind == "query", SlaMark.object_id == query.id,
            SlaMark.target.in_([t for t in met if met[t] is None])))


def on_first_action(query) -> None:
    """The facilitator acted (clarification, routing, closing, a draft): triage is met.
    Idempotent: only the first action counts."""
    if query.triage_met_at is None:
        query.triage_met_at = utcnow()


def on_paused(query) -> None:
    """The query waits for the requester: its clocks stop."""
    if query.paused_at is None:
        query.paused_at = utcnow()


def on_resumed(query) -> None:
    """The wait is over: every open target's due time moves later by the business time spent
    waiting (a warning point already passed at the pause stays where it was)."""
    paused = query.paused_at
    if paused is None:
        return
    query.paused_at = None
    cal = _query_calendar(query)
    spent = business_seconds_between(cal, paused, utcnow())
    if spent <= 0:
        return
    for target in ("triage", "resolution"):
        if getattr(query, f"{target}_met_at") is None:
            due = shift_later(cal, getattr(query, f"{target}_due_at"), paused, spent, always=True)
            setattr(query, f"{target}_due_at", due)
            setattr(query, f"{target}_warn_at",
                    shift_later(cal, getattr(query, f"{target}_warn_at"), paused, spent))
    for a in query.assignments:
        if a.status in OPEN_ASSIGNMENT and a.answered_at is None:
            a.due_at = shift_later(cal, a.due_at, paused, spent, always=True)
            a.warn_at = shift_later(cal, a.warn_at, paused, spent)
            a.remind_at = shift_later(cal, a.remind_at, paused, spent)


def on_assigned(assignment) -> None:
    """Start the answer clock of an assignment when it is made. A due time the facilitator
    gave explicitly wins; the reminder points are then shares of the time up to it."""
    from .models import SlaMark

    targets = targets_for(assignment.query.priority)
    cal, share = targets.calendar, _share()
    start = assignment.created_at or utcnow()
    if assignment.due_at is None:
        budget = targets.answer_hours * HOUR
        assignment.due_at = add_business_time(cal, start, budget)
        assignment.remind_at = add_business_time(cal, start, budget * REMINDER_SHARE)
        assignment.warn_at = add_business_time(cal, start, budget * share)
    else:
        assignment.remind_at = point_at_share(cal, start, assignment.due_at, REMINDER_SHARE)
        assignment.warn_at = point_at_share(cal, start, assignment.due_at, share)
    if assignment.id is not None:  # asked again after a decline: the reminders start afresh
        db.session.execute(SlaMark.__table__.delete().where(
            SlaMark.kind == "assignment", SlaMark.object_id == assignment.id))


def on_answered(assignment) -> None:
    """The expert contributed: the answer target is met (idempotent)."""
    if assignment.answered_at is None:
        assignment.answered_at = utcnow()


def on_resolved(query) -> None:
    """Published or closed: the resolution target is met (and triage, if still open)."""
    on_resumed(query)
    on_first_action(query)
    if query.resolution_met_at is None:
        query.resolution_met_at = utcnow()


# --- states (pure: no database, no clock) ------------------------------------------------

def target_state(due_at, warn_at, met_at, paused: bool, now: datetime) -> str | None:
    """ok, warning (the warning point reached), breached (due time reached), met or paused;
    None for a target that has no due time."""
    if due_at is None:
        return None
    if met_at is not None:
        return "met"
    if paused:
        return "paused"
    if due_at <= now:
        return "breached"
    if warn_at is not None and warn_at <= now:
        return "warning"
    return "ok"


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return iso_seconds(value)


def sla_summary(query, now: datetime) -> dict:
    """The query's SLA as the API shows it: policy, calendar, deadline flag, and per target
    its due time, state and when it was met (times in UTC ISO 8601)."""
    paused = query.paused_at is not None

    def target(name):
        due, met = getattr(query, f"{name}_due_at"), getattr(query, f"{name}_met_at")
        state = target_state(due, getattr(query, f"{name}_warn_at"), met, paused, now)
        return {"due_at": _iso(due), "state": state, "met_at": _iso(met)}

    return {
        "policy": query.priority,
        "calendar": query.sla_calendar,
        "deadline_driven": bool(query.deadline_driven),
        "triage": target("triage"),
        "resolution": target("resolution"),
    }


def assignment_state(assignment, now: datetime) -> str | None:
    """The answer target's state; None when there is none (no due time, declined, withdrawn)."""
    if assignment.status in ("declined", "withdrawn"):
        return None
    met = assignment.answered_at if assignment.status == "answered" else None
    paused = assignment.status in OPEN_ASSIGNMENT and assignment.query.paused_at is not None
    return target_state(assignment.due_at, assignment.warn_at, met, paused, now)


# When each finished assignment ended: answered, declined (the expert's reply), expired (an
# invitation expires at its due time); a withdrawal records no time.
_ENDED_AT = {"answered": "answered_at", "declined": "responded_at", "expired": "due_at",
             "withdrawn": None}


def assignment_outcome(assignment) -> tuple[str, datetime | None] | None:
    """(status, when it happened) of a finished assignment (answered, declined, expired,
    withdrawn; when None if not recorded), shown instead of a due time; None while open."""
    if assignment.status not in _ENDED_AT:
        return None
    column = _ENDED_AT[assignment.status]
    return assignment.status, getattr(assignment, column) if column else None


def next_due(query, now: datetime, target: str | None = None) -> tuple[datetime | None, str | None]:
    """(due time, state) of the target that matters now: triage until it is met, then
    resolution; or the named `target`. For lists and badges."""
    if target is None:
        target = "triage" if query.triage_met_at is None and query.is_open else "resolution"
    due = getattr(query, f"{target}_due_at")
    state = target_state(due, getattr(query, f"{target}_warn_at"),
                         getattr(query, f"{target}_met_at"), query.paused_at is not None, now)
    return due, state


def next_due_order():
    """SQL expression of next_due's time, for lists sorted by it:
    `.order_by(next_due_order().is_(None), next_due_order(), ...)`."""
    return case((FieldQuery.triage_met_at.is_(None), FieldQuery.triage_due_at),
                else_=FieldQuery.resolution_due_at)


# --- the dashboard -------------------------------------------------------------------------

@dataclass
class Rate:
    """Targets met on time out of those decided in a period."""

    met: int = 0
    total: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.total) if self.total else None

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.met + other.met, self.total + other.total)


@dataclass
class RiskItem:
    query: FieldQuery
    target: str
    due_at: datetime
    state: str
    expert: object = None
    assignment_id: int | None = None


def _query_columns(target: str):
    return (getattr(FieldQuery, f"{target}_due_at"), getattr(FieldQuery, f"{target}_warn_at"),
            getattr(FieldQuery, f"{target}_met_at"))


def _answer_columns():
    return Assignment.due_at, Assignment.warn_at, Assignment.answered_at


def _state_sql(due, warn, met, now):
    return case(
        (met.isnot(None), "met"),
        (FieldQuery.paused_at.isnot(None), "paused"),
        (due <= now, "breached"),
        (warn <= now, "warning"),
        else_="ok",
    )


def _target_select(target: str, *columns, statuses=COUNTED_ASSIGNMENT):
    """SELECT over one kind of target: queries for triage and resolution, assignments (with
    their query, of `statuses`) for answers."""
    if target == "answer":
        return (select(*columns).select_from(Assignment)
                .join(FieldQuery, Assignment.query_id == FieldQuery.id)
                .where(Assignment.status.in_(statuses)))
    return select(*columns).select_from(FieldQuery)


def _columns(target: str):
    return _answer_columns() if target == "answer" else _query_columns(target)


def _open_query_ids():
    """The open queries' ids, for the planner to start from them (a few thousand) rather than
    from the assignments (every one ever made)."""
    return select(FieldQuery.id).where(FieldQuery.status.in_(OPEN_STATUSES))


def state_counts(now: datetime) -> dict[str, dict[str, int]]:
    """Targets of open queries by state: {"triage": {"ok": 3, ...}, "answer": ..., ...}.
    Those in warning and breached are exactly the ones at_risk() lists.

    Counted apart for the queries running and paused (paused_at IS [NOT] NULL): so each
    statement reads the open queries from the index (status, paused_at, ...) alone, not
    their rows."""
    counts = {}
    for target in TARGETS:
        due, warn, met = _columns(target)
        state = _state_sql(due, warn, met, now)
        found: dict[str, int] = {}
        running = FieldQuery.paused_at.is_(None)
        for paused in (running, FieldQuery.paused_at.isnot(None)):
            stmt = (_target_select(target, state, func.count(), statuses=LIVE_ASSIGNMENT)
                    .where(FieldQuery.status.in_(OPEN_STATUSES), paused, due.isnot(None))
                    .group_by(state))
            if target == "answer" and paused is not running:
                # from the few paused queries, not from every open assignment
                stmt = stmt.where(Assignment.query_id.in_(_open_query_ids().where(paused)))
            for name, number in db.session.execute(stmt):
                found[name] = found.get(name, 0) + number
        counts[target] = {s: found.get(s, 0) for s in STATES}
    return counts


def at_risk(now: datetime, limit: int = 50) -> list[RiskItem]:
    """Open targets in warning or breached, the most overdue first (at most `limit`)."""
    items = []
    for target in ("triage", "resolution"):
        due, warn, met = _query_columns(target)
        # The first `limit` found and sorted in the index (status, paused_at, met_at, warn_at,
        # due_at) alone, then only their rows read (not every open query's, to sort them).
        first = (select(FieldQuery.id)
                 .where(FieldQuery.status.in_(OPEN_STATUSES), likely(met.is_(None)),
                        FieldQuery.paused_at.is_(None), or_(warn <= now, due <= now))
                 .order_by(due, FieldQuery.id).limit(limit))
        rows = db.session.scalars(
            select(FieldQuery).where(FieldQuery.id.in_(first)).order_by(due, FieldQuery.id))
        items += [RiskItem(q, target, getattr(q, f"{target}_due_at"), "breached"
                           if getattr(q, f"{target}_due_at") <= now else "warning") for q in rows]
    rows = db.session.scalars(
        select(Assignment).join(Assignment.query)
        .options(contains_eager(Assignment.query), joinedload(Assignment.expert))
        .where(Assignment.query_id.in_(_open_query_ids()),
               Assignment.status.in_(OPEN_ASSIGNMENT), Assignment.answered_at.is_(None),
               FieldQuery.status.in_(OPEN_STATUSES), FieldQuery.paused_at.is_(None),
               or_(Assignment.warn_at <= now, Assignment.due_at <= now))
        .order_by(Assignment.due_at, Assignment.id).limit(limit))
    items += [RiskItem(a.query, "answer", a.due_at,
                       "breached" if a.due_at <= now else "warning", a.expert, a.id)
              for a in rows]
    return sorted(items, key=lambda item: item.due_at)[:limit]


def compliance(now: datetime, periods=(30, 90)) -> dict:
    """Share of targets met on time among those decided (met, or due) in each of the last
    `periods` days, by priority and by top-level theme, per target and all together: from
    the SLA job's daily aggregates, plus what they do not hold yet (sla.compliance).

    Returns {"by_priority": [{"key", "label", "rates": {days: {target|"all": Rate}}}],
    "by_theme": [...]}."""
    return _compliance_rows(_compliance_found(now, periods), periods)


def _compliance_found(now: datetime, periods) -> dict[str, dict]:
    """{"by_priority": {key: {days: {target: Rate}}}, "by_theme": ...} of compliance()."""
    counts, themes = aggregates.figures(now, periods)
    result: dict[str, dict] = {"by_priority": {}, "by_theme": {t: {d: {} for d in periods}
                                                               for t in themes}}
    for days, found in counts.items():
        for (dimension, key, target), (met, total) in found.items():
            name = f"by_{dimension}"
            if dimension == "theme" and key not in themes:
                continue
            rates = result[name].setdefault(key, {d: {} for d in periods})
            rates[days][target] = Rate(met, total)
    return result


def _compliance_rows(found: dict[str, dict], periods) -> dict:
    return {"by_priority": _rows(found["by_priority"], _priority_labels(), periods),
            "by_theme": _rows(found["by_theme"], _theme_labels(found["by_theme"]), periods)}


def _priority_labels() -> dict:
    labels = {"urgent": _("Urgent"), "high": _("High"), "normal": _("Normal"), "low": _("Low")}
    return {p: labels[p] for p in PRIORITY_ORDER}


def _theme_labels(found: dict) -> dict:
    themes = db.session.scalars(select(Theme).where(Theme.id.in_(list(found))).order_by(Theme.code))
    return {t.id: theme_name(t) for t in themes}


def _rows(found: dict, labels: dict, periods) -> list[dict]:
    rows = []
    for key, label in labels.items():
        rates = found.get(key, {d: {} for d in periods})
        for days in periods:
            per = rates[days]
            for target in TARGETS:
                per.setdefault(target, Rate())
            per["all"] = sum((per[t] for t in TARGETS), Rate())
        rows.append({"key": key, "label": label, "rates": rates})
    return rows


PERIODS = (30, 90)  # the dashboard's compliance periods, in days


def dashboard(user, now: datetime | None = None, limit: int = 50) -> dict:
    """Everything the SLA dashboard shows. Staff only (Forbidden).

    Without `now`, the figures the SLA job stored at its last run (store_dashboard), when
    that run is recent (see _stored_dashboard: "computed_at" then says when); otherwise
    (no run yet, a scheduler stopped, or an explicit `now`) counted directly at `now`."""
    perm.require(perm.is_staff(user), _("Only facilitators see the SLA dashboard."))
    from ..synthesis.feedback import ratings_summary

    data = _stored_dashboard(utcnow(), limit) if now is None else None
    if data is None:
        now = now or utcnow()
        counts = state_counts(now)
        data = {"now": now, "counts": counts, "at_risk": at_risk(now, limit),
                "at_risk_total": _at_risk_total(counts),
                "compliance": compliance(now, PERIODS), "computed_at": None}
    ratings = ratings_summary((now or utcnow()) - timedelta(days=90))
    return {**data, "periods": PERIODS, "ratings": ratings}


def _at_risk_total(counts: dict) -> int:
    return sum(counts[t]["warning"] + counts[t]["breached"] for t in TARGETS)


def store_dashboard(now: datetime, limit: int = 50) -> None:
    """Compute the dashboard's figures at `now` and keep them (the SLA job, each run): the
    targets' states, the targets at risk or breached (which ones: the page loads them), the
    compliance. The caller commits."""
    import json

    from .models import SlaDashboard

    counts = state_counts(now)
    risks = [{"target": i.target, "query": i.query.id, "due_at": i.due_at.isoformat(),
              "state": i.state, "assignment": getattr(i, "assignment_id", None)}
             for i in at_risk(now, limit)]
    found = _compliance_found(now, PERIODS)
    figures = {"counts": counts, "at_risk": risks,
               "compliance": {name: {str(key): {str(days): {t: [r.met, r.total]
                                                            for t, r in per.items()}
                                                for days, per in rates.items()}
                                     for key, rates in by.items()}
                              for name, by in found.items()}}
    row = db.session.get(SlaDashboard, 1)
    if row is None:
        row = SlaDashboard(id=1)
        db.session.add(row)
    row.computed_at, row.figures = now, json.dumps(figures, separators=(",", ":"))
    db.session.flush()


def dashboard_freshness() -> timedelta:
    """How long the stored figures are shown: five of the SLA job's intervals."""
    return timedelta(seconds=5 * setting("SCHEDULER_SLA_SECONDS"))


def _stored_dashboard(current: datetime, limit: int) -> dict | None:
    """The figures store_dashboard kept, as dashboard() returns them; None when there are
    none or they are older than dashboard_freshness() (or from a later moment)."""
    import json

    from .models import SlaDashboard

    row = db.session.get(SlaDashboard, 1)
    if row is None or not timedelta(0) <= current - row.computed_at <= dashboard_freshness():
        return None
    figures = json.loads(row.figures)
    kept = figures["at_risk"][:limit]
    queries = {q.id: q for q in db.session.scalars(
        select(FieldQuery).where(FieldQuery.id.in_({r["query"] for r in kept})))}
    assignment_ids = {r["assignment"] for r in kept if r["assignment"]}
    assignments = {a.id: a for a in db.session.scalars(
        select(Assignment).where(Assignment.id.in_(assignment_ids))
        .options(joinedload(Assignment.expert)))} if assignment_ids else {}
    items = [RiskItem(queries[r["query"]], r["target"], datetime.fromisoformat(r["due_at"]),
                      r["state"], assignments[r["assignment"]].expert
                      if r["assignment"] in assignments else None)
             for r in kept if r["query"] in queries]
    found = {name: {(key if name == "by_priority" else int(key)):
                    {int(days): {t: Rate(*pair) for t, pair in per.items()}
                     for days, per in rates.items()}
                    for key, rates in by.items()}
             for name, by in figures["compliance"].items()}
    counts = figures["counts"]
    return {"now": row.computed_at, "computed_at": row.computed_at, "counts": counts,
            "at_risk": items, "at_risk_total": _at_risk_total(counts),
            "compliance": _compliance_rows(found, PERIODS)}


# --- policies and calendars (admins) ---------------------------------------------------------

def seed_sla_defaults() -> int:
    """Create the default calendar and the four policies when missing; returns how many rows
    were added (idempotent)."""
    added = 0
    calendar = db.session.scalar(select(Calendar).where(Calendar.name == DEFAULT_CALENDAR))
    if calendar is None:
        calendar = Calendar(name=DEFAULT_CALENDAR, timezone=setting("TIMEZONE"),
                            working_days="0,1,2,3,4", intervals="09:00-17:00")
        db.session.add(calendar)
        db.session.flush()
        added += 1
    existing = set(db.session.scalars(select(SlaPolicy.priority)))
    for priority, (triage, answer, resolution) in DEFAULT_TARGETS.items():
        if priority not in existing:
            db.session.add(SlaPolicy(priority=priority, calendar_id=calendar.id,
                                     triage_hours=triage, answer_hours=answer,
                                     resolution_hours=resolution))
            added += 1
    db.session.flush()
    return added


def _require_admin(user) -> None:
    perm.require(perm.is_admin(user), _("Only admins manage SLA policies and calendars."))


def list_policies(user) -> list[SlaPolicy]:
    """The policies, most urgent first. Admins only (Forbidden)."""
    _require_admin(user)
    rank = case({p: i for i, p in enumerate(PRIORITY_ORDER)}, value=SlaPolicy.priority, else_=9)
    return list(db.session.scalars(
        select(SlaPolicy).options(joinedload(SlaPolicy.calendar)).order_by(rank)))


def get_policy(user, priority: str) -> SlaPolicy:
    """The policy of a priority. Admins only (Forbidden); Invalid for an unknown priority."""
    _require_admin(user)
    policy = db.session.scalar(select(SlaPolicy).where(SlaPolicy.priority == priority))
    if policy is not None:
        return policy
    raise Invalid(_("Unknown priority."),
                  {"priority": _("Choose one of: %(values)s", values=", ".join(PRIORITIES))})


def list_calendars(user) -> list[Calendar]:
    _require_admin(user)
    return list(db.session.scalars(
        select(Calendar).options(selectinload(Calendar.holidays)).order_by(Calendar.name)))


def get_calendar(user, calendar_id: int) -> Calendar:
    """Admins only (Forbidden); NotFound when there is no such calendar."""
    _require_admin(user)
    calendar = db.session.get(Calendar, calendar_id)
    if calendar is None:
        raise NotFound(_("No such calendar."))
    return calendar


def _hours(value, name: str, errors: dict) -> float | None:
    try:
        hours = float(str(value).strip().replace(",", "."))
    except ValueError:
        errors[name] = _("Give a number of business hours, such as 8 or 4.5.")
        return None
    if not 0 < hours <= MAX_HOURS:
        errors[name] = _("Between 0 and %(max)s hours.", max=MAX_HOURS)
        return None
    return hours


def update_policy(user, priority: str, *, calendar_id: int | None = None,
                  triage_hours=None, answer_hours=None, resolution_hours=None) -> SlaPolicy:
    """Change a priority's targets (business hours) or calendar; what is not given stays.
    Applies to targets started from now on. Admins only (Forbidden); raises Invalid."""
    policy = get_policy(user, priority)
    errors: dict[str, str] = {}
    values = {}
    for name, value in (("triage_hours", triage_hours), ("answer_hours", answer_hours),
                        ("resolution_hours", resolution_hours)):
        if value is not None:
            values[name] = _hours(value, name, errors)
    calendar = db.session.get(Calendar, calendar_id) if calendar_id is not None else None
    if calendar_id is not None and calendar is None:
        errors["calendar_id"] = _("No such calendar.")
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    for name, value in values.items():
        setattr(policy, name, value)
    if calendar is not None:
        policy.calendar = calendar
    db.session.flush()
    _audit(user, "sla_policy_changed", priority,
           f"{policy.triage_hours:g}/{policy.answer_hours:g}/{policy.resolution_hours:g} h, "
           f"calendar {policy.calendar.name}")
    return policy


def _audit(user, kind: str, subject: str, detail: str = "") -> None:
    from ..audit import audit

    audit(kind, user, subject=subject, detail=detail)


def _calendar_spec(name, timezone, working_days, intervals, errors) -> tuple:
    name = (name or "").strip()
    timezone = (timezone or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    lengths.check(errors, name=(name, lengths.LABEL))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = _("Give a timezone name such as Africa/Juba or Europe/Paris.")
    if isinstance(working_days, str):
        working_days = [d for d in working_days.split(",") if d.strip()]
    try:
        days = sorted({int(d) for d in working_days or ()})
    except (TypeError, ValueError):
        days = [-1]
    if not days or not all(0 <= d <= 6 for d in days):
        errors["working_days"] = _("Choose at least one working day.")
    days_text = ",".join(str(d) for d in days)
    intervals = ",".join(part.strip() for part in (intervals or "").split(",") if part.strip())
    try:
        BusinessCalendar.from_spec("check", "UTC", "0", intervals)
    except ValueError as exc:
        errors["intervals"] = _("Give working hours such as 09:00-12:30,13:30-17:00 (%(error)s).",
                                error=exc)
    if len(intervals) > 200:
        errors["intervals"] = _("At most 200 characters.")
    return name, timezone, days_text, intervals


def _check_name(name: str, calendar: Calendar | None, errors: dict) -> None:
    other = db.session.scalar(select(Calendar).where(func.lower(Calendar.name) == name.lower()))
    if other is not None and other is not calendar:
        errors["name"] = _("Another calendar has this name.")


def _valid_calendar(user, calendar: Calendar | None, name: str, timezone: str, working_days,
                    intervals: str) -> tuple[str, str, str, str]:
    """Admins only: the cleaned name, timezone, working days and intervals of a new (`calendar`
    None) or changed calendar; Invalid with every field's error at once."""
    _require_admin(user)
    errors: dict[str, str] = {}
    name, timezone, days, intervals = _calendar_spec(name, timezone, working_days, intervals,
                                                     errors)
    _check_name(name, calendar, errors)
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    return name, timezone, days, intervals


def create_calendar(user, name: str, timezone: str, working_days, intervals: str) -> Calendar:
    """A new calendar (working_days: weekday numbers, 0 = Monday). Admins only; Invalid."""
    name, timezone, days, intervals = _valid_calendar(user, None, name, timezone, working_days,
                                                      intervals)
    calendar = Calendar(name=name, timezone=timezone, working_days=days, intervals=intervals)
    db.session.add(calendar)
    db.session.flush()
    _audit(user, "sla_calendar_created", name)
    return calendar


def update_calendar(user, calendar: Calendar, *, name: str, timezone: str, working_days,
                    intervals: str) -> Calendar:
    """Change a calendar; due times already set keep their value. Admins only; Invalid."""
    name, timezone, days, intervals = _valid_calendar(user, calendar, name, timezone,
                                                      working_days, intervals)
    if calendar.name != name:  # queries name the calendar their due times were computed in
        db.session.execute(FieldQuery.__table__.update()
                           .where(FieldQuery.sla_calendar == calendar.name)
                           .values(sla_calendar=name))
    calendar.name, calendar.timezone = name, timezone
    calendar.working_days, calendar.intervals = days, intervals
    db.session.flush()
    _audit(user, "sla_calendar_changed", name)
    return calendar


def add_holiday(user, calendar: Calendar, day: date | None, name: str = "") -> CalendarHoliday:
    """Add a holiday to the calendar. Admins only; Invalid (no date, already a holiday)."""
    _require_admin(user)
    if not isinstance(day, date):
        raise Invalid(_("Give a date."), {"day": _("Give a date such as 2026-12-25.")})
    if any(h.day == day for h in calendar.holidays):
        raise Invalid(_("Already a holiday."), {"day": _("This day is already a holiday.")})
    lengths.refuse_too_long(name=(name, lengths.NAME))
    holiday = CalendarHoliday(day=day, name=(name or "").strip())
    calendar.holidays.append(holiday)
    calendar.updated_at = utcnow()
    db.session.flush()
    return holiday


def remove_holiday(user, calendar: Calendar, holiday_id: int) -> None:
    """Admins only; NotFound when the holiday is not one of this calendar's."""
    _require_admin(user)
    holiday = next((h for h in calendar.holidays if h.id == holiday_id), None)
    if holiday is None:
        raise NotFound(_("No such holiday."))
    calendar.holidays.remove(holiday)
    calendar.updated_at = utcnow()
    db.session.flush()


def holiday_countries() -> dict[str, str]:
    """Countries whose public holidays the `holidays` package knows: {code: name}."""
    import holidays

    from ..countries import countries

    supported = set(holidays.list_supported_countries())
    return {code: name for code, name in countries().items() if code in supported}


def load_public_holidays(user, calendar: Calendar, country: str, year) -> int:
    """Add a country's public holidays of a year to the calendar (from the `holidays`
    package); days already there are kept. Returns how many were added. Admins only; Invalid."""
    import holidays

    _require_admin(user)
    errors = {}
    country = (country or "").strip().upper()
    if country not in holiday_countries():
        errors["country"] = _("Choose a country whose public holidays are known.")
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 1950 <= year <= 2100:
        errors["year"] = _("Give a year between 1950 and 2100.")
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    known = {h.day for h in calendar.holidays}
    added = 0
    for day, name in sorted(holidays.country_holidays(country, years=year).items()):
        if day not in known:
            calendar.holidays.append(CalendarHoliday(day=day, name=str(name)[:200]))
            known.add(day)
            added += 1
    calendar.updated_at = utcnow()
    db.session.flush()
    _audit(user, "sla_holidays_loaded", calendar.name, f"{country} {year}: {added} added")
    return added
