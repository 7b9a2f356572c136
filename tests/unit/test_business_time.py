"""Business-time arithmetic: due dates over working hours, holidays and DST changes."""

import pickle
import time as stopwatch
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reachback.sla.calendar import (
    BusinessCalendar,
    add_business_time,
    business_seconds_between,
    closing_time_on_or_before,
    next_opening,
)

H = 3600
NY, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")

DEFAULT = BusinessCalendar()  # Mon-Fri 09:00-17:00 UTC
LUNCH = BusinessCalendar.from_spec("Lunch", "UTC", "0,1,2,3,4", "09:00-12:30,13:30-17:00")
EASTER_2026 = {date(2026, 4, 3), date(2026, 4, 6)}
BERLIN_CAL = BusinessCalendar.from_spec(
    "Berlin", "Europe/Berlin", "0,1,2,3,4", "09:00-12:30,13:30-17:00",
    holidays=EASTER_2026 | {date(y, m, d) for y in range(2025, 2029) for m, d in ((1, 1), (5, 1), (10, 3), (12, 25), (12, 26))},
)
NY_CAL = BusinessCalendar.from_spec("New York", "America/New_York", [0, 1, 2, 3, 4], "08:30-17:30")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def add(cal, start, hours):
    return add_business_time(cal, start, hours * H)


# --- the basics on Mon-Fri 09:00-17:00 UTC (2026-03-02 is a Monday) ---------------------------


def test_eight_hours_from_monday_opening_is_due_at_monday_closing_not_tuesday_morning():
    assert add(DEFAULT, utc(2026, 3, 2, 9), 8) == utc(2026, 3, 2, 17)


def test_one_more_second_after_a_full_day_rolls_to_next_morning():
    assert add_business_time(DEFAULT, utc(2026, 3, 2, 9), 8 * H + 1) == utc(2026, 3, 3, 9, 0, 1)


def test_two_hours_from_friday_16_skips_the_weekend_to_monday_10():
    assert add(DEFAULT, utc(2026, 3, 6, 16), 2) == utc(2026, 3, 9, 10)


def test_start_on_saturday_counts_from_monday_opening():
    assert add(DEFAULT, utc(2026, 3, 7, 11, 30), 3) == utc(2026, 3, 9, 12)


def test_start_before_opening_counts_from_opening():
    assert add(DEFAULT, utc(2026, 3, 3, 6), 1) == utc(2026, 3, 3, 10)


def test_start_after_closing_counts_from_next_opening():
    assert add(DEFAULT, utc(2026, 3, 3, 20), 1) == utc(2026, 3, 4, 10)


def test_zero_seconds_inside_working_time_returns_start_itself():
    assert add(DEFAULT, utc(2026, 3, 3, 11, 15), 0) == utc(2026, 3, 3, 11, 15)


def test_zero_seconds_at_the_closing_instant_returns_that_instant():
    assert add(DEFAULT, utc(2026, 3, 3, 17), 0) == utc(2026, 3, 3, 17)


def test_zero_seconds_outside_working_time_returns_next_opening():
    assert add(DEFAULT, utc(2026, 3, 7, 12), 0) == utc(2026, 3, 9, 9)


def test_result_is_utc_whatever_the_start_timezone():
    start = datetime(2026, 3, 2, 18, tzinfo=ZoneInfo("Asia/Tokyo"))  # 09:00 UTC
    due = add(DEFAULT, start, 1)
    assert due == utc(2026, 3, 2, 10) and due.tzinfo is UTC


def test_holidays_are_skipped():
    cal = BusinessCalendar(holidays=frozenset({date(2026, 3, 9), date(2026, 3, 10)}))
    assert add(cal, utc(2026, 3, 6, 16), 2) == utc(2026, 3, 11, 10)
    assert business_seconds_between(cal, utc(2026, 3, 6), utc(2026, 3, 12)) == 16 * H


def test_lunch_break_is_not_counted():
    assert add(LUNCH, utc(2026, 3, 2, 12), 1) == utc(2026, 3, 2, 14)
    assert add(LUNCH, utc(2026, 3, 2, 9), 3.5) == utc(2026, 3, 2, 12, 30)
    assert add(LUNCH, utc(2026, 3, 2, 12, 45), 0) == utc(2026, 3, 2, 13, 30)
    assert business_seconds_between(LUNCH, utc(2026, 3, 2), utc(2026, 3, 3)) == 7 * H


