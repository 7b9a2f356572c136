"""The reports' monthly figures (reports.months): kept per month and per span of whole
months, they always equal a direct count: a change deletes the months it touches, in the
same transaction, and the next reading computes them again. The data set and its hand
counts are tests/service/test_reports.py's."""
import json
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from reachback.extensions import db
from reachback.queries import services as qs
from reachback.reports import months as rm
from reachback.reports import services as rs
from reachback.reports.models import ReportMonth
from reachback.reports.usage import record_search
from reachback.scheduler import find_job
from tests.service.test_reports import ask, at, data, in_request, rows_by  # noqa: F401 - the data set


def kept(report: str) -> set[str]:
    return set(db.session.scalars(select(ReportMonth.month).where(ReportMonth.report == report)))


def test_spans_split_a_period_into_whole_and_partial_months():
    today = date(2026, 11, 23)
    assert rm.spans(date(2026, 9, 15), date(2026, 11, 23), today) == [
        ("2026-09", date(2026, 9, 15), date(2026, 10, 1), False),
        ("2026-10", date(2026, 10, 1), date(2026, 11, 1), True),
        ("2026-11", date(2026, 11, 1), date(2026, 11, 24), True)]  # through today: whole
    assert rm.spans(date(2026, 10, 1), date(2026, 10, 30), today) == [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31), False)]


def test_durations_are_packed_exactly():
    values = [20.0, 1 / 3, 8.000001]
    assert list(rm.unpack(rm.pack(values))) == sorted(values)


def test_a_report_keeps_its_months_and_serves_them_again(data):  # noqa: F811
    first = rs.report(data["fac"], "demand", {})
    assert {"2026-10", "2026-11", "2025-12..2026-11"} <= kept("demand:month")
    assert first.extra["computed_at"] == datetime(2026, 11, 23, 9, tzinfo=UTC)
    # Served from the figures kept: a planted figure shows (they are read, not recounted).
    row = db.session.get(ReportMonth, ("demand:month", "2025-12..2026-11"))
    planted = json.loads(row.data)
    planted["merged"]["counts"][0] = [[k, 99 if k == "2026-10" else n]
                                      for k, n in planted["merged"]["counts"][0]]
    row.data = json.dumps(planted)
    db.session.commit()
    assert rows_by(rs.report(data["fac"], "demand", {}))["2026-10"]["queries"] == 99
    assert rs.report(data["fac"], "demand", {"to": "2026-11-22"}).rows == first.rows  # direct


def test_a_new_query_in_a_kept_month_is_counted_at_once(data, clock):  # noqa: F811
    before = rows_by(rs.report(data["fac"], "demand", {}))
    assert before["2026-10"]["queries"] == 1
    times = rows_by(rs.report(data["fac"], "response-times", {"group_by": "month"}))
    assert times["2026-10"]["queries"] == 1
    ask(clock, at(10, 20, 9), data["member"], "urgent", "KE", ["T01.1"])
    clock.set(at(11, 23, 9))
    after = rows_by(rs.report(data["fac"], "demand", {}))
    assert after["2026-10"]["queries"] == 2 and after["2026-11"]["queries"] == 2
    by_priority = rows_by(rs.report(data["fac"], "demand", {"group_by": "priority"}))
    assert by_priority["urgent"]["queries"] == 1
    times = rows_by(rs.report(data["fac"], "response-times", {"group_by": "month"}))
    assert times["2026-10"]["queries"] == 2


def test_a_late_decline_and_contribution_update_the_expert_load(data, clock):  # noqa: F811
    rows = rows_by(rs.report(data["fac"], "experts", {}), "expert")
    assert rows["Cy Expert"]["declines"] == 0 and rows["Cy Expert"]["contributions"] == 0
    invitation = next(a for a in data["q3"].assignments if a.expert_id == data["e3"].id)
    clock.set(at(11, 23, 10))
    qs.decline_assignment(data["e3"], invitation, "Travelling")
    db.session.commit()
    rows = rows_by(rs.report(data["fac"], "experts", {}), "expert")
    cy = rows["Cy Expert"]
    assert (cy["invitations"], cy["declines"], cy["open_assignments"]) == (1, 1, 0)
    assert cy["decline_reasons"] == ["Travelling"]


def test_a_changed_priority_moves_the_response_times(data):  # noqa: F811
    rows = rows_by(rs.report(data["fac"], "response-times", {}))
    assert rows["high"]["queries"] == 2 and rows["low"]["queries"] == 0
    data["q3"].priority = "low"  # asked in October, a month already kept
    db.session.commit()
    rows = rows_by(rs.report(data["fac"], "response-times", {}))
    assert rows["high"]["queries"] == 1 and rows["low"]["queries"] == 1


def test_a_partial_month_is_counted_directly_and_not_kept(data):  # noqa: F811
    rows = rows_by(rs.report(data["fac"], "demand", {"from": "2026-11-03"}))
    assert rows["2026-11"]["queries"] == 1  # Q2 of 6 November, not Q1 of the 2nd
    assert "2026-11" not in kept("demand:month")


def test_a_search_is_counted_in_kept_knowledge_gaps_at_once(data, in_request):  # noqa: F811
    record_search("ddr sudan", 0)
    assert [r["searches"] for r in rs.report(data["fac"], "search-gaps", {}).rows] == [1]
    assert "2026-11" in kept("search-gaps")
    record_search("DDR  Sudan", 0)
    assert [r["searches"] for r in rs.report(data["fac"], "search-gaps", {}).rows] == [2]


def test_the_job_computes_the_missing_months_and_the_current_one(data, clock):  # noqa: F811
    job = find_job("refresh_reports")
    assert job is not None
    computed = job.func()
    assert "month(s) computed" in computed
    assert {"2025-06", "2026-10", "2026-11"} <= kept("demand:theme")
    assert "2026-11" in kept("experts") and "2026-11" in kept("response-times:theme")
    stored = db.session.scalar(select(func.count()).select_from(ReportMonth))
    clock.set(at(11, 23, 12))
    rm.refresh()  # again: only the current month, recomputed
    assert db.session.scalar(select(func.count()).select_from(ReportMonth)) == stored
    assert db.session.scalar(select(ReportMonth.computed_at).where(
        ReportMonth.report == "experts", ReportMonth.month == "2026-11")) == at(11, 23, 12)
