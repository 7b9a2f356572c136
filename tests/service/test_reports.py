"""Each report's figures against a small data set counted by hand.

The default calendar works 09:00-17:00 UTC, Monday to Friday. The clock is frozen on Monday
23 November 2026; the default period is December 2025 to 23 November 2026.

Q1 (high, SS, web, themes T04.2 + T04.3, requester of Alpha): asked Mon 2 Nov 09:00,
   routed to E1 at 11:00 (triage 2 bh), E1 answers Tue 3 Nov 09:00 (8 bh after asking, 6 bh
   after the invitation), published Wed 4 Nov 13:00 (20 bh).
Q2 (normal, KE, api, T01.1, requester of Beta): asked Fri 6 Nov 16:00, clarification asked
   Mon 9 Nov 10:00 (triage 2 bh).
Q3 (high, SS, web, T01.1 + T04.2, requester of Alpha): asked Tue 13 Oct 09:00, routed at
   13:00 (4 bh) to E1, E2 and E3; E2 declines ("On leave"), E1 answers Wed 14 Oct 09:00 (8 bh
   after asking, 4 bh after the invitation); E3's invitation stays open.
Q0 (low, SS): asked in June 2025, outside the period.
"""
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from reachback.accounts.models import Theme
from reachback.errors import Forbidden, Invalid, NotFound
from reachback.extensions import db
from reachback.knowledge import library
from reachback.queries import services as qs
from reachback.reports import services as rs
from reachback.reports.services import p90
from reachback.reports.usage import normalise, record_search, record_view
from reachback.sla.calendar import BusinessCalendar, BusinessClock, business_seconds_between
from reachback.synthesis import services as ss


def at(month, day, hour):
    return datetime(2026, month, day, hour, tzinfo=UTC)


def slug(code):
    return db.session.scalar(select(Theme.slug).where(Theme.code == code))


def ask(clock, moment, requester, priority, country, codes, channel="web"):
    clock.set(moment)
    q = qs.submit_query(requester, {"title": f"Query of {moment:%d %b}", "question": "Q?",
                                    "country": country, "themes": [slug(c) for c in codes],
                                    "priority": priority}, channel=channel)
    db.session.commit()
    return q


@pytest.fixture
def data(app, clock, make_user):
    alpha = make_user("member", organisation="Alpha")
    beta = make_user("member", organisation="Beta")
    fac = make_user("facilitator")
    e1, e2, e3 = (make_user("expert", name=n) for n in ("Ana Expert", "Ben Expert", "Cy Expert"))

    q0 = ask(clock, datetime(2025, 6, 2, 9, tzinfo=UTC), alpha, "low", "SS", ["T04.2"])
    q3 = ask(clock, at(10, 13, 9), alpha, "high", "SS", ["T01.1", "T04.2"])
    clock.set(at(10, 13, 13))
    qs.assign_expert(fac, q3, e1)
    declined = qs.assign_expert(fac, q3, e2)
    qs.assign_expert(fac, q3, e3)
    clock.set(at(10, 13, 14))
    qs.decline_assignment(e2, declined, "On leave")
    clock.set(at(10, 14, 9))
    qs.add_contribution(e1, q3, "Advice.")
    db.session.commit()

    q1 = ask(clock, at(11, 2, 9), alpha, "high", "SS", ["T04.2", "T04.3"])
    clock.set(at(11, 2, 11))
    qs.assign_expert(fac, q1, e1)
    clock.set(at(11, 3, 9))
    qs.add_contribution(e1, q1, "Advice.")
    clock.set(at(11, 4, 12))
    ss.save_draft(fac, q1, "Vetting", "Sum", "Body")
    clock.set(at(11, 4, 13))
    ss.publish_response(fac, q1, "community")
    db.session.commit()

    q2 = ask(clock, at(11, 6, 16), beta, "normal", "KE", ["T01.1"], channel="api")
    clock.set(at(11, 9, 10))
    qs.ask_clarification(fac, q2, "Which district?")
    db.session.commit()

    clock.set(at(11, 10, 9))
    library.add_document(fac, {"title": "Guide", "kind": "guidance", "summary": "",
                               "date": "2026-11-01", "visibility": "community",
                               "themes": [slug("T04.1")], "countries": ["SS"]},
                         FileStorage(io.BytesIO(b"plan text"), "plan.txt"))
    db.session.commit()
    clock.set(at(11, 23, 9))
    return {"fac": fac, "member": alpha, "expert": e1, "q0": q0, "q1": q1, "q2": q2,
            "q3": q3, "e1": e1, "e2": e2, "e3": e3}