def test_160_business_hours_is_four_working_weeks():
    assert add(DEFAULT, utc(2026, 3, 2, 9), 160) == utc(2026, 3, 27, 17)


def test_seconds_between_counts_half_open_range_and_is_zero_when_reversed():
    assert business_seconds_between(DEFAULT, utc(2026, 3, 6, 16), utc(2026, 3, 9, 10)) == 2 * H
    assert business_seconds_between(DEFAULT, utc(2026, 3, 9, 10), utc(2026, 3, 6, 16)) == 0
    assert business_seconds_between(DEFAULT, utc(2026, 3, 7), utc(2026, 3, 8)) == 0


def test_next_opening_inside_at_closing_and_on_weekend():
    assert next_opening(DEFAULT, utc(2026, 3, 3, 10)) == utc(2026, 3, 3, 10)
    assert next_opening(DEFAULT, utc(2026, 3, 3, 17)) == utc(2026, 3, 4, 9)
    assert next_opening(DEFAULT, utc(2026, 3, 7, 10)) == utc(2026, 3, 9, 9)


# --- daylight-saving changes -------------------------------------------------------------------

NIGHT_SHIFT = {tz: BusinessCalendar.from_spec(tz, tz, "0,1,2,3,4,5,6", "00:00-06:00")
               for tz in ("America/New_York", "Europe/Berlin")}


@pytest.mark.parametrize(("tz", "day", "real_hours"), [
    ("America/New_York", date(2026, 3, 8), 5),   # spring forward: 02:00 -> 03:00
    ("America/New_York", date(2026, 3, 7), 6),
    ("America/New_York", date(2026, 11, 1), 7),  # fall back: 02:00 -> 01:00
    ("Europe/Berlin", date(2026, 3, 29), 5),
    ("Europe/Berlin", date(2026, 3, 30), 6),
    ("Europe/Berlin", date(2026, 10, 25), 7),
])
def test_interval_spanning_a_dst_change_has_its_real_elapsed_length(tz, day, real_hours):
    cal, zone = NIGHT_SHIFT[tz], ZoneInfo(tz)
    midnight = datetime.combine(day, time(0), zone)
    six = datetime.combine(day, time(6), zone).astimezone(UTC)
    assert business_seconds_between(cal, midnight, midnight + timedelta(days=1)) == real_hours * H
    assert add(cal, midnight, real_hours) == six  # the 00:00-06:00 shift is used up exactly at 06:00
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    assert add(cal, midnight, real_hours + 1) == next_midnight + timedelta(hours=1)


@pytest.mark.parametrize(("zone", "friday", "monday_10_utc"), [
    (NY, date(2026, 3, 6), utc(2026, 3, 9, 14)),        # EST Friday, EDT Monday
    (NY, date(2026, 10, 30), utc(2026, 11, 2, 15)),     # EDT Friday, EST Monday
    (BERLIN, date(2026, 3, 27), utc(2026, 3, 30, 8)),   # CET Friday, CEST Monday
    (BERLIN, date(2026, 10, 23), utc(2026, 10, 26, 9)),  # CEST Friday, CET Monday
])
def test_weekend_rollover_across_a_dst_change_keeps_wall_clock_opening_hours(zone, friday, monday_10_utc):
    cal = BusinessCalendar(timezone=zone.key)
    assert add(cal, datetime.combine(friday, time(16), zone), 2) == monday_10_utc


def test_new_york_week_of_spring_forward_still_has_five_full_days():
    start = datetime(2026, 3, 9, 8, 30, tzinfo=NY)
    assert add(NY_CAL, datetime(2026, 3, 6, 17, 30, tzinfo=NY), 45) == datetime(2026, 3, 13, 17, 30, tzinfo=NY)
    assert business_seconds_between(NY_CAL, start - timedelta(days=2), start + timedelta(days=5)) == 45 * H


def test_always_open_calendar_equals_plain_timedelta_even_across_dst():
    for tz in ("UTC", "Europe/Berlin", "America/New_York"):
        cal = BusinessCalendar.always_open(timezone=tz)
        for start in (utc(2026, 3, 28, 22, 17, 3), datetime(2026, 10, 31, 23, 59, 59, 999999, tzinfo=NY)):
            for seconds in (0, 1, 0.25, 3 * H, 26 * H, 160 * H + 0.123456, 9_999_999):
                # astimezone first: aware + timedelta adds wall-clock time in start's own zone
                assert add_business_time(cal, start, seconds) == start.astimezone(UTC) + timedelta(seconds=seconds)


