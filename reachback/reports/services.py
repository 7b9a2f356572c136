"""The reports: each computed set-wise (a few GROUP BY statements, never one per row), for
staff only (permissions.can_view_reports).

`report(user, name, args)` reads the filters from `args` (a page's or the API's query string:
from, to, group_by, theme, country), checks them (Invalid names the refused field) and
returns a Report: its rows (plain dicts, as the API and the exports give them) and the
filters in force. Times are in business hours of the query's priority's SLA calendar, read
with the SLA package's arithmetic (sla.calendar.BusinessClock); medians and 90th
percentiles are computed here, over the one column each statement fetched (no percentile
function is portable between SQLite and PostgreSQL).
"""
from __future__ import annotations

import heapq
import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_date
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import Float, and_, case, cast, func, select

from .. import permissions as perm
from ..accounts.models import Organisation, Theme, User, UserRole
from ..countries import country_name, is_place
from ..errors import Invalid, NotFound
from ..extensions import db
from ..i18n import current_language, theme_name
from ..knowledge.models import Document, DocumentCountry, document_themes
from ..models_base import utcnow
from ..queries.models import (
    CHANNELS,
    PRIORITIES,
    Assignment,
    Contribution,
    FieldQuery,
    query_themes,
)
from ..sla.calendar import BusinessClock, business_clock
from ..sla.services import PRIORITY_ORDER, all_targets
from ..synthesis.models import (
    READABLE_STATUSES,
    ConsolidatedResponse,
    ResponseFeedback,
    ResponseRating,
)
from . import months as months_
from .models import ResponseView, SearchTerm

# name -> the groupings it offers, the first being its default
GROUPINGS = {
    "demand": ("month", "theme", "country", "organisation", "priority", "channel"),
    "response-times": ("priority", "theme", "month"),
    "experts": ("expert",),
    "use": ("response", "score", "used_for"),
    "search-gaps": ("term", "month"),
}
NAMES = tuple(GROUPINGS)
API_NAMES = ("demand", "response-times", "experts", "use", "search-gaps")
TITLES = {
    "demand": _l("Demand"),
    "response-times": _l("Response times"),
    "experts": _l("Expert load"),
    "use": _l("Satisfaction and use"),
    "search-gaps": _l("Knowledge gaps"),
}
GROUP_LABELS = {
    "month": _l("Month"), "theme": _l("Theme"), "country": _l("Country"),
    "organisation": _l("Organisation"), "priority": _l("Priority"), "channel": _l("Channel"),
    "expert": _l("Expert"), "response": _l("Response"), "term": _l("Search term"),
    "score": _l("Rating"), "used_for": _l("How it was used"),
}
CHANNEL_LABELS = {"web": _l("Web"), "email": _l("E-mail"), "api": _l("API")}
FILTERED = ("demand", "response-times")  # the reports that take the theme and country filters
FEW_RESULTS = 2  # a search that finds at most this many results shows a gap
TOP = 50  # terms and responses listed at most
DECLINE_REASONS = 3  # the latest reasons shown per expert
HOUR = 3600.0
# The distribution chart's buckets of time to publication, in business hours (8 make a day).
BUCKETS = ((8, _l("up to 1 day")), (24, _l("1 to 3 days")), (40, _l("3 to 5 days")),
           (80, _l("5 to 10 days")), (160, _l("10 to 20 days")), (None, _l("over 20 days")))
MAX_DAYS = 366 * 10  # a period longer than ten years is refused


@dataclass
class Filters:
    start: date
    end: date  # inclusive
    group_by: str
    theme: Theme | None = None
    country: str | None = None

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, UTC)

    @property
    def until(self) -> datetime:  # exclusive
        return datetime.combine(self.end + timedelta(days=1), time.min, UTC)

    def args(self) -> dict[str, str]:
        """The filters as a query string's arguments (the export links carry them)."""
        found = {"from": self.start.isoformat(), "to": self.end.isoformat(),
                 "group_by": self.group_by}
        if self.theme is not None:
            found["theme"] = self.theme.slug
        if self.country:
            found["country"] = self.country
        return found


@dataclass
class Report:
    name: str
    filters: Filters
    rows: list[dict]
    columns: list[tuple[str, str]]  # (row key, heading) in the order shown and exported
    extra: dict = field(default_factory=dict)  # what a page shows beside the rows

    @property
    def title(self) -> str:
        return str(TITLES[self.name])


def require_staff(user) -> None:
    perm.require(perm.can_view_reports(user), _("Reports are for facilitators and admins."))


def check_name(name: str, names=NAMES) -> str:
    if name not in names:
        raise NotFound(_("No such report."))
    return name


# --- the filters ---------------------------------------------------------------------------

