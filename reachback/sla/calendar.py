"""Business-time arithmetic on working-hours calendars: pure stdlib, no database, no Flask."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# An interval end of END_OF_DAY means 24:00, i.e. exactly the next midnight; time() cannot
# spell 24:00 and stopping at 23:59:59.999999 would leak a microsecond a day out of a 24/7 calendar.
END_OF_DAY = time.max
_DAY = timedelta(days=1)
_WEEK = timedelta(weeks=1)

Interval = tuple[time, time]
_Day = tuple[tuple[tuple[datetime, datetime], ...], timedelta]
_DAY_CACHE_LIMIT = 20_000  # local dates remembered per calendar (~55 years): bounds memory


def _nine_to_five() -> Mapping[int, tuple[Interval, ...]]:
    return {weekday: ((time(9), time(17)),) for weekday in range(5)}


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours as wall-clock intervals per weekday (0=Monday..6=Sunday) in `timezone`."""

    name: str = "Default"
    timezone: str = "UTC"
    hours: Mapping[int, tuple[Interval, ...]] = field(default_factory=_nine_to_five)
    holidays: frozenset[date] = frozenset()
    _tz: ZoneInfo = field(init=False, repr=False, compare=False)
    # local date -> (UTC intervals, their total); working days are immutable, so memoise them
    _days: dict[date, _Day] = field(init=False, repr=False, compare=False, default_factory=dict)
    # Wall-clock working time per weekday (a day's real length when the UTC offset holds) and
    # per week, and the sorted holidays: what skipping a run of ordinary days needs.
    _wall: tuple[timedelta, ...] = field(init=False, repr=False, compare=False, default=())
    _week_wall: timedelta = field(init=False, repr=False, compare=False, default=timedelta(0))
    _holiday_list: tuple[date, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        # Validate here rather than in from_spec so every way of building a calendar is checked.
        try:
            tz = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(f"unknown timezone {self.timezone!r}") from exc
        hours: dict[int, tuple[Interval, ...]] = {}
        for weekday, intervals in self.hours.items():
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {weekday!r}")
            ordered = tuple(sorted((start, end) for start, end in intervals))
            previous_end = time.min
            for start, end in ordered:
                if not (isinstance(start, time) and isinstance(end, time)) or start.tzinfo or end.tzinfo:
                    raise ValueError(f"interval bounds must be naive datetime.time, got {start!r}-{end!r}")
                if end <= start:
                    raise ValueError(f"interval {start:%H:%M}-{end:%H:%M} on weekday {weekday} does not end after it starts")
                if start < previous_end:
                    raise ValueError(f"interval {start:%H:%M}-{end:%H:%M} on weekday {weekday} overlaps the previous one")
                previous_end = end
            if ordered:
                hours[weekday] = ordered
        # Keep a private normalised copy: later edits to the caller's dict must not change us.
        # (A plain dict rather than MappingProxyType so calendars still pickle and deep-copy.)
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "_tz", tz)
        wall = tuple(sum((_clock(end) - _clock(start) for start, end in hours.get(weekday, ())),
                         timedelta(0)) for weekday in range(7))
        object.__setattr__(self, "_wall", wall)
        object.__setattr__(self, "_week_wall", sum(wall, timedelta(0)))
        object.__setattr__(self, "_holiday_list", tuple(sorted(self.holidays)))

    def __hash__(self) -> int:  # the mapping field is unhashable, so hash a sorted snapshot of it
        return hash((self.name, self.timezone, tuple(sorted(self.hours.items())), self.holidays))

    @classmethod
    def always_open(cls, name: str = "24/7", timezone: str = "UTC") -> BusinessCalendar:
        return cls(name, timezone, {weekday: ((time.min, END_OF_DAY),) for weekday in range(7)})

    @classmethod
    def from_spec(
        cls,
        name: str,
        timezone: str,
        working_days: str | list[int],
        intervals: str,
        holidays: Iterable[date] = (),
    ) -> BusinessCalendar:
        """Build from text such as working_days="0,1,2,3,4", intervals="09:00-12:30,13:30-17:00"."""
        if isinstance(working_days, str):
            parts = [part.strip() for part in working_days.split(",") if part.strip()]
            try:
                days = [int(part) for part in parts]
            except ValueError as exc:
                raise ValueError(f"working days must be weekday numbers 0-6, got {working_days!r}") from exc
        else:
            days = list(working_days)
        if not days:
            raise ValueError("at least one working day is required")
        if not intervals.strip():
            raise ValueError("at least one working interval is required")
        spans = tuple(_parse_interval(part) for part in intervals.split(","))
        return cls(name, timezone, {day: spans for day in days}, frozenset(holidays))


