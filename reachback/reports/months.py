"""The reports' monthly figures (issue 22's budget at 100 000 queries).

A report over a period is the merge of *parts*, one per calendar month (UTC) the period
touches. A part holds what the report needs of its month in a mergeable form: counts per
group key (summed) and, for times, the sorted business-hour durations (concatenated and
sorted again: medians and 90th percentiles stay exact, no estimate). The part of a month the
period covers whole is read from report_months; when missing there it is computed and
stored (in a short transaction of its own). A month the period covers only in part (a
period starting or ending mid-month) is computed directly for those days, never stored. The
month holding today counts as whole when the period reaches today (nothing is dated later).

Staleness: a change to the rows a report counts deletes the months it touches, in the same
transaction (the session hook below), so a report always equals a direct count; the
scheduled job refresh_reports computes the months missing and the current one again, and the
page states when the oldest figure it shows was computed. Changes that move every month
(a theme moved under another, a requester's organisation, an SLA calendar or policy) delete
every month of the reports concerned.
"""
from __future__ import annotations

import base64
import json
import logging
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..accounts.limit_store import own_transaction, upsert
from ..accounts.models import Theme, User
from ..extensions import db
from ..knowledge.models import Document, DocumentCountry
from ..models_base import utcnow
from ..queries.models import Assignment, Contribution, FieldQuery
from ..sla.models import Calendar, CalendarHoliday, SlaPolicy
from ..synthesis.models import ConsolidatedResponse
from .models import ReportMonth, SearchTerm

log = logging.getLogger(__name__)

# Each report's figures are kept under these names (a grouping each where a grouping's
# parts differ; one part then holds only what that grouping needs).
KEPT_AS = {"demand": tuple(f"demand:{g}" for g in ("month", "theme", "country", "organisation",
                                                   "priority", "channel")),
           "response-times": ("response-times:priority", "response-times:theme"),
           "experts": ("experts",), "search-gaps": ("search-gaps",)}
Part = dict  # a month's figures of one report, JSON-able


# --- durations as compact text --------------------------------------------------------------

def pack(values: Iterable[float]) -> str:
    """Sorted float64 durations as base64 (exact, and read back without parsing numbers)."""
    return base64.b64encode(array("d", sorted(values)).tobytes()).decode("ascii")


def unpack(text: str) -> array:
    found = array("d")
    found.frombytes(base64.b64decode(text))
    return found


# --- months of a period -------------------------------------------------------------------------

def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(key: str) -> tuple[date, date]:
    """The first day of month `key` and the first day of the next."""
    year, month = (int(x) for x in key.split("-"))
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date(year, month, 1), nxt