def rows_by(report, key="key"):
    return {row[key]: row for row in report.rows}


def test_demand_by_month_counts_queries_responses_and_documents(data):
    report = rs.report(data["fac"], "demand", {})
    assert (report.filters.start, report.filters.end) == (date(2025, 12, 1), date(2026, 11, 23))
    rows = rows_by(report)
    assert list(rows) == ["2025-12", *(f"2026-{m:02d}" for m in range(1, 12))]
    assert {k: r["queries"] for k, r in rows.items() if r["queries"]} == \
        {"2026-10": 1, "2026-11": 2}
    assert {k: r["responses"] for k, r in rows.items() if r["responses"]} == {"2026-11": 1}
    assert {k: r["documents"] for k, r in rows.items() if r["documents"]} == {"2026-11": 1}
    assert report.extra["totals"] == {"queries": 3, "responses": 1, "documents": 1}


@pytest.mark.parametrize("group_by, expected", [
    ("theme", {"T04": (2, 1, 1), "T01": (2, 0, 0)}),
    ("country", {"SS": (2, 1, 1), "KE": (1, 0, 0)}),
    ("organisation", {"Alpha": (2, 1, None), "Beta": (1, 0, None)}),
    ("priority", {"urgent": (0, 0, None), "high": (2, 1, None), "normal": (1, 0, None),
                  "low": (0, 0, None)}),
    ("channel", {"web": (2, 1, None), "email": (0, 0, None), "api": (1, 0, None)}),
])
def test_demand_by_each_grouping(data, group_by, expected):
    report = rs.report(data["fac"], "demand", {"group_by": group_by})
    codes = {slug(c): c for c in ("T01", "T04")}
    found = {codes.get(r["key"], r["key"]): (r["queries"], r["responses"], r["documents"])
             for r in report.rows}
    assert found == expected
    if group_by in ("priority", "channel"):  # in their own order, not by count
        assert [r["key"] for r in report.rows] == list(expected)


def test_demand_filters_by_theme_country_and_period(data):
    t04 = rs.report(data["fac"], "demand", {"group_by": "country", "theme": slug("T04")})
    assert {r["key"]: r["queries"] for r in t04.rows} == {"SS": 2}
    ke = rs.report(data["fac"], "demand", {"group_by": "priority", "country": "ke"})
    assert {r["key"]: r["queries"] for r in ke.rows if r["queries"]} == {"normal": 1}
    october = rs.report(data["fac"], "demand", {"from": "2026-10-01", "to": "2026-10-31"})
    assert [(r["key"], r["queries"]) for r in october.rows] == [("2026-10", 1)]
    old = rs.report(data["fac"], "demand", {"from": "2025-01-01", "to": "2025-12-31",
                                            "group_by": "priority"})
    assert {r["key"]: r["queries"] for r in old.rows if r["queries"]} == {"low": 1}