def _parse_interval(text: str) -> Interval:
    start, sep, end = text.strip().partition("-")
    if not sep:
        raise ValueError(f"interval must look like 09:00-17:00, got {text.strip()!r}")
    return _parse_time(start), _parse_time(end)


def _parse_time(text: str) -> time:
    text = text.strip()
    if text in ("24:00", "24:00:00"):
        return END_OF_DAY
    try:
        return time.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"time must look like 09:30 (or 24:00), got {text!r}") from exc


# --- internals ------------------------------------------------------------------------------


def _clock(wall: time) -> timedelta:
    """Time since local midnight; END_OF_DAY counts as 24:00."""
    if wall == END_OF_DAY:
        return _DAY
    return timedelta(hours=wall.hour, minutes=wall.minute, seconds=wall.second, microseconds=wall.microsecond)


def _to_utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment!r}")
    return moment.astimezone(UTC)


def _require_hours(cal: BusinessCalendar) -> None:
    # Without this, searching for the next working interval would never end.
    if not cal.hours:
        raise ValueError(f"calendar {cal.name!r} has no working hours")


def _wall_to_utc(cal: BusinessCalendar, day: date, wall: time) -> datetime:
    # fold=0 (PEP 495): an ambiguous fall-back time means its first occurrence, and a time inside
    # a spring-forward gap is read with the pre-gap offset, i.e. moved on by the jump (02:30 -> 03:30).
    if wall == END_OF_DAY:
        day, wall = day + _DAY, time.min
    return datetime.combine(day, wall, cal._tz).astimezone(UTC)


def _day(cal: BusinessCalendar, day: date) -> _Day:
    """UTC working intervals of local date `day` (in order, disjoint, none empty) and their total."""
    if (cached := cal._days.get(day)) is not None:
        return cached
    out: list[tuple[datetime, datetime]] = []
    if day not in cal.holidays:
        for start, end in cal.hours.get(day.weekday(), ()):
            # Localise both ends separately: an interval spanning a DST change gets its real length.
            a, b = _wall_to_utc(cal, day, start), _wall_to_utc(cal, day, end)
            if out and a < out[-1][1]:  # only possible for a bound inside a spring-forward gap
                a = out[-1][1]
            if a < b:
                out.append((a, b))
    if len(cal._days) >= _DAY_CACHE_LIMIT:
        cal._days.clear()
    result = cal._days[day] = (tuple(out), sum((b - a for a, b in out), timedelta(0)))
    return result


def _first_day(cal: BusinessCalendar, moment: datetime) -> date:
    # A local day early: cheap insurance against offset changes at midnight.
    return moment.astimezone(cal._tz).date() - _DAY


def _days_from(cal: BusinessCalendar, moment: datetime) -> Iterator[_Day]:
    """Every local day from the one holding UTC `moment` on; callers stop when they have enough."""
    _require_hours(cal)
    day = _first_day(cal, moment)
    while True:  # callers end: some weekday has hours and only finitely many days are holidays
        yield _day(cal, day)
        day += _DAY


# tzdata has no two changes of UTC offset less than 3.9 days apart (since 1900), so midnights
# read every third day show each change. Beyond _RULE_YEAR every zone follows its one annual
# rule, and the Gregorian calendar repeats itself, weekdays included, every 400 years.
_PROBE_STEP = 3
_RULE_YEAR = 2500
_YEAR = timedelta(days=366)
_LAST_RUN = date.max - 2 * _YEAR


def _midnight_offset(tz: ZoneInfo, day: date) -> timedelta | None:
    return datetime.combine(day, time.min, tz).utcoffset()