def at(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def spans(start: date, end: date, today: date) -> list[tuple[str, date, date, bool]]:
    """(month, first day, day after the last, whole) of each month of [start, end]: whole
    when the period covers the month, or covers it from its first day through today."""
    found, key = [], month_key(start)
    while key <= month_key(end):
        first, nxt = month_bounds(key)
        lo, hi = max(first, start), min(nxt, end + timedelta(days=1))
        whole = lo == first and (hi == nxt or first <= today <= end)
        found.append((key, lo, hi, whole))
        key = month_key(nxt)
    return found


def gather(name: str, start: date, end: date,
           compute: Callable[[datetime, datetime], Part]) -> tuple[list[tuple[str, Part]], datetime]:
    """The parts of report `name` for [start, end], each with its month, and when the oldest
    was computed. `compute(since, until)` counts a span directly."""
    now = utcnow()
    plan = spans(start, end, now.date())
    whole = [key for key, _lo, _hi, w in plan if w]
    stored = {key: (json.loads(data), at_) for key, data, at_ in db.session.execute(
        select(ReportMonth.month, ReportMonth.data, ReportMonth.computed_at)
        .where(ReportMonth.report == name, ReportMonth.month.in_(whole)))} if whole else {}
    parts, oldest, fresh = [], now, {}
    for key, lo, hi, w in plan:
        if w and key in stored:
            part, computed = stored[key]
            oldest = min(oldest, computed)
        elif w:
            first, nxt = month_bounds(key)
            part = fresh[key] = compute(at(first), at(nxt))
        else:
            part = compute(at(lo), at(hi))
        parts.append((key, part))
    if fresh:
        store(name, fresh, now)
    return parts, oldest


def merged(name: str, start: date, end: date, compute: Callable[[datetime, datetime], Part],
           merge: Callable[[list[tuple[str, Part]]], dict]) -> tuple[dict, datetime]:
    """merge(the parts of [start, end]) and when its oldest figure was computed. A period of
    whole months keeps its merged figures too, under its first and last month
    ('2025-12..2026-11'), with the computing times of the months merged: they serve again
    while every month still has that time (a month changed since is deleted and computed
    again, so its time differs)."""
    plan = spans(start, end, utcnow().date())
    if not all(whole for *_rest, whole in plan):
        parts, oldest = gather(name, start, end, compute)
        return merge(parts), oldest
    keys = [key for key, *_rest in plan]
    span = f"{keys[0]}..{keys[-1]}"
    stamps = _stamps(name, [*keys, span])
    if all(key in stamps for key in keys) and span in stamps:
        kept = json.loads(db.session.scalar(select(ReportMonth.data).where(
            ReportMonth.report == name, ReportMonth.month == span)))
        if kept["months"] == [stamps[key].isoformat() for key in keys]:
            return kept["merged"], min(stamps[key] for key in keys)
    parts, oldest = gather(name, start, end, compute)
    result = merge(parts)
    stamps = _stamps(name, keys)
    if all(key in stamps for key in keys):
        store(name, {span: {"months": [stamps[key].isoformat() for key in keys],
                            "merged": result}}, utcnow())
    return result, oldest


def _stamps(name: str, keys: list[str]) -> dict[str, datetime]:
    return dict(db.session.execute(select(ReportMonth.month, ReportMonth.computed_at).where(
        ReportMonth.report == name, ReportMonth.month.in_(keys))).all())


def store(name: str, parts: dict[str, Part], now: datetime) -> None:
    """Keep computed months, in a transaction of their own; a failure (a busy database) is
    logged and costs only the next reader's time."""
    try:
        with own_transaction():
            for key, part in parts.items():
                text = json.dumps(part, separators=(",", ":"))
                db.session.execute(upsert(
                    ReportMonth, {"report": name, "month": key, "data": text,
                                  "computed_at": now},
                    {"data": text, "computed_at": now}))
    except SQLAlchemyError:
        log.warning("Report months were not stored", exc_info=True)


# --- the job ----------------------------------------------------------------------------------

def refresh(now: datetime | None = None) -> int:
    """The scheduled job: compute every month missing since the first query, document or
    search, and the current month again. Returns the months computed."""
    from .services import PART_BUILDERS

    now = now or utcnow()
    firsts = [v for v in (
        db.session.scalar(select(func.min(FieldQuery.created_at))),
        db.session.scalar(select(func.min(Document.created_at))),
        db.session.scalar(select(func.min(SearchTerm.day)))) if v is not None]
    if not firsts:
        return 0
    first = min(v.date() if isinstance(v, datetime) else v for v in firsts)
    keys = [key for key, *_rest in spans(first, now.date(), now.date())]
    current = month_key(now.date())
    done = 0
    for name in (n for names in KEPT_AS.values() for n in names):
        have = set(db.session.scalars(select(ReportMonth.month)
                                      .where(ReportMonth.report == name)))  # spans too
        for key in keys:
            if key in have and key != current:
                continue
            lo, hi = month_bounds(key)
            store(name, {key: PART_BUILDERS[name](at(lo), at(hi))}, now)
            done += 1
    return done


# --- staleness: the session hook ------------------------------------------------------------------

MOMENTS = ("created_at", "published_at", "answered_at", "responded_at", "triage_met_at")
QUERY_REPORTS = ("demand", "response-times", "experts")
EVERYTHING = object()


def init_report_events() -> None:
    """Delete the months a flush changes (called by the app factory)."""
    from ..extensions import listen_once

    listen_once(Session, "before_flush", _forget_changed_months)


WATCHED = (FieldQuery, ConsolidatedResponse, Contribution, Assignment, Document,
           DocumentCountry, SearchTerm, User, Theme, Calendar, CalendarHoliday, SlaPolicy)


def _forget_changed_months(session, _context, _instances) -> None:
    changed = [o for o in (*session.new, *session.dirty, *session.deleted)
               if isinstance(o, WATCHED)]
    if not changed:
        return
    with session.no_autoflush:
        stale = _stale(session, changed)
    table = ReportMonth.__table__
    for report, keys in stale.items():
        names = table.c.report.in_(KEPT_AS[report])
        if keys is EVERYTHING:
            session.execute(delete(table).where(names))
        elif keys:
            session.execute(delete(table).where(names, table.c.month.in_(sorted(keys))))


def _months_of(obj, state, names: Iterable[str]) -> set[str]:
    found = set()
    for name in names:
        if name not in state.attrs:
            continue
        history = state.attrs[name].history
        for value in (*history.added, *history.deleted, *history.unchanged):
            if isinstance(value, datetime | date):
                found.add(month_key(value))
    return found


def _changed(state, names: Iterable[str]) -> bool:
    return any(state.attrs[n].history.has_changes() for n in names if n in state.attrs)


def _stale(session, changed) -> dict:
    stale: dict = defaultdict(set)
    now_key = month_key(utcnow().date())
    query_ids, priority_changed, document_ids = set(), set(), set()
    own_rows: dict = defaultdict(set)

    def every(*names):
        for name in names:
            stale[name] = EVERYTHING

    def add(names, keys):
        for name in names:
            if stale[name] is not EVERYTHING:
                stale[name] |= keys

    for obj in changed:
        state = inspect(obj)
        new, gone = obj in session.new, obj in session.deleted
        if not (new or gone or session.is_modified(obj)):
            continue
        if isinstance(obj, User):
            if not new and _changed(state, ("organisation_id",)):
                every("demand")
            continue
        if isinstance(obj, Theme):
            if gone or (not new and _changed(state, ("parent_id",))):
                every("demand", "response-times")
            continue
        if isinstance(obj, Calendar | CalendarHoliday | SlaPolicy):
            every("response-times", "experts")
            continue
        keys = {now_key} if new else set()
        if isinstance(obj, SearchTerm):
            add(("search-gaps",), keys | _months_of(obj, state, ("day",)))
            continue
        keys |= _months_of(obj, state, MOMENTS)
        if isinstance(obj, Document | DocumentCountry):
            add(("demand",), keys)
            document_ids.add(obj.id if isinstance(obj, Document) else obj.document_id)
            continue
        add(QUERY_REPORTS, keys)
        if isinstance(obj, Assignment | Contribution) and obj.id and not new:
            own_rows[type(obj)].add(obj.id)  # its creation month, even if not loaded
        qid = obj.id if isinstance(obj, FieldQuery) else getattr(obj, "query_id", None)
        if qid:
            query_ids.add(qid)
            if isinstance(obj, FieldQuery) and _changed(state, ("priority",)):
                priority_changed.add(qid)
    if query_ids:
        ids = sorted(query_ids)
        found = {month_key(v) for v in (
            *session.scalars(select(FieldQuery.created_at).where(FieldQuery.id.in_(ids))),
            *session.scalars(select(ConsolidatedResponse.published_at)
                             .where(ConsolidatedResponse.query_id.in_(ids)))) if v}
        if priority_changed:
            found |= {month_key(v) for v in session.scalars(
                select(Assignment.created_at)
                .where(Assignment.query_id.in_(sorted(priority_changed)))) if v}
        add(QUERY_REPORTS, found)
    for model, ids in own_rows.items():
        add(QUERY_REPORTS, {month_key(v) for v in session.scalars(
            select(model.created_at).where(model.id.in_(sorted(ids)))) if v})
    document_ids.discard(None)
    if document_ids:
        add(("demand",), {month_key(v) for v in session.scalars(
            select(Document.created_at).where(Document.id.in_(sorted(document_ids)))) if v})
    return stale


def array_of() -> array:
    """An empty array of durations (a defaultdict's factory)."""
    return array("d")
