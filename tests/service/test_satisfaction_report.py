"""The satisfaction and use report (issue 22) against a data set counted by hand.

The clock is frozen in November 2026; the default period runs from 1 December 2025 to today.

Ratings (by the requesters): Q1 5 "Briefing the minister" (10 Nov); Q2 3, nothing said
(12 Nov); Q5 4 "Training plan" (15 Nov) replaced by 2 "Training plan" (20 Nov); Q3 1 (its
response is retracted later: left out); Q4 4 "Old" (June 2025: outside the period).
  -> 3 ratings, average (5 + 3 + 2) / 3 = 3.33, distribution 1:0 2:1 3:1 4:0 5:1.
Feedback (readers): on Q1 M1 useful, M2 not useful + outdated, M3 useful; on Q2 M1 useful +
outdated; on Q3 M2 useful (retracted: left out); on Q2 M3 not useful in June 2025 (outside).
  -> useful 3, not useful 1, outdated 2.
Reads: Q1 three, Q5 one.
  -> by response: Q1 (3 reads, 1 rating of 5, 2 useful, 1 not, 1 outdated), Q5 (1 read,
     1 rating of 2), Q2 (0 reads, 1 rating of 3, 1 useful, 1 outdated); Q3 and Q4 not listed.
"""
import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from reachback.extensions import db
from reachback.reports import exports
from reachback.reports import services as rs
from reachback.reports.usage import record_view
from reachback.synthesis import feedback, lifecycle


def at(year, month, day):
    return datetime(year, month, day, 10, tzinfo=UTC)


@pytest.fixture
def data(app, clock, make_user, make_query):
    fac = make_user("facilitator")
    clock.set(at(2025, 5, 1))
    q = {n: make_query(status="published", facilitator=fac, title=f"Response {n}")
         for n in (1, 2, 3, 4, 5)}
    m1, m2, m3 = make_user(), make_user(), make_user()
    r = {n: q[n].response for n in q}

    def rate(n, score, used_for, when):
        clock.set(when)
        feedback.rate(q[n].requester, q[n], score, used_for)

    def say(reader, n, useful, outdated, when):
        clock.set(when)
        feedback.give_feedback(reader, r[n], useful, "", outdated)

    rate(4, 4, "Old", at(2025, 6, 1))
    say(m3, 2, False, False, at(2025, 6, 1))
    rate(1, 5, "Briefing the minister", at(2026, 11, 10))
    rate(2, 3, "", at(2026, 11, 12))
    rate(5, 4, "Training plan", at(2026, 11, 15))
    rate(5, 2, "Training plan", at(2026, 11, 20))
    rate(3, 1, "Nothing", at(2026, 11, 11))
    say(m1, 1, True, False, at(2026, 11, 13))
    say(m2, 1, False, True, at(2026, 11, 13))
    say(m3, 1, True, False, at(2026, 11, 14))
    say(m1, 2, True, True, at(2026, 11, 14))
    say(m2, 3, True, False, at(2026, 11, 14))
    lifecycle.retract(fac, q[3].reference, "Wrong figures")
    db.session.commit()
    clock.set(at(2026, 11, 23))
    with app.test_request_context():
        for _ in range(3):
            record_view(r[1])
        record_view(r[5])
        yield {"fac": fac, "q": q, "member": m1}


def test_the_summary_counts_ratings_and_feedback_of_the_period(data):
    summary = rs.report(data["fac"], "use", {}).extra["summary"]
    assert summary == {"ratings": 3, "average_score": 3.33,
                       "distribution": {"1": 0, "2": 1, "3": 1, "4": 0, "5": 1},
                       "useful": 3, "not_useful": 1, "outdated": 2}


def test_by_response_reads_ratings_and_feedback(data):
    q = data["q"]
    rows = rs.report(data["fac"], "use", {}).rows
    got = [(r["ref"], r["views"], r["ratings"], r["average_score"], r["useful"],
            r["not_useful"], r["outdated"]) for r in rows]
    assert got == [(q[1].reference, 3, 1, 5.0, 2, 1, 1),
                   (q[5].reference, 1, 1, 2.0, 0, 0, 0),
                   (q[2].reference, 0, 1, 3.0, 1, 0, 1)]


def test_by_score_is_the_distribution_and_used_for_lists_the_texts(data):
    q = data["q"]
    by_score = rs.report(data["fac"], "use", {"group_by": "score"}).rows
    assert [(r["key"], r["ratings"]) for r in by_score] == [(1, 0), (2, 1), (3, 1), (4, 0),
                                                            (5, 1)]
    texts = rs.report(data["fac"], "use", {"group_by": "used_for"}).rows
    assert [(r["ref"], r["score"], r["used_for"], r["rated_on"]) for r in texts] == [
        (q[5].reference, 2, "Training plan", "2026-11-20"),
        (q[1].reference, 5, "Briefing the minister", "2026-11-10")]


def test_a_period_takes_only_what_was_given_in_it(data):
    early = rs.report(data["fac"], "use", {"from": "2025-01-01", "to": "2025-12-31"})
    assert early.extra["summary"]["ratings"] == 1  # Q4's, in June 2025
    assert early.extra["summary"]["not_useful"] == 1 and early.extra["summary"]["useful"] == 0
    assert [r["ref"] for r in early.rows] == [data["q"][2].reference, data["q"][4].reference]


def test_members_may_not_see_it(data):
    from reachback.errors import Forbidden

    with pytest.raises(Forbidden):
        rs.report(data["member"], "use", {})


def test_the_exports_carry_the_ratings_and_feedback(data):
    q = data["q"]
    report = rs.report(data["fac"], "use", {})
    table = list(csv.reader(io.StringIO(exports.to_csv(report).decode("utf-8-sig"))))
    assert table[0] == ["Reference", "Title", "Reads", "Ratings", "Average rating", "Useful",
                        "Not useful", "Flagged outdated"]
    assert table[1] == [q[1].reference, "Response 1", "3", "1", "5.0", "2", "1", "1"]
    texts = rs.report(data["fac"], "use", {"group_by": "used_for"})
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(texts))).active
    rows = [row[:5] for row in sheet.iter_rows(min_row=exports.HEADER_ROWS + 1,
                                                values_only=True)]
    assert rows[0] == ("Reference", "Title", "Rating", "Used for", "Rated on")
    assert rows[1] == (q[5].reference, "Response 5", 2, "Training plan", "2026-11-20")
    totals = dict(load_workbook(io.BytesIO(exports.to_xlsx(report)))["Summary"].iter_rows(
        values_only=True))
    assert (totals["Ratings"], totals["Average rating"], totals["Rated 2"],
            totals["Useful"], totals["Not useful"], totals["Flagged outdated"]) == (
        3, 3.33, 1, 3, 1, 2)