def _day(value, name: str, errors: dict) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[name] = _("Give a date as YYYY-MM-DD, such as 2026-01-31.")
        return None


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    month = today.year * 12 + today.month - 1 - 11
    return date(month // 12, month % 12 + 1, 1), today


def parse_filters(name: str, args: Mapping) -> Filters:
    """The filters of report `name` from a query string; Invalid names each refused one."""
    errors: dict[str, str] = {}
    start, end = _day(args.get("from"), "from", errors), _day(args.get("to"), "to", errors)
    first, last = default_period(utcnow().date())
    if start is None and end is not None and "from" not in errors:
        start = min(first, end)
    start, end = start or first, end or last
    if not errors and start > end:
        errors["to"] = _("The end of the period must not come before its start.")
    elif not errors and (end - start).days > MAX_DAYS:
        errors["from"] = _("Choose a period of ten years at most.")
    group_by = args.get("group_by") or GROUPINGS[name][0]
    if group_by not in GROUPINGS[name]:
        errors["group_by"] = _("Choose one of: %(values)s.", values=", ".join(GROUPINGS[name]))
    theme = country = None
    if name in FILTERED:
        if slug := args.get("theme"):
            theme = db.session.scalar(select(Theme).where(Theme.slug == str(slug)))
            if theme is None:
                errors["theme"] = _("Unknown theme.")
        if code := args.get("country"):
            country = str(code).upper()
            if not is_place(country):
                errors["country"] = _("Unknown country code.")
    if errors:
        raise Invalid(_("Please correct the highlighted fields."), errors)
    return Filters(start, end, group_by, theme, country)


def _unfiltered(f: Filters) -> bool:
    """No theme or country chosen: the report is merged from its months (reports.months)."""
    return f.theme is None and not f.country


def report(user, name: str, args: Mapping) -> Report:
    """Report `name` under the filters in `args`: staff only (403), a known name (404), valid
    filters (422)."""
    require_staff(user)
    check_name(name)
    filters = parse_filters(name, args)
    return BUILDERS[name](filters)


# --- SQL helpers -----------------------------------------------------------------------------

def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def month_of(column):
    """'YYYY-MM' of a UTC time column, in SQL."""
    if _postgres():
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def months(start: date, end: date) -> list[str]:
    """Every 'YYYY-MM' from start's month to end's."""
    found, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def month_label(key: str) -> str:
    year, month = key.split("-")
    return format_date(date(int(year), int(month), 1), "MMM y", locale=current_language())


def _root_theme():
    """A theme's top-level theme (the taxonomy has two levels): parent themes rolled up."""
    return func.coalesce(Theme.parent_id, Theme.id)


def _theme_ids(theme: Theme) -> list[int]:
    """The theme and its sub-themes."""
    return [theme.id, *db.session.scalars(select(Theme.id).where(Theme.parent_id == theme.id))]


def _query_filters(f: Filters, moment) -> list:
    """Conditions on FieldQuery: `moment` (a column) inside the period, and the theme and
    country filters."""
    found = [moment >= f.since, moment < f.until]
    if f.country:
        found.append(FieldQuery.country == f.country)
    if f.theme is not None:
        found.append(FieldQuery.id.in_(select(query_themes.c.query_id).where(
            query_themes.c.theme_id.in_(_theme_ids(f.theme)))))
    return found


def _theme_labels(ids) -> dict:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return {i: (slug, theme_name(name)) for i, slug, name in db.session.execute(
        select(Theme.id, Theme.slug, Theme.name).where(Theme.id.in_(ids)))}


def _priority_label(priority: str) -> str:
    return {"urgent": pgettext("priority", "urgent"), "high": pgettext("priority", "high"),
            "normal": pgettext("priority", "normal"),
            "low": pgettext("priority", "low")}.get(priority, priority)


# --- demand --------------------------------------------------------------------------------

def _demand_counts(f: Filters) -> tuple[dict, dict, dict | None]:
    """{group key: count} of queries (by creation), published responses (by publication)
    and library documents (by addition; None where the grouping does not apply to them)."""
    g = f.group_by
    published = [ConsolidatedResponse.status == "published"]

    def grouped(key, base, moment, extra=(), joins=()):
        stmt = select(key, func.count(func.distinct(FieldQuery.id))).select_from(base)
        for target, on in joins:
            stmt = stmt.join(target, on)
        stmt = stmt.where(*_query_filters(f, moment), *extra).group_by(key)
        return dict(db.session.execute(stmt).all())

    responses = FieldQuery.__table__.join(
        ConsolidatedResponse, ConsolidatedResponse.query_id == FieldQuery.id)
    if g == "month":
        q = grouped(month_of(FieldQuery.created_at), FieldQuery, FieldQuery.created_at)
        r = grouped(month_of(ConsolidatedResponse.published_at), responses,
                    ConsolidatedResponse.published_at, published)
    elif g == "theme":
        joins = ((query_themes, query_themes.c.query_id == FieldQuery.id),
                 (Theme, Theme.id == query_themes.c.theme_id))
        q = grouped(_root_theme(), FieldQuery, FieldQuery.created_at, joins=joins)
        r = grouped(_root_theme(), responses, ConsolidatedResponse.published_at, published,
                    joins)
    elif g == "organisation":
        joins = ((User, User.id == FieldQuery.requester_id),)
        q = grouped(User.organisation_id, FieldQuery, FieldQuery.created_at, joins=joins)
        r = grouped(User.organisation_id, responses, ConsolidatedResponse.published_at,
                    published, joins)
    else:  # country, priority, channel: a column of the query
        column = getattr(FieldQuery, g)
        q = grouped(column, FieldQuery, FieldQuery.created_at)
        r = grouped(column, responses, ConsolidatedResponse.published_at, published)
    return q, r, _document_counts(f)


def _document_counts(f: Filters) -> dict | None:
    g = f.group_by
    conditions = [Document.created_at >= f.since, Document.created_at < f.until]
    if f.country:
        conditions.append(Document.id.in_(select(DocumentCountry.document_id).where(
            DocumentCountry.country == f.country)))
    if f.theme is not None:
        conditions.append(Document.id.in_(select(document_themes.c.document_id).where(
            document_themes.c.theme_id.in_(_theme_ids(f.theme)))))
    if g == "month":
        key, stmt = month_of(Document.created_at), select(Document)
    elif g == "theme":
        key = _root_theme()
        stmt = select(Document).join(document_themes,
                                     document_themes.c.document_id == Document.id) \
            .join(Theme, Theme.id == document_themes.c.theme_id)
    elif g == "country":
        key, stmt = DocumentCountry.country, select(Document).join(
            DocumentCountry, DocumentCountry.document_id == Document.id)
    else:
        return None
    stmt = stmt.with_only_columns(key, func.count(func.distinct(Document.id))) \
        .where(*conditions).group_by(key)
    return dict(db.session.execute(stmt).all())


def _demand_labels(g: str, keys) -> dict:
    """key -> (the key as exported, its label)."""
    if g == "month":
        return {k: (k, month_label(k)) for k in keys}
    if g == "theme":
        return _theme_labels(keys)
    if g == "country":
        return {k: (k, country_name(k)) for k in keys}
    if g == "organisation":
        names = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
            Organisation.id.in_([k for k in keys if k is not None]))).all()) if keys else {}
        return {k: (names.get(k, ""), names.get(k) or _("No organisation")) for k in keys}
    if g == "priority":
        return {k: (k, _priority_label(k)) for k in keys}
    return {k: (k, str(CHANNEL_LABELS.get(k, k))) for k in keys}


