"""The SLA dashboard's compliance figures as rolling aggregates.

A target is *decided* when it is met (at met_at) or, not met, when it falls due (at due_at);
it counts as met on time when met_at <= due_at. The figures of a period are the decided
targets of each priority and top-level theme (a query under two themes of one top theme
counts once there). The SLA job (refresh, called by jobs.evaluate_sla_targets) counts each
whole UTC day once into sla_compliance_days; the dashboard (figures) sums those rows for the
whole days of each period and counts directly only what they do not hold: the period's first
partial day, today up to now, and the days marked dirty since the job counted them. A change
to a counted day (a target met or moved, an assignment ended, a query re-themed or
re-prioritised, a theme moved) marks its days dirty in the same transaction (the session
hook below), so the figures always equal a direct count (direct, the old way, used when the
job has not counted yet).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from ..accounts.models import Theme
from ..extensions import db
from ..models_base import utcnow
from ..queries.models import Assignment, FieldQuery, query_themes
from .models import SlaComplianceDay, SlaComplianceDirty, SlaComplianceState

TARGETS = ("triage", "answer", "resolution")
DIMENSIONS = ("priority", "theme")
KEEP_DAYS = 91  # days kept: the dashboard's periods are 30 and 90 days
# Assignments whose answer target counts (services.COUNTED_ASSIGNMENT).
COUNTED_ASSIGNMENT = ("invited", "accepted", "answered", "expired")

Counts = dict[tuple[str, object, str], list[int]]  # (dimension, key, target) -> [met, decided]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _columns(target: str):
    if target == "answer":
        return Assignment.due_at, Assignment.answered_at
    return getattr(FieldQuery, f"{target}_due_at"), getattr(FieldQuery, f"{target}_met_at")


def _select(target: str, *columns):
    if target == "answer":
        # The status is read through an expression so that no planner takes the status
        # index (four values: a third of all assignments) over the time ranges' index
        # (answered_at, due_at): SQLite, without histograms, did, and read 100 000 rows.
        counted = func.coalesce(Assignment.status, "").in_(COUNTED_ASSIGNMENT)
        return (select(*columns).select_from(Assignment)
                .join(FieldQuery, Assignment.query_id == FieldQuery.id).where(counted))
    return select(*columns).select_from(FieldQuery)


def count(lo: datetime, hi: datetime, inclusive: bool = False) -> Counts:
    """The targets decided in [lo, hi) ([lo, hi] when `inclusive`), counted directly."""
    return count_each([(lo, hi, inclusive)])[0]


def count_each(intervals: list[tuple[datetime, datetime, bool]]) -> list[Counts]:
    """count() of each of these disjoint intervals, in the same statements (a bucket per
    interval): 12 statements however many intervals."""
    found: list[Counts] = [{} for _ in intervals]
    top = func.coalesce(Theme.parent_id, Theme.id)
    for target in TARGETS:
        due, met = _columns(target)
        on_time = case((and_(met.isnot(None), met <= due), 1), else_=0)
        ident = Assignment.id if target == "answer" else FieldQuery.id
        # Met in an interval, or not met and due in it: two disjoint sets of targets, each
        # found through its index ((met_at, due_at): a range either way).
        for moment, unmet in ((met, ()), (due, (met.is_(None),))):
            within = [and_(*unmet, moment >= lo, moment <= hi if inclusive else moment < hi)
                      for lo, hi, inclusive in intervals]
            bucket = case(*((cond, i) for i, cond in enumerate(within)), else_=-1)
            rows = (_select(target, bucket, FieldQuery.priority, func.sum(on_time), func.count())
                    .where(due.isnot(None), or_(*within))
                    .group_by(bucket, FieldQuery.priority))
            each = (_select(target, ident.label("ident"), bucket.label("bucket"),
                            top.label("theme_id"), on_time.label("ok"))
                    .join(query_themes, query_themes.c.query_id == FieldQuery.id)
                    .join(Theme, Theme.id == query_themes.c.theme_id)
                    .where(due.isnot(None), or_(*within)).distinct().subquery())
            by_theme = select(each.c.bucket, each.c.theme_id, func.sum(each.c.ok),
                              func.count()).group_by(each.c.bucket, each.c.theme_id)
            for dimension, stmt in (("priority", rows), ("theme", by_theme)):
                for i, key, ok, total in db.session.execute(stmt):
                    _add(found[i], {(dimension, key, target): [int(ok or 0), int(total)]})
    return found


def _count_days(days: list[date]) -> list[Counts]:
    """count() of each whole day (UTC)."""
    return count_each([(day_start(d), day_start(d + timedelta(days=1)), False)
                       for d in days]) if days else []


def _add(into: Counts, more: Counts) -> None:
    for key, (ok, total) in more.items():
        into.setdefault(key, [0, 0])
        into[key][0] += ok
        into[key][1] += total


def _undecided_themes(now: datetime, widest: datetime) -> set[int]:
    """Top-level themes of targets in the widest period not decided by `now` (due later, or
    met after now): the direct count lists them with nothing decided."""
    top = func.coalesce(Theme.parent_id, Theme.id)
    found: set[int] = set()
    later = max(now, widest)  # one bound: with two, SQLite scanned every assignment
    for target in TARGETS:
        due, met = _columns(target)
        for undecided in (and_(met.is_(None), due > later), met > later):
            found.update(db.session.scalars(
                _select(target, top).distinct()
                .join(query_themes, query_themes.c.query_id == FieldQuery.id)
                .join(Theme, Theme.id == query_themes.c.theme_id)
                .where(due.isnot(None), undecided)))
    return found


def direct(now: datetime, periods: Iterable[int]) -> dict[int, Counts]:
    """Each period's figures counted from the targets themselves (the job has not run)."""
    return {days: count(now - timedelta(days=days), now, inclusive=True) for days in periods}