def test_response_times_by_priority_beside_the_targets(data):
    rows = rows_by(rs.report(data["fac"], "response-times", {}))
    high, normal = rows["high"], rows["normal"]
    assert high["queries"] == 2
    assert (high["triage_median_hours"], high["triage_p90_hours"]) == (3.0, 4.0)
    assert (high["contribution_median_hours"], high["contribution_p90_hours"]) == (8.0, 8.0)
    assert (high["publication_median_hours"], high["publication_p90_hours"]) == (20.0, 20.0)
    assert (high["triage_target_hours"], high["answer_target_hours"],
            high["resolution_target_hours"]) == (8, 24, 56)
    assert normal["queries"] == 1 and normal["triage_median_hours"] == 2.0
    assert normal["contribution_median_hours"] is None
    assert normal["publication_median_hours"] is None
    assert rows["urgent"]["queries"] == 0 and rows["urgent"]["triage_median_hours"] is None


def test_response_times_by_theme_and_month_and_the_distribution(data):
    report = rs.report(data["fac"], "response-times", {"group_by": "theme"})
    rows = rows_by(report)
    t01, t04 = rows[slug("T01")], rows[slug("T04")]
    assert t04["queries"] == 2 and t04["triage_median_hours"] == 3.0
    assert t04["publication_median_hours"] == 20.0
    assert t01["queries"] == 2 and (t01["triage_median_hours"], t01["triage_p90_hours"]) == \
        (3.0, 4.0)
    assert t01["contribution_median_hours"] == 8.0 and t01["publication_median_hours"] is None
    assert t01["triage_target_hours"] is None
    counts = [b["count"] for b in report.extra["distribution"]]
    assert counts == [0, 1, 0, 0, 0, 0]  # 20 business hours: one to three days
    months = rows_by(rs.report(data["fac"], "response-times", {"group_by": "month"}))
    assert months["2026-10"]["queries"] == 1 and months["2026-10"]["triage_median_hours"] == 4.0
    assert months["2026-11"]["queries"] == 2 and months["2026-11"]["triage_median_hours"] == 2.0


def test_expert_load(data):
    rows = rows_by(rs.report(data["fac"], "experts", {}), "expert")
    ana, ben, cy = rows["Ana Expert"], rows["Ben Expert"], rows["Cy Expert"]
    assert (ana["invitations"], ana["acceptances"], ana["declines"], ana["contributions"],
            ana["open_assignments"]) == (2, 2, 0, 2, 0)
    assert ana["median_answer_hours"] == 5.0  # 6 and 4 business hours
    assert (ben["invitations"], ben["acceptances"], ben["declines"]) == (1, 0, 1)
    assert ben["decline_reasons"] == ["On leave"] and ben["median_answer_hours"] is None
    assert (cy["invitations"], cy["open_assignments"], cy["contributions"]) == (1, 1, 0)
    november = rows_by(rs.report(data["fac"], "experts", {"from": "2026-11-01"}), "expert")
    assert (november["Ana Expert"]["invitations"], november["Ana Expert"]["contributions"],
            november["Ana Expert"]["median_answer_hours"]) == (1, 1, 6.0)
    assert november["Ben Expert"]["declines"] == 0
    assert november["Cy Expert"]["open_assignments"] == 1  # open now, whatever the period


@pytest.fixture
def in_request(app):
    """The rows carry links (url_for), as when a page or the API asks."""
    with app.test_request_context():
        yield


def test_search_gaps_and_frequent_terms(data, clock, in_request):
    for text, found in (("Police  Vetting", 0), ("police vetting", 3), ("DDR Sudan", 0),
                        ("ddr sudan", 0), ("elections", 5), ("Elections", 5),
                        ("elections ", 7), ("", 0)):
        record_search(text, found)
    report = rs.report(data["fac"], "search-gaps", {})
    assert [(r["term"], r["searches"], r["empty_searches"], r["results"])
            for r in report.rows] == [("ddr sudan", 2, 2, 0)]
    assert report.rows[0]["commission_url"] == "/queries/new?title=ddr+sudan"
    assert [(r["term"], r["searches"], r["results"]) for r in report.extra["frequent"]] == \
        [("elections", 3, 7), ("ddr sudan", 2, 0), ("police vetting", 2, 3)]
    months = rows_by(rs.report(data["fac"], "search-gaps", {"group_by": "month"}))
    assert (months["2026-11"]["searches"], months["2026-11"]["empty_searches"]) == (7, 3)
    assert months["2026-10"]["searches"] == 0
    earlier = rs.report(data["fac"], "search-gaps", {"to": "2026-11-22"})
    assert earlier.rows == [] and earlier.extra["frequent"] == []