def _demand_order(g: str, keys, counts: dict) -> list:
    if g == "month":
        return sorted(keys)
    if g == "priority":
        return sorted(keys, key=lambda k: PRIORITY_ORDER.index(k) if k in PRIORITY_ORDER
                      else len(PRIORITY_ORDER))
    if g == "channel":
        return sorted(keys, key=lambda k: CHANNELS.index(k) if k in CHANNELS else len(CHANNELS))
    return sorted(keys, key=lambda k: (-counts.get(k, 0), str(k)))


def _pairs(counts: dict | None) -> list | None:
    return None if counts is None else [[k, n] for k, n in counts.items()]


def demand_part(group_by: str) -> Callable[[datetime, datetime], dict]:
    """What counts a span's demand grouped by `group_by` (months.gather merges the parts)."""
    def part(since: datetime, until: datetime) -> dict:
        f = Filters(since.date(), (until - timedelta(days=1)).date(), group_by)
        return {"counts": [_pairs(counts) for counts in _demand_counts(f)]}
    return part


def _sum_pairs(parts: list, i: int) -> dict | None:
    total: dict = {}
    for part in parts:
        pairs = part["counts"][i]
        if pairs is None:
            return None
        for key, n in pairs:
            total[key] = total.get(key, 0) + n
    return total


def _merge_demand(parts: list) -> dict:
    parts = [part for _key, part in parts]
    return {"counts": [_pairs(_sum_pairs(parts, i)) for i in range(3)]}


def demand(f: Filters) -> Report:
    if _unfiltered(f):
        found, computed = months_.merged(f"demand:{f.group_by}", f.start, f.end,
                                         demand_part(f.group_by), _merge_demand)
        q, r, d = (None if pairs is None else {k: n for k, n in pairs}
                   for pairs in found["counts"])
    else:
        (q, r, d), computed = _demand_counts(f), utcnow()
    keys = set(q) | set(r) | set(d or ())
    if f.group_by == "month":
        keys |= set(months(f.start, f.end))
    elif f.group_by == "priority":
        keys |= set(PRIORITIES)
    elif f.group_by == "channel":
        keys |= set(CHANNELS)
    labels = _demand_labels(f.group_by, keys)
    rows = [{"key": labels[k][0], "label": labels[k][1], "queries": q.get(k, 0),
             "responses": r.get(k, 0), "documents": None if d is None else d.get(k, 0)}
            for k in _demand_order(f.group_by, keys, q) if k in labels]
    columns = [("label", str(GROUP_LABELS[f.group_by])), ("queries", _("Queries")),
               ("responses", _("Published responses"))]
    if d is not None:
        columns.append(("documents", _("Library documents")))
    totals = {"queries": sum(q.values()), "responses": sum(r.values()),
              "documents": None if d is None else sum(d.values())}
    return Report("demand", f, rows, columns, {"totals": totals, "computed_at": computed})


# --- response times ---------------------------------------------------------------------------