def figures(now: datetime, periods: Iterable[int]) -> tuple[dict[int, Counts], set[int]]:
    """Each period's figures ({days: counts}) and the top-level themes to list: whole days
    from the job's aggregates, the rest counted directly (see the module's docstring)."""
    periods = tuple(periods)
    widest = now - timedelta(days=max(periods))
    state = db.session.get(SlaComplianceState, 1)
    if state is None:
        result = direct(now, periods)
    else:
        result = _from_aggregates(now, periods, state.through)
    themes = {key for counts in result.values() for (dim, key, _t), (_ok, total)
              in counts.items() if dim == "theme" and total}
    return result, themes | _undecided_themes(now, widest)


def _from_aggregates(now: datetime, periods: tuple[int, ...], through: date) -> dict[int, Counts]:
    today = now.date()
    counted_until = min(through, today - timedelta(days=1))
    dirty = set(db.session.scalars(select(SlaComplianceDirty.day).distinct()))
    # The periods' partial first days and today: disjoint, counted in the same statements.
    firsts = {days: (now - timedelta(days=days)).date() + timedelta(days=1) for days in periods}
    edges = count_each([(now - timedelta(days=days), min(day_start(firsts[days]), now), False)
                        for days in periods] + [(day_start(today), now, True)])
    wholes = {days: [firsts[days] + timedelta(days=i) for i in range((today - firsts[days]).days)]
              for days in periods}
    missing = sorted({d for whole in wholes.values() for d in whole
                      if d > counted_until or d in dirty})  # counted directly, once
    by_day = dict(zip(missing, _count_days(missing), strict=True))
    result = {}
    for n, days in enumerate(periods):
        counts: Counts = {}
        _add(counts, edges[n])
        _add(counts, edges[-1])
        kept = [d for d in wholes[days] if d not in by_day]
        for day in wholes[days]:
            if day in by_day:
                _add(counts, by_day[day])
        if kept:
            stmt = (select(SlaComplianceDay.dimension, SlaComplianceDay.key,
                           SlaComplianceDay.target, func.sum(SlaComplianceDay.met),
                           func.sum(SlaComplianceDay.decided))
                    .where(SlaComplianceDay.day >= kept[0], SlaComplianceDay.day <= kept[-1])
                    .group_by(SlaComplianceDay.dimension, SlaComplianceDay.key,
                              SlaComplianceDay.target))
            if len(kept) != (kept[-1] - kept[0]).days + 1:  # dirty days in between
                stmt = stmt.where(SlaComplianceDay.day.in_(kept))
            _add(counts, {(dim, int(key) if dim == "theme" else key, target):
                          [int(ok), int(total)]
                          for dim, key, target, ok, total in db.session.execute(stmt)})
        result[days] = counts
    return result