def test_from_spec_accepts_24_00_as_end_of_day():
    cal = BusinessCalendar.from_spec("late", "UTC", "0", "18:00-24:00")
    assert add(cal, utc(2026, 3, 2, 18), 6) == utc(2026, 3, 3)
    assert closing_time_on_or_before(cal, date(2026, 3, 4)) == utc(2026, 3, 3)


# --- closing times -----------------------------------------------------------------------------


def test_closing_time_on_a_working_day_is_that_days_closing():
    assert closing_time_on_or_before(DEFAULT, date(2026, 3, 4)) == utc(2026, 3, 4, 17)


def test_closing_time_on_a_saturday_is_fridays_closing():
    assert closing_time_on_or_before(DEFAULT, date(2026, 3, 7)) == utc(2026, 3, 6, 17)


def test_closing_time_on_a_holiday_monday_is_the_fridays_before():
    assert closing_time_on_or_before(BERLIN_CAL, date(2026, 4, 6)) == utc(2026, 4, 2, 15)  # Easter: Fri+Mon off


def test_closing_time_is_local_wall_clock_converted_to_utc():
    assert closing_time_on_or_before(BERLIN_CAL, date(2026, 3, 27)) == utc(2026, 3, 27, 16)  # CET
    assert closing_time_on_or_before(BERLIN_CAL, date(2026, 3, 30)) == utc(2026, 3, 30, 15)  # CEST


# --- bad input ---------------------------------------------------------------------------------