@lru_cache(maxsize=8192)
def _offset_changes(timezone: str, year: int) -> tuple[date, ...]:
    """Local dates of `year` whose UTC offset at midnight differs from the next midnight's: the
    only days whose working time can differ from their wall-clock hours (holidays aside)."""
    if year >= _RULE_YEAR:
        shift = 400 * ((year - _RULE_YEAR) // 400 + 1)
        return tuple(d.replace(year=d.year + shift) for d in _offset_changes(timezone, year - shift))
    tz, first = ZoneInfo(timezone), date(year, 1, 1)
    probes = [first + n * _DAY for n in range(0, (date(year + 1, 1, 1) - first).days + 1, _PROBE_STEP)]
    probes.append(date(year + 1, 1, 1))
    changes = []
    for a, b in zip(probes, probes[1:], strict=False):
        if _midnight_offset(tz, a) != _midnight_offset(tz, b):
            days = [a + n * _DAY for n in range((b - a).days + 1)]
            changes += [d for d, e in zip(days, days[1:], strict=False)
                        if _midnight_offset(tz, d) != _midnight_offset(tz, e)]
    return tuple(changes)


def _next_unusual(cal: BusinessCalendar, day: date, until: date) -> date:
    """The first holiday or offset-change day from `day` on, or `until` if none comes before."""
    i = bisect_left(cal._holiday_list, day)
    if i < len(cal._holiday_list):
        until = min(until, cal._holiday_list[i])
    for year in range(day.year, until.year + 1):
        changes = _offset_changes(cal.timezone, year)
        if (j := bisect_left(changes, day)) < len(changes):
            return min(changes[j], until)
    return until


def _wall_between(cal: BusinessCalendar, first: date, end: date) -> timedelta:
    """Wall-clock working time of the local days [first, end)."""
    weeks, rest = divmod((end - first).days, 7)
    return weeks * cal._week_wall + sum((cal._wall[(first.weekday() + n) % 7] for n in range(rest)),
                                        timedelta(0))


def _skip_ordinary_days(cal: BusinessCalendar, day: date, until: date, budget: timedelta) -> tuple[date, timedelta]:
    """Skip the ordinary days from `day` (no holiday, no offset change, before `until`) while
    their working time stays below `budget`, in one step: the first day not skipped and the
    time skipped. Ordinary days have their wall-clock hours, so a run of them costs a bisect
    over the holidays and a look at a few cached years of offset changes, whatever its length."""
    end = _next_unusual(cal, day, until)
    whole = _wall_between(cal, day, end)
    if whole < budget:
        return end, whole
    weeks = min(max(0, (budget - timedelta.resolution) // cal._week_wall), (end - day).days // 7)
    return day + weeks * _WEEK, weeks * cal._week_wall


# --- public API ------------------------------------------------------------------------------


def add_business_time(cal: BusinessCalendar, start: datetime, seconds: float) -> datetime:
    """UTC moment at which `seconds` of working time, counted from `start`, have elapsed.

    Outside working time the count starts at the next opening. The due time is the instant the
    last working second ends, so 8 h from Monday 09:00 on a 9-17 calendar is Monday 17:00, not
    Tuesday 09:00. Hence seconds == 0 returns `start` (in UTC) if it lies in a working interval,
    closing instant included, and otherwise the next opening; with that rule
    add(add(s, a), b) == add(s, a + b) always holds. Durations are kept as timedelta (whole
    microseconds, exact integer arithmetic), so on a 24/7 calendar the result is start + seconds.
    """
    moment = _to_utc(start, "start")
    if not 0 <= seconds < math.inf:
        raise ValueError(f"seconds must be finite and >= 0, got {seconds!r}")
    remaining = timedelta(seconds=seconds)
    _require_hours(cal)
    day = _first_day(cal, moment)
    ahead = day + 3 * _DAY  # from this day on, every working interval lies after the start
    while True:  # ends: some weekday has hours and only finitely many days are holidays
        if ahead <= day < _LAST_RUN and remaining > cal._week_wall:
            day, skipped = _skip_ordinary_days(cal, day, day + _YEAR, remaining)
            remaining -= skipped
        intervals, total = _day(cal, day)
        if intervals and intervals[0][0] >= moment and total < remaining:
            remaining -= total  # a whole (cached) day that cannot hold the due time: one subtraction
        else:
            for a, b in intervals:
                if b < moment:
                    continue
                a = max(a, moment)
                if remaining <= b - a:
                    return a + remaining
                remaining -= b - a
        day += _DAY


def business_seconds_between(cal: BusinessCalendar, start: datetime, end: datetime) -> float:
    """Working seconds in [start, end); 0.0 if end <= start."""
    lo, hi = _to_utc(start, "start"), _to_utc(end, "end")
    total = timedelta(0)
    if hi <= lo:
        return 0.0
    _require_hours(cal)
    day = _first_day(cal, lo)
    # The local days in [day + 3, before) lie wholly inside the range.
    ahead, before = day + 3 * _DAY, hi.astimezone(cal._tz).date() - _DAY
    while True:
        if ahead <= day < before:
            day, skipped = _skip_ordinary_days(cal, day, before, timedelta.max)
            total += skipped
        intervals, day_total = _day(cal, day)
        if intervals and intervals[0][0] >= hi:
            return total.total_seconds()
        if intervals and lo <= intervals[0][0] and intervals[-1][1] <= hi:
            total += day_total  # whole day inside the range
        else:
            for a, b in intervals:
                total += max(min(b, hi) - max(a, lo), timedelta(0))
        day += _DAY


def next_opening(cal: BusinessCalendar, moment: datetime) -> datetime:
    """`moment` in UTC if working time is in progress then, else the start of the next interval.

    A closing instant (e.g. 17:00 on a 9-17 day) is not in progress: it yields the next opening.
    """
    moment = _to_utc(moment, "moment")
    for intervals, _ in _days_from(cal, moment):
        for a, b in intervals:
            if b > moment:
                return max(a, moment)
    raise AssertionError("unreachable: _days_from never ends")


def closing_time_on_or_before(cal: BusinessCalendar, day: date) -> datetime:
    """UTC end of the last working interval of `day`, or of the last working day before it."""
    if isinstance(day, datetime):  # a datetime would silently never match a holiday date
        raise TypeError(f"day must be a date, not a datetime: {day!r}")
    _require_hours(cal)
    while not (intervals := _day(cal, day)[0]):
        day -= _DAY
    return intervals[-1][1]


_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)
_CLOCK_ENTRIES = 100_000  # quarter hours (and local days) remembered per clock
_QUARTER = 900  # every UTC offset in use is a whole number of quarter hours


class BusinessClock:
    """Working seconds since a fixed origin, read at any moment: the business time between two
    moments is the difference of their readings, what business_seconds_between gives, for a
    dictionary lookup and one day's intervals per moment (reports measure tens of thousands
    of durations at a time)."""

    def __init__(self, cal: BusinessCalendar) -> None:
        _require_hours(cal)
        self.cal = cal
        # quarter hour (UTC seconds // 900) -> (reading at its local day's midnight, that
        # day's working intervals as UTC seconds); local day -> reading at its midnight
        self._quarters: dict[int, tuple[float, tuple[tuple[float, float], ...]]] = {}
        self._midnights: dict[date, float] = {}

    def _midnight(self, day: date) -> float:
        """The reading at the local midnight that starts `day`: from the day before's (or
        after's) when known, a day's working time apart, else counted from the origin."""
        found = self._midnights.get(day)
        if found is not None:
            return found
        before, after = self._midnights.get(day - _DAY), self._midnights.get(day + _DAY)
        if before is not None:
            found = before + _day(self.cal, day - _DAY)[1].total_seconds()
        elif after is not None:
            found = after - _day(self.cal, day)[1].total_seconds()
        else:
            midnight = _wall_to_utc(self.cal, day, time.min)
            found = (business_seconds_between(self.cal, _ORIGIN, midnight)
                     if midnight >= _ORIGIN
                     else -business_seconds_between(self.cal, midnight, _ORIGIN))
        if len(self._midnights) >= _CLOCK_ENTRIES:
            self._midnights.clear()
        self._midnights[day] = found
        return found

    def _quarter(self, key: int) -> tuple[float, tuple[tuple[float, float], ...]]:
        if len(self._quarters) >= _CLOCK_ENTRIES:
            self._quarters.clear()
        day = datetime.fromtimestamp(key * _QUARTER, self.cal._tz).date()
        intervals = tuple((a.timestamp(), b.timestamp()) for a, b in _day(self.cal, day)[0])
        found = self._quarters[key] = (self._midnight(day), intervals)
        return found

    def __call__(self, moment: datetime) -> float:
        if moment.tzinfo is None:
            raise ValueError(f"moment must be timezone-aware, got naive {moment!r}")
        return self.at(moment.timestamp())

    def at(self, at: float) -> float:
        """The reading at a POSIX time (UTC seconds), as a database may give it."""
        key = int(at // _QUARTER)
        total, intervals = self._quarters.get(key) or self._quarter(key)
        for a, b in intervals:
            if a >= at:
                break
            total += (b if b < at else at) - a
        return total

    def between(self, start: datetime, end: datetime) -> float:
        """Working seconds in [start, end); 0.0 if end <= start (business_seconds_between)."""
        return max(self(end) - self(start), 0.0) if end > start else 0.0


_clocks: dict[BusinessCalendar, BusinessClock] = {}


def business_clock(cal: BusinessCalendar) -> BusinessClock:
    """The clock of a calendar, kept for the process (what it remembers stays true: a
    calendar never changes; an edited one is another calendar)."""
    clock = _clocks.get(cal)
    if clock is None:
        if len(_clocks) > 64:
            _clocks.clear()
        clock = _clocks[cal] = BusinessClock(cal)
    return clock