# --- the job ---------------------------------------------------------------------------------

def refresh(now: datetime | None = None) -> int:
    """Count the whole days not counted yet (all of the last KEEP_DAYS on the first run) and
    those marked dirty, forget older days; returns how many days were counted. The caller
    commits."""
    now = now or utcnow()
    today = now.date()
    oldest = today - timedelta(days=KEEP_DAYS)
    state = db.session.get(SlaComplianceState, 1)
    last_dirty = db.session.scalar(select(func.max(SlaComplianceDirty.id)))
    days = set(db.session.scalars(select(SlaComplianceDirty.day).distinct()))
    start = oldest if state is None else max(oldest, state.through + timedelta(days=1))
    days |= {start + timedelta(days=i) for i in range((today - start).days)}
    days = sorted(d for d in days if oldest <= d < today)
    if days:
        db.session.execute(delete(SlaComplianceDay).where(SlaComplianceDay.day.in_(days)))
        rows = [{"day": day, "dimension": dim, "key": str(key), "target": target,
                 "met": ok, "decided": total}
                for day, counts in zip(days, _count_days(days), strict=True)
                for (dim, key, target), (ok, total) in counts.items()]
        if rows:
            db.session.execute(insert(SlaComplianceDay), rows)
    db.session.execute(delete(SlaComplianceDay).where(SlaComplianceDay.day < oldest))
    if last_dirty is not None:
        db.session.execute(delete(SlaComplianceDirty).where(SlaComplianceDirty.id <= last_dirty))
    through = today - timedelta(days=1)
    if state is None:
        db.session.add(SlaComplianceState(id=1, through=through, computed_at=now))
    elif state.through < through:
        state.through, state.computed_at = through, now
    db.session.flush()
    return len(days)


# --- marking changed days -------------------------------------------------------------------

QUERY_MOMENTS = ("triage_due_at", "triage_met_at", "resolution_due_at", "resolution_met_at")
ASSIGNMENT_MOMENTS = ("due_at", "answered_at")


def _history_days(obj, names: Iterable[str], state) -> set[date]:
    """The days of the values, old and new, of these moments."""
    days = set()
    for name in names:
        history = state.attrs[name].history
        for value in (*history.added, *history.deleted, getattr(obj, name)):
            if isinstance(value, datetime):
                days.add(value.date())
    return days


def _changed(state, names: Iterable[str]) -> bool:
    return any(state.attrs[name].history.has_changes() for name in names)


def init_compliance_events() -> None:
    """Mark the days a flush changes as dirty (called by the app factory)."""
    from ..extensions import listen_once

    listen_once(Session, "before_flush", _mark_dirty)


def _mark_dirty(session, _context, _instances) -> None:
    """Days whose figures the objects about to be written change (see the module's
    docstring); only days before today matter (today is always counted directly)."""
    if not any(isinstance(o, FieldQuery | Assignment | Theme)
               for o in (*session.dirty, *session.deleted)):
        return
    with session.no_autoflush:
        days, everything = _changed_days(session)
    today = utcnow().date()
    if everything:
        days |= {today - timedelta(days=i) for i in range(1, KEEP_DAYS + 1)}
    for day in sorted(d for d in days if d < today):
        session.add(SlaComplianceDirty(day=day))


def _changed_days(session) -> tuple[set[date], bool]:
    from sqlalchemy import inspect

    days: set[date] = set()
    everything = False
    for obj in (*session.dirty, *session.deleted):
        state = inspect(obj)
        gone = obj in session.deleted
        if isinstance(obj, FieldQuery):
            if gone or _changed(state, ("priority", "themes")):
                days |= _history_days(obj, QUERY_MOMENTS, state)
                for a in obj.assignments:
                    days |= {v.date() for v in (a.due_at, a.answered_at) if v}
            elif _changed(state, QUERY_MOMENTS):
                days |= _history_days(obj, QUERY_MOMENTS, state)
        elif isinstance(obj, Assignment):
            if gone or _changed(state, (*ASSIGNMENT_MOMENTS, "status")):
                days |= _history_days(obj, ASSIGNMENT_MOMENTS, state)
        elif isinstance(obj, Theme) and (gone or _changed(state, ("parent_id",))):
            everything = True
    return days, everything