def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def p90(values: list[float]) -> float | None:
    """The 90th percentile by nearest rank: the smallest value that at least 90 % of the
    values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class Clocks:
    """A BusinessClock per priority (its SLA policy's calendar), the policies read at once."""

    def __init__(self):
        self.targets = all_targets()
        self._clocks: dict[str, BusinessClock] = {}

    def hours(self, priority: str, start: float | None, end: float | None) -> float | None:
        """Business hours from `start` to `end` (POSIX times, as epoch_of gives them)."""
        if start is None or end is None:
            return None
        clock = self._clocks.get(priority)
        if clock is None:
            targets = self.targets.get(priority) or self.targets["normal"]
            clock = self._clocks[priority] = business_clock(targets.calendar)
        return max(clock.at(end) - clock.at(start), 0.0) / HOUR if end > start else 0.0


def epoch_of(column):
    """A UTC time column as POSIX seconds, in SQL: tens of thousands of times are read
    without making a datetime of each."""
    if _postgres():
        return cast(func.extract("epoch", column), Float)  # numeric there: a float, as here
    return (func.julianday(column) - 2440587.5) * 86400.0  # SQLite: days since 4714 BC


def _first_contribution():
    """Each query's first contribution, inside the one statement: read from the index on
    contributions.query_id for the period's queries only (a grouped subquery over every
    contribution scanned the whole table)."""
    return select(func.min(Contribution.created_at)).where(
        Contribution.query_id == FieldQuery.id).correlate(FieldQuery).scalar_subquery()


def _durations(f: Filters, clocks: Clocks) -> list[tuple[int, str, str, tuple]]:
    """(query id, priority, month, (hours to triage, to first contribution, to publication))
    of every query asked in the period (None for a step not reached)."""
    stmt = (select(FieldQuery.id, FieldQuery.priority, month_of(FieldQuery.created_at),
                   epoch_of(FieldQuery.created_at), epoch_of(FieldQuery.triage_met_at),
                   epoch_of(_first_contribution()), epoch_of(ConsolidatedResponse.published_at))
            .outerjoin(ConsolidatedResponse, and_(ConsolidatedResponse.query_id == FieldQuery.id,
                                                  ConsolidatedResponse.status == "published"))
            .where(*_query_filters(f, FieldQuery.created_at)))
    hours = clocks.hours
    return [(qid, priority, month, (hours(priority, created, triaged),
                                    hours(priority, created, contributed),
                                    hours(priority, created, published)))
            for qid, priority, month, created, triaged, contributed, published
            in db.session.execute(stmt)]


def _roots_by_query(f: Filters) -> dict[int, set[int]]:
    stmt = (select(query_themes.c.query_id, _root_theme())
            .join(Theme, Theme.id == query_themes.c.theme_id)
            .join(FieldQuery, FieldQuery.id == query_themes.c.query_id)
            .where(*_query_filters(f, FieldQuery.created_at)))
    found = defaultdict(set)
    for qid, root in db.session.execute(stmt):
        found[qid].add(root)
    return found


STEPS = ("triage", "contribution", "publication")


def _durations_by(f: Filters, clocks: Clocks) -> tuple[dict, dict, list]:
    """The durations of the queries asked in f's period (its filters applied), grouped by
    priority and by top-level theme, and the times to publication of all of them."""
    durations = _durations(f, clocks)
    by_priority, by_theme = defaultdict(list), defaultdict(list)
    roots = _roots_by_query(f)
    for item in durations:
        by_priority[item[1]].append(item[3])
        for root in roots.get(item[0], ()):
            by_theme[root].append(item[3])
    return by_priority, by_theme, [item[3][2] for item in durations if item[3][2] is not None]


def _packed(items: list[tuple]) -> dict:
    return {"n": len(items), **{step: months_.pack(item[i] for item in items
                                                    if item[i] is not None)
                                for i, step in enumerate(STEPS)}}


def response_times_part(by: str) -> Callable[[datetime, datetime], dict]:
    """What packs a span's durations, sorted, per priority or per top theme (`by`), with
    the distribution's counts (months.gather merges the parts)."""
    def part(since: datetime, until: datetime) -> dict:
        f = Filters(since.date(), (until - timedelta(days=1)).date(), "priority")
        by_priority, by_theme, published = _durations_by(f, Clocks())
        groups = by_priority if by == "priority" else by_theme
        return {"groups": {str(k): _packed(v) for k, v in groups.items()},
                "distribution": [b["count"] for b in distribution(published)]}
    return part


class _Merged:
    """One group's durations merged from parts: a count and each step's sorted values."""

    def __init__(self):
        self.n = 0
        self.values = {step: months_.array("d") for step in STEPS}

    def add(self, packed: dict) -> None:
        self.n += packed["n"]
        for step in STEPS:
            self.values[step].extend(months_.unpack(packed[step]))

    def add_items(self, items: list[tuple]) -> None:
        self.add(_packed(items))

    def sorted(self, step: str) -> list[float]:
        return sorted(self.values[step])


def _figures(groups: dict) -> list:
    """[key, count, [[median, 90th percentile] of each step]] of each group's durations."""
    found = []
    for key, merged in groups.items():
        steps = []
        for step in STEPS:
            values = merged.sorted(step)
            steps.append([_hours(median(values)), _hours(p90(values))])
        found.append([key, merged.n, steps])
    return found


def _merge_times(by: str) -> Callable[[list], dict]:
    """What merges the parts kept by `by` (priority or theme): each group's figures (and,
    by priority, each month's), and the distribution's counts."""
    def merge(parts: list) -> dict:
        groups, by_month = defaultdict(_Merged), defaultdict(_Merged)
        counts = [0] * len(BUCKETS)
        for month, part in parts:
            counts = [a + b for a, b in zip(counts, part["distribution"], strict=True)]
            for key, packed in part["groups"].items():
                groups[int(key) if by == "theme" else key].add(packed)
                if by == "priority":
                    by_month[month].add(packed)
        return {"groups": _figures(groups), "months": _figures(by_month),
                "distribution": counts}
    return merge


def _times_figures(f: Filters, clocks: Clocks) -> tuple[dict, list[int], datetime]:
    """{group key: (queries, [[median, p90] per step])} of f's grouping, the distribution's
    counts and when the oldest figure was computed."""
    if not _unfiltered(f):  # a theme or country chosen: counted directly
        groups: dict = defaultdict(_Merged)
        if f.group_by == "month":
            items = _durations(f, clocks)
            chosen = defaultdict(list)
            for item in items:
                chosen[item[2]].append(item[3])
            published = [item[3][2] for item in items if item[3][2] is not None]
        else:
            by_priority, by_theme, published = _durations_by(f, clocks)
            chosen = by_priority if f.group_by == "priority" else by_theme
        for key, found in chosen.items():
            groups[key].add_items(found)
        return ({key: (n, steps) for key, n, steps in _figures(groups)},
                [b["count"] for b in distribution(published)], utcnow())
    by = "theme" if f.group_by == "theme" else "priority"  # a month: its priorities merged
    found, computed = months_.merged(f"response-times:{by}", f.start, f.end,
                                     response_times_part(by), _merge_times(by))
    figures = found["months"] if f.group_by == "month" else found["groups"]
    return {key: (n, steps) for key, n, steps in figures}, found["distribution"], computed


def response_times(f: Filters) -> Report:
    clocks = Clocks()
    groups, counts, computed = _times_figures(f, clocks)
    if f.group_by == "theme":
        labels = _theme_labels(groups)
        order = sorted(groups, key=lambda k: (-groups[k][0], labels.get(k, ("", ""))[1]))
    elif f.group_by == "month":
        order = months(f.start, f.end)
        labels = {k: (k, month_label(k)) for k in order}
    else:
        order = list(PRIORITY_ORDER)
        labels = {k: (k, _priority_label(k)) for k in order}
    rows = []
    for key in order:
        if key not in labels:
            continue
        n, steps = groups.get(key, (0, [[None, None]] * len(STEPS)))
        row = {"key": labels[key][0], "label": labels[key][1], "queries": n}
        for step, (mid, high) in zip(STEPS, steps, strict=True):
            row[f"{step}_median_hours"] = mid
            row[f"{step}_p90_hours"] = high
        targets = clocks.targets.get(key) if f.group_by == "priority" else None
        row["triage_target_hours"] = targets and targets.triage_hours
        row["answer_target_hours"] = targets and targets.answer_hours
        row["resolution_target_hours"] = targets and targets.resolution_hours
        rows.append(row)
    columns = [("label", str(GROUP_LABELS[f.group_by])), ("queries", _("Queries")),
               ("triage_median_hours", _("Triage, median")),
               ("triage_p90_hours", _("Triage, 90th percentile")),
               ("contribution_median_hours", _("First contribution, median")),
               ("contribution_p90_hours", _("First contribution, 90th percentile")),
               ("publication_median_hours", _("Publication, median")),
               ("publication_p90_hours", _("Publication, 90th percentile"))]
    if f.group_by == "priority":
        columns += [("triage_target_hours", _("Triage target")),
                    ("answer_target_hours", _("Answer target")),
                    ("resolution_target_hours", _("Resolution target"))]
    dist = [{"label": str(label), "count": n}
            for (_limit, label), n in zip(BUCKETS, counts, strict=True)]
    return Report("response-times", f, rows, columns,
                  {"distribution": dist, "computed_at": computed})


def distribution(hours: list[float]) -> list[dict]:
    """How many of the times fall in each bucket of BUCKETS."""
    counts = [0] * len(BUCKETS)
    for value in hours:
        for i, (limit, _label) in enumerate(BUCKETS):
            if limit is None or value <= limit:
                counts[i] += 1
                break
    return [{"label": str(label), "count": count}
            for (_limit, label), count in zip(BUCKETS, counts, strict=True)]


# --- expert load ------------------------------------------------------------------------------

def experts_part(since: datetime, until: datetime) -> dict:
    """A span's expert load (months.gather merges the parts): per expert, invitations made
    in it, accepted and declined, contributions written, the sorted business hours from
    invitation to answer, and the latest decline reasons with their moments."""
    a = Assignment
    in_period = [a.created_at >= since, a.created_at < until]
    counted = [[eid, n, int(accepted or 0), int(declined or 0)]
               for eid, n, accepted, declined in db.session.execute(select(
                   a.expert_id, func.count(),
                   func.sum(case((a.status.in_(("accepted", "answered")), 1), else_=0)),
                   func.sum(case((a.status == "declined", 1), else_=0)))
                   .where(*in_period).group_by(a.expert_id))]
    contributions = [list(row) for row in db.session.execute(
        select(Contribution.author_id, func.count())
        .where(Contribution.created_at >= since, Contribution.created_at < until)
        .group_by(Contribution.author_id))]
    clocks, answers = Clocks(), defaultdict(list)
    for eid, priority, start, end in db.session.execute(
            select(a.expert_id, FieldQuery.priority, epoch_of(a.created_at),
                   epoch_of(a.answered_at))
            .join(FieldQuery, FieldQuery.id == a.query_id)
            .where(*in_period, a.answered_at.is_not(None))):
        answers[eid].append(clocks.hours(priority, start, end))
    return {"counted": counted, "contributions": contributions,
            "answers": {str(eid): months_.pack(v) for eid, v in answers.items()},
            "reasons": _decline_reasons(in_period)}


def _merge_experts(parts: list) -> list[list]:
    """[expert, invitations, acceptances, declines, contributions, median answer hours,
    [the assignments of the latest decline reasons]] of each expert the parts name."""
    counted, contributions = defaultdict(lambda: [0, 0, 0]), defaultdict(int)
    answers, latest = defaultdict(months_.array_of), defaultdict(list)
    for _month, part in parts:
        for eid, n, accepted, declined in part["counted"]:
            row = counted[eid]
            row[0], row[1], row[2] = row[0] + n, row[1] + accepted, row[2] + declined
        for eid, n in part["contributions"]:
            contributions[eid] += n
        for eid, packed in part["answers"].items():
            answers[int(eid)].extend(months_.unpack(packed))
        for eid, moment, aid in part["reasons"]:
            latest[eid].append((moment, aid))
    ids = set(counted) | set(contributions) | set(answers) | set(latest)
    return [[eid, *counted.get(eid, (0, 0, 0)), contributions.get(eid, 0),
             _hours(median(sorted(answers.get(eid, ())))),
             [aid for _m, aid in sorted(latest.get(eid, ()), key=_reason_order,
                                        reverse=True)[:DECLINE_REASONS]]]
            for eid in sorted(ids)]


def experts(f: Filters) -> Report:
    """Per expert: invitations made in the period, how many were accepted and declined (with
    the latest reasons), contributions written in it, the median business hours from
    invitation to answer, and the assignments open now (invited or accepted)."""
    found, computed = months_.merged("experts", f.start, f.end, experts_part, _merge_experts)
    counted = {eid: (n, accepted, declined) for eid, n, accepted, declined, *_r in found}
    contributions = {row[0]: row[4] for row in found}
    answer_median = {row[0]: row[5] for row in found}
    chosen = {row[0]: row[6] for row in found}
    a = Assignment
    ids = sorted(aid for found in chosen.values() for aid in found)
    texts = dict(db.session.execute(select(a.id, a.decline_reason).where(a.id.in_(ids)))
                 .all()) if ids else {}
    reasons = {eid: [texts[aid] for aid in found if texts.get(aid)]
               for eid, found in chosen.items()}
    open_now = dict(db.session.execute(
        select(a.expert_id, func.count()).where(a.status.in_(("invited", "accepted")))
        .group_by(a.expert_id)).all())
    experts_ids = set(db.session.scalars(select(UserRole.user_id).where(
        UserRole.role == "expert")))
    ids = experts_ids | set(counted) | set(contributions) | set(open_now)
    people = db.session.execute(select(User.id, User.name, User.email)
                                .where(User.id.in_(ids)).order_by(User.name, User.id)).all() \
        if ids else []
    rows = []
    for uid, name, email in people:
        n, accepted, declined = counted.get(uid, (0, 0, 0))
        rows.append({"expert": name, "email": email, "invitations": n,
                     "acceptances": int(accepted), "declines": int(declined),
                     "decline_reasons": reasons.get(uid, []),
                     "contributions": contributions.get(uid, 0),
                     "median_answer_hours": answer_median.get(uid),
                     "open_assignments": open_now.get(uid, 0)})
    columns = [("expert", _("Expert")), ("email", _("E-mail")),
               ("invitations", _("Invitations")), ("acceptances", _("Acceptances")),
               ("declines", _("Declines")), ("decline_reasons", _("Latest decline reasons")),
               ("contributions", _("Contributions")),
               ("median_answer_hours", _("Median answer time")),
               ("open_assignments", _("Open assignments now"))]
    return Report("experts", f, rows, columns, {"computed_at": computed})


def _decline_reasons(in_period) -> list[list]:
    """[expert, moment (POSIX seconds or None), assignment id] of the latest DECLINE_REASONS
    reasons per expert (a window: one statement); experts() reads the texts chosen."""
    a = Assignment
    ranked = select(a.expert_id, epoch_of(a.responded_at).label("at"), a.id,
                    func.row_number().over(partition_by=a.expert_id, order_by=(
                        a.responded_at.desc(), a.id.desc())).label("n")) \
        .where(*in_period, a.status == "declined", a.decline_reason.is_not(None),
               a.decline_reason != "").subquery()
    return [list(row) for row in db.session.execute(
        select(ranked.c.expert_id, ranked.c.at, ranked.c.id)
        .where(ranked.c.n <= DECLINE_REASONS).order_by(ranked.c.expert_id, ranked.c.n))]


def _reason_order(item: tuple) -> tuple:
    """Latest first (as the window orders them); a reason without a moment comes last."""
    moment, aid = item
    return (moment is not None, moment or 0.0, aid)


# --- satisfaction and use -----------------------------------------------------------------------
# The requesters' ratings and the readers' feedback given (or last changed) in the period, and
# the reads of the period, of responses still readable (published or superseded).

SCORES = (1, 2, 3, 4, 5)


def _in_period(column, f: Filters) -> list:
    return [column >= f.since, column < f.until]


def _ratings_in(f: Filters):
    """(ResponseRating joined to its response) rows of the period, readable responses only."""
    return (select().select_from(ResponseRating)
            .join(ConsolidatedResponse,
                  ConsolidatedResponse.query_id == ResponseRating.query_id)
            .where(ConsolidatedResponse.status.in_(READABLE_STATUSES),
                   *_in_period(ResponseRating.updated_at, f)))


def _feedback_counts():
    """useful, not useful and flagged-outdated counts of ResponseFeedback rows, in SQL."""
    return (func.count(case((ResponseFeedback.useful.is_(True), 1))),
            func.count(case((ResponseFeedback.useful.is_(False), 1))),
            func.count(case((ResponseFeedback.outdated.is_(True), 1))))


def _average(total, count) -> float | None:
    return round(total / count, 2) if count else None


def satisfaction_summary(f: Filters) -> dict:
    """The period's totals: ratings (count, average, distribution 1-5) and reader feedback
    (useful, not useful, flagged outdated). Two statements."""
    by_score = dict(db.session.execute(
        _ratings_in(f).add_columns(ResponseRating.score, func.count())
        .group_by(ResponseRating.score)).all())
    count = sum(by_score.values())
    useful, not_useful, outdated = db.session.execute(
        select(*_feedback_counts()).select_from(ResponseFeedback)
        .join(ConsolidatedResponse, ConsolidatedResponse.id == ResponseFeedback.response_id)
        .where(ConsolidatedResponse.status.in_(READABLE_STATUSES),
               *_in_period(ResponseFeedback.updated_at, f))).one()
    return {"ratings": count,
            "average_score": _average(sum(k * n for k, n in by_score.items()), count),
            "distribution": {str(k): by_score.get(k, 0) for k in SCORES},
            "useful": useful, "not_useful": not_useful, "outdated": outdated}


def _by_response(f: Filters, limit: int) -> list[dict]:
    """Per readable response with reads, ratings or feedback in the period (the most read
    first): reads, ratings and their average, useful / not useful, outdated flags."""
    views = (select(ResponseView.response_id.label("rid"),
                    func.sum(ResponseView.views).label("views"))
             .where(ResponseView.day >= f.start, ResponseView.day <= f.end)
             .group_by(ResponseView.response_id)).subquery()
    ratings = (_ratings_in(f).add_columns(
        ConsolidatedResponse.id.label("rid"), func.count().label("n"),
        func.sum(ResponseRating.score).label("total"))
        .group_by(ConsolidatedResponse.id)).subquery()
    useful, not_useful, outdated = _feedback_counts()
    feedback = (select(ResponseFeedback.response_id.label("rid"), useful.label("useful"),
                       not_useful.label("not_useful"), outdated.label("outdated"))
                .where(*_in_period(ResponseFeedback.updated_at, f))
                .group_by(ResponseFeedback.response_id)).subquery()
    reads = func.coalesce(views.c.views, 0)
    stmt = (select(FieldQuery.reference, ConsolidatedResponse.title, reads, ratings.c.n,
                   ratings.c.total, feedback.c.useful, feedback.c.not_useful,
                   feedback.c.outdated)
            .join(FieldQuery, FieldQuery.id == ConsolidatedResponse.query_id)
            .outerjoin(views, views.c.rid == ConsolidatedResponse.id)
            .outerjoin(ratings, ratings.c.rid == ConsolidatedResponse.id)
            .outerjoin(feedback, feedback.c.rid == ConsolidatedResponse.id)
            .where(ConsolidatedResponse.status.in_(READABLE_STATUSES),
                   (views.c.rid.is_not(None)) | (ratings.c.rid.is_not(None))
                   | (feedback.c.rid.is_not(None)))
            .order_by(reads.desc(), FieldQuery.reference).limit(limit))
    return [{"ref": ref, "title": title, "views": int(n_views), "ratings": int(n or 0),
             "average_score": _average(total or 0, n or 0), "useful": int(yes or 0),
             "not_useful": int(no or 0), "outdated": int(old or 0),
             "url": url_for("knowledge.response", ref=ref)}
            for ref, title, n_views, n, total, yes, no, old in db.session.execute(stmt)]


def _used_for(f: Filters, limit: int) -> list[dict]:
    """What requesters said they used the responses for (ratings of the period that say it),
    newest first: staff read it here (reports are theirs)."""
    stmt = (_ratings_in(f).add_columns(FieldQuery.reference, ConsolidatedResponse.title,
                                       ResponseRating.score, ResponseRating.used_for,
                                       ResponseRating.updated_at)
            .join(FieldQuery, FieldQuery.id == ResponseRating.query_id)
            .where(ResponseRating.used_for != "")
            .order_by(ResponseRating.updated_at.desc(), FieldQuery.reference).limit(limit))
    return [{"ref": ref, "title": title, "score": score, "used_for": text,
             "rated_on": at.date().isoformat() if at else None,
             "url": url_for("knowledge.response", ref=ref)}
            for ref, title, score, text, at in db.session.execute(stmt)]


def most_read(f: Filters, limit: int = TOP) -> Report:
    """Satisfaction and use. By response (default): the responses read, rated or given
    feedback in the period, most read first (reads are counts, never who read); by score:
    the ratings' distribution; by used_for: what the requesters used the responses for. The
    period's totals beside, in extra["summary"]."""
    summary = satisfaction_summary(f)
    if f.group_by == "score":
        rows = [{"key": k, "label": str(k), "ratings": summary["distribution"][str(k)]}
                for k in SCORES]
        columns = [("label", _("Rating")), ("ratings", _("Ratings"))]
    elif f.group_by == "used_for":
        rows = _used_for(f, limit * 4)
        columns = [("ref", _("Reference")), ("title", _("Title")), ("score", _("Rating")),
                   ("used_for", _("Used for")), ("rated_on", _("Rated on"))]
    else:
        rows = _by_response(f, limit)
        columns = [("ref", _("Reference")), ("title", _("Title")), ("views", _("Reads")),
                   ("ratings", _("Ratings")), ("average_score", _("Average rating")),
                   ("useful", _("Useful")), ("not_useful", _("Not useful")),
                   ("outdated", _("Flagged outdated"))]
    return Report("use", f, rows, columns, {"summary": summary})


# --- knowledge gaps ---------------------------------------------------------------------------

def commission_url(term: str) -> str:
    """The new-query form with the term as its title: ask for an answer to be commissioned."""
    return url_for("queries.new", title=term)


def search_gaps_part(since: datetime, until: datetime) -> dict:
    """A span's searches per normalised term, as parallel lists (read back faster): terms,
    searches, searches that found nothing, most results (months.gather merges the parts)."""
    first, last = since.date(), (until - timedelta(days=1)).date()
    rows = db.session.execute(
        select(SearchTerm.term, func.sum(SearchTerm.searches), func.sum(SearchTerm.empty),
               func.max(SearchTerm.results))
        .where(SearchTerm.day >= first, SearchTerm.day <= last)
        .group_by(SearchTerm.term)).all()
    return {"terms": [row[0] for row in rows],
            "searches": [int(row[1]) for row in rows],
            "empty": [int(row[2] or 0) for row in rows],
            "results": [int(row[3] or 0) for row in rows]}


def _term_row(term: str, figures: list[int]) -> dict:
    return {"term": term, "searches": figures[0], "empty_searches": figures[1],
            "results": figures[2], "commission_url": commission_url(term)}


def _merge_searches(parts: list) -> dict:
    """Per month: searches and searches that found nothing; over the parts: the TOP most
    searched terms whose searches found FEW_RESULTS results at most (at best), and the TOP
    most searched terms ([term, searches, found nothing, most results], ties by term)."""
    terms: dict[str, list[int]] = {}
    by_month: dict[str, list[int]] = {}
    for month, part in parts:
        total = by_month.setdefault(month, [0, 0])
        total[0] += sum(part["searches"])
        total[1] += sum(part["empty"])
        for term, n, empty, results in zip(part["terms"], part["searches"], part["empty"],
                                           part["results"], strict=True):
            row = terms.get(term)
            if row is None:
                terms[term] = [n, empty, results]
            else:
                row[0], row[1], row[2] = row[0] + n, row[1] + empty, max(row[2], results)
    # A heap, not a sort of the thousands of terms a year holds.
    ranked = [(-v[0], t) for t, v in terms.items()]
    gaps = heapq.nsmallest(TOP, (item for item in ranked if terms[item[1]][2] <= FEW_RESULTS))
    return {"months": [[m, n, e] for m, (n, e) in by_month.items()],
            "gaps": [[t, *terms[t]] for _n, t in gaps],
            "frequent": [[t, *terms[t]] for _n, t in heapq.nsmallest(TOP, ranked)]}


def search_gaps(f: Filters) -> Report:
    """group_by term: the terms whose searches found FEW_RESULTS results at most (at best,
    over the period), most searched first, and the most frequent terms beside; by month:
    searches and searches that found nothing, per month."""
    found, computed = months_.merged("search-gaps", f.start, f.end, search_gaps_part,
                                     _merge_searches)
    if f.group_by == "month":
        by_month = {m: (n, e) for m, n, e in found["months"]}
        rows = [{"key": m, "label": month_label(m), "searches": by_month.get(m, (0, 0))[0],
                 "empty_searches": by_month.get(m, (0, 0))[1]} for m in months(f.start, f.end)]
        columns = [("label", _("Month")), ("searches", _("Searches")),
                   ("empty_searches", _("Searches that found nothing"))]
        return Report("search-gaps", f, rows, columns, {"computed_at": computed})
    gaps = [_term_row(t, figures) for t, *figures in found["gaps"]]
    columns = [("term", _("Search term")), ("searches", _("Searches")),
               ("empty_searches", _("Searches that found nothing")),
               ("results", _("Most results found"))]
    return Report("search-gaps", f, gaps, columns,
                  {"frequent": [_term_row(t, figures) for t, *figures in found["frequent"]],
                   "computed_at": computed})


BUILDERS = {"demand": demand, "response-times": response_times, "experts": experts,
            "use": most_read, "search-gaps": search_gaps}
# The figures kept by month (reports.months), by the name they are kept under: what counts
# one span of one month.
PART_BUILDERS = {**{f"demand:{g}": demand_part(g) for g in GROUPINGS["demand"]},
                 "response-times:priority": response_times_part("priority"),
                 "response-times:theme": response_times_part("theme"),
                 "experts": experts_part, "search-gaps": search_gaps_part}