def test_naive_datetimes_raise():
    naive = datetime(2026, 3, 2, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(DEFAULT, naive, 60)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_seconds_between(DEFAULT, utc(2026, 3, 2), naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_opening(DEFAULT, naive)


def test_calendar_without_working_time_raises_instead_of_looping():
    for empty in (BusinessCalendar(hours={}), BusinessCalendar(hours={0: ()})):
        with pytest.raises(ValueError, match="no working hours"):
            add_business_time(empty, utc(2026, 3, 2), 60)
        with pytest.raises(ValueError, match="no working hours"):
            next_opening(empty, utc(2026, 3, 2))
        with pytest.raises(ValueError, match="no working hours"):
            closing_time_on_or_before(empty, date(2026, 3, 2))
        with pytest.raises(ValueError, match="no working hours"):
            business_seconds_between(empty, utc(2026, 3, 2), utc(2026, 3, 3))


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf")])
def test_negative_or_non_finite_seconds_raise(seconds):
    with pytest.raises(ValueError, match="seconds"):
        add_business_time(DEFAULT, utc(2026, 3, 2), seconds)


@pytest.mark.parametrize(("tz", "days", "intervals", "message"), [
    ("Mars/Olympus_Mons", "0", "09:00-17:00", "unknown timezone"),
    ("UTC", "0", "17:00-09:00", "does not end after"),
    ("UTC", "0", "09:00-09:00", "does not end after"),
    ("UTC", "0", "09:00-13:00,12:00-17:00", "overlaps"),
    ("UTC", "0", "9 to 5", "09:00-17:00"),
    ("UTC", "0", "09:00-25:00", "09:30"),
    ("UTC", "0", " ", "working interval"),
    ("UTC", "mon,tue", "09:00-17:00", "weekday numbers"),
    ("UTC", "", "09:00-17:00", "working day"),
    ("UTC", [7], "09:00-17:00", "0 \\(Monday\\) to 6"),
])
def test_from_spec_rejects_bad_input_with_a_clear_message(tz, days, intervals, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_spec("bad", tz, days, intervals)


def test_from_spec_sorts_intervals_and_allows_adjacent_ones():
    cal = BusinessCalendar.from_spec("x", "UTC", [0], "13:00-17:00, 09:00-13:00")
    assert cal.hours[0] == ((time(9), time(13)), (time(13), time(17)))
    assert add(cal, utc(2026, 3, 2, 9), 8) == utc(2026, 3, 2, 17)


def test_calendar_keeps_its_own_copy_of_hours_and_is_hashable_and_picklable():
    hours = {0: [(time(9), time(17))]}
    cal = BusinessCalendar(hours=hours)
    hours[1] = [(time(9), time(17))]
    assert 1 not in cal.hours
    assert {cal: 1}[BusinessCalendar(hours={0: ((time(9), time(17)),)})] == 1
    add(cal, utc(2026, 3, 2), 1)  # fill the per-day cache before pickling
    assert pickle.loads(pickle.dumps(cal)) == cal  # noqa: S301 - our own bytes


# --- properties --------------------------------------------------------------------------------

PROPERTY = settings(max_examples=200, deadline=None)
starts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([UTC, BERLIN, NY, ZoneInfo("Asia/Kolkata")]),
)
# Whole microseconds (as float seconds): every amount is exactly representable by timedelta.
amounts = st.integers(0, 400 * H * 10**6).map(lambda us: us / 10**6)
calendars = st.sampled_from([DEFAULT, BERLIN_CAL, NY_CAL])


@PROPERTY
@given(cal=calendars, start=starts, seconds=st.one_of(amounts, st.floats(0, 400 * H)))
def test_property_seconds_between_start_and_due_time_is_the_amount_added(cal, start, seconds):
    due = add_business_time(cal, start, seconds)
    assert abs(business_seconds_between(cal, start, due) - seconds) <= 1e-6


@PROPERTY
@given(cal=calendars, start=starts, s1=amounts, s2=amounts)
def test_property_more_seconds_never_give_an_earlier_due_time(cal, start, s1, s2):
    s1, s2 = sorted((s1, s2))
    assert add_business_time(cal, start, s1) <= add_business_time(cal, start, s2)


@PROPERTY
@given(cal=calendars, start=starts, a=amounts.filter(bool), b=amounts)
def test_property_adding_in_two_steps_equals_adding_the_sum(cal, start, a, b):
    assert add_business_time(cal, add_business_time(cal, start, a), b) == add_business_time(cal, start, a + b)


@PROPERTY
@given(start=starts, seconds=st.one_of(amounts, st.floats(0, 400 * H)))
def test_property_always_open_calendar_is_plain_timedelta(start, seconds):
    cal = BusinessCalendar.always_open(timezone="Europe/Berlin")
    due = add_business_time(cal, start, seconds)
    assert due == start.astimezone(UTC) + timedelta(seconds=seconds)
    assert business_seconds_between(cal, start, due) == (due - start.astimezone(UTC)).total_seconds()


# --- performance -------------------------------------------------------------------------------


@pytest.mark.parametrize("cal", [DEFAULT, BERLIN_CAL], ids=["default", "berlin-with-holidays"])
def test_ten_thousand_160_hour_additions_take_under_a_second(cal):
    base = utc(2026, 12, 1, 7)  # runs over Christmas and New Year holidays for Berlin
    began = stopwatch.process_time()  # this process's CPU time: other loads do not count
    for i in range(10_000):
        add_business_time(cal, base + timedelta(minutes=i), 160 * H)
    assert stopwatch.process_time() - began < 1.0


# --- the fast path against a day-by-day walk ---------------------------------------------------
# The arithmetic skips runs of ordinary days (no holiday, no change of UTC offset) in one step.
# This reference walks every local day, as the arithmetic did before, and must agree with it
# on any calendar: zones with changes at 02:00, at midnight (Santiago, Beirut, Havana), by 30
# minutes (Lord Howe), at 02:45 (Chatham), two changes a week apart (Gaza, in the 2040s) or none.

DST_ZONES = ["UTC", "Asia/Kolkata", "Europe/Berlin", "America/New_York", "Australia/Sydney",
             "Australia/Lord_Howe", "America/Santiago", "Asia/Beirut", "America/Havana",
             "Pacific/Chatham", "Asia/Gaza", "Africa/Casablanca", "America/Sao_Paulo"]


def _reference_day(cal, day):
    zone, out = ZoneInfo(cal.timezone), []
    if day in cal.holidays:
        return out
    for start, end in cal.hours.get(day.weekday(), ()):
        a, b = (datetime.combine(day + timedelta(days=wall == time.max), time.min if wall == time.max
                                 else wall, zone).astimezone(UTC) for wall in (start, end))
        a = max(a, out[-1][1]) if out else a
        if a < b:
            out.append((a, b))
    return out


def reference_add(cal, start, seconds):
    moment, remaining = start.astimezone(UTC), timedelta(seconds=seconds)
    day = moment.astimezone(ZoneInfo(cal.timezone)).date() - timedelta(days=1)
    while True:
        for a, b in _reference_day(cal, day):
            if b >= moment:
                a = max(a, moment)
                if remaining <= b - a:
                    return a + remaining
                remaining -= b - a
        day += timedelta(days=1)


def reference_between(cal, start, end):
    lo, hi, total = start.astimezone(UTC), end.astimezone(UTC), timedelta(0)
    day = lo.astimezone(ZoneInfo(cal.timezone)).date() - timedelta(days=1)
    while hi > lo:
        intervals = _reference_day(cal, day)
        if intervals and intervals[0][0] >= hi:
            break
        total += sum((max(min(b, hi) - max(a, lo), timedelta(0)) for a, b in intervals), timedelta(0))
        day += timedelta(days=1)
    return total.total_seconds()


def _intervals(quarters):
    """Sorted distinct quarter-hours 0..96 paired into intervals; 96 is 24:00."""
    walls = [time.max if q == 96 else time(q // 4, q % 4 * 15) for q in sorted(quarters)]
    return tuple(zip(walls[::2], walls[1::2], strict=False))


@st.composite
def scenarios(draw):
    """A random calendar, a start between 1995 and 2075 and an end up to three years later."""
    zone = draw(st.sampled_from(DST_ZONES))
    days = st.lists(st.integers(0, 96), unique=True, min_size=2, max_size=6).map(_intervals)
    hours = draw(st.dictionaries(st.integers(0, 6), days, min_size=1)
                 | days.map(lambda intervals: dict.fromkeys(range(7), intervals)))
    start = draw(st.datetimes(datetime(1995, 1, 1), datetime(2075, 1, 1), timezones=st.just(UTC)))
    end = start + draw(st.timedeltas(timedelta(0), timedelta(days=3 * 366)))
    offsets = st.frozensets(st.integers(-3, (end - start).days + 3), max_size=40)
    holidays = frozenset(start.date() + timedelta(days=n) for n in draw(offsets))
    return BusinessCalendar("random", zone, hours, holidays), start, end


WALK = settings(max_examples=150, deadline=None, derandomize=True)


@WALK
@given(scenario=scenarios())
def test_property_seconds_between_equals_the_day_by_day_walk(scenario):
    cal, start, end = scenario
    assert business_seconds_between(cal, start, end) == reference_between(cal, start, end)


@WALK
@given(scenario=scenarios(), share=st.sampled_from([0, 1]) | st.floats(0, 1))
def test_property_due_time_equals_the_day_by_day_walk(scenario, share):
    cal, start, end = scenario
    seconds = round(reference_between(cal, start, end) * share, 6)
    assert add_business_time(cal, start, seconds) == reference_add(cal, start, seconds)


def test_due_time_five_years_on_and_back_takes_well_under_a_second():
    """The far edge of the window a user may give (reachback.timebounds): a fresh calendar, so
    nothing is cached."""
    cal = BusinessCalendar.from_spec("far", "Europe/Berlin", "0,1,2,3,4", "09:00-17:00",
                                     holidays=BERLIN_CAL.holidays)
    start, far = utc(2026, 11, 23, 9), utc(2031, 11, 22, 23, 59)
    began = stopwatch.process_time()
    seconds = business_seconds_between(cal, start, far)
    assert add_business_time(cal, start, seconds) == utc(2031, 11, 21, 16)  # Friday 17:00 CET
    assert stopwatch.process_time() - began < 1.0  # a guard; the cost is counted below


def test_a_long_span_costs_its_holidays_and_offset_changes_not_its_days(monkeypatch):
    """Two centuries are ~73,000 days; only holidays and days with an offset change (two a
    year in Berlin) are worked out one by one."""
    import reachback.sla.calendar as arithmetic

    calls = []
    day = arithmetic._day
    monkeypatch.setattr(arithmetic, "_day", lambda cal, d: calls.append(d) or day(cal, d))
    cal = BusinessCalendar.from_spec("far", "Europe/Berlin", "0,1,2,3,4", "09:00-17:00",
                                     holidays=BERLIN_CAL.holidays)
    seconds = business_seconds_between(cal, utc(2026, 1, 1), utc(2226, 1, 1))
    assert add_business_time(cal, utc(2026, 1, 1), seconds) == utc(2225, 12, 30, 16)  # a Friday
    assert len(calls) < 10 * 200