def test_most_read_counts_views_per_response(data, in_request):
    response = data["q1"].response
    for _ in range(3):
        record_view(response)
    rows = rs.report(data["fac"], "use", {}).rows
    assert [(r["ref"], r["views"]) for r in rows] == [(data["q1"].reference, 3)]


def test_a_channel_is_recorded_per_query(data):
    assert (data["q1"].channel, data["q2"].channel) == ("web", "api")


@pytest.mark.parametrize("args, field", [
    ({"from": "2026-13-01"}, "from"), ({"to": "yesterday"}, "to"),
    ({"from": "2026-11-02", "to": "2026-11-01"}, "to"), ({"group_by": "colour"}, "group_by"),
    ({"theme": "no-such-theme"}, "theme"), ({"country": "XX"}, "country"),
    ({"from": "1990-01-01", "to": "2026-01-01"}, "from"),
])
def test_bad_filters_are_refused_by_name(data, args, field):
    with pytest.raises(Invalid) as error:
        rs.report(data["fac"], "demand", args)
    assert field in error.value.fields


def test_only_staff_see_reports_and_an_unknown_report_is_not_found(data):
    for who in ("member", "expert"):
        with pytest.raises(Forbidden):
            rs.report(data[who], "demand", {})
    with pytest.raises(NotFound):
        rs.report(data["fac"], "no-such-report", {})


def test_p90_takes_the_nearest_rank():
    assert p90([]) is None
    assert p90([5.0]) == 5.0
    assert p90(list(range(1, 11))) == 9
    assert p90(list(range(1, 12))) == 10


def test_normalised_terms():
    assert normalise("  Police\tVETTING  ") == "police vetting"
    assert len(normalise("x" * 500)) == 100


def test_the_business_clock_agrees_with_business_seconds_between():
    import random

    cal = BusinessCalendar.from_spec("x", "Europe/Paris", "0,1,2,3,4",
                                     "09:00-12:30,13:30-17:00", [date(2026, 4, 6)])
    clock, rng = BusinessClock(cal), random.Random(7)
    for _ in range(2000):
        start = datetime(1999, 1, 1, tzinfo=UTC).timestamp() + rng.random() * 9e8
        a = datetime.fromtimestamp(start, UTC)
        b = datetime.fromtimestamp(start + rng.random() * 5e6, UTC)
        assert clock.between(a, b) == pytest.approx(business_seconds_between(cal, a, b),
                                                    abs=1e-3)
    assert clock.between(b, a) == 0.0


def test_the_business_clock_steps_from_day_to_day_across_clock_changes_and_holidays():
    """Days read in a row take their reading from the neighbour's (sla.calendar's
    BusinessClock._midnight): still what business_seconds_between counts."""
    from datetime import timedelta

    cal = BusinessCalendar.from_spec("y", "America/New_York", "0,1,2,3,4,5",
                                     "08:00-12:00,13:00-18:30", [date(2026, 7, 3)])
    origin = datetime(2026, 1, 1, 3, tzinfo=UTC)
    moments = [origin + timedelta(hours=7 * i) for i in range(1300)]  # a year
    for order in (moments, moments[::-1]):  # forwards, then backwards with a new clock
        clock = BusinessClock(cal)
        for moment in order:
            assert clock.between(origin, moment) == pytest.approx(
                business_seconds_between(cal, origin, moment), abs=1e-3)
