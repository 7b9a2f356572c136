"""The SLA dashboard's compliance figures from the job's daily aggregates (sla.compliance)
equal a direct count over the targets (the dashboard's former query, kept here as the
reference), before the job ran, after it ran, and after changes the job has not counted yet."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import and_, case, func, or_, select

from reachback.accounts.models import Theme
from reachback.extensions import db
from reachback.queries import services as qs
from reachback.queries.models import Assignment, FieldQuery, query_themes
from reachback.sla import compliance as aggregates
from reachback.sla import services as sla
from reachback.sla.jobs import evaluate_sla_targets
from reachback.sla.models import SlaComplianceDay, SlaComplianceDirty

NOW = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)  # the clock fixture's Monday, afternoon
DAY = timedelta(days=1)
H = timedelta(hours=1)
PERIODS = (30, 90)


def reference(now):
    """The dashboard's former direct count (before the aggregates), as it was written:
    {(group, key, days, target): (met, decided)}."""
    starts = {days: now - timedelta(days=days) for days in PERIODS}
    widest = min(starts.values())
    top = func.coalesce(Theme.parent_id, Theme.id)
    query_top_theme = (select(query_themes.c.query_id.label("query_id"), top.label("theme_id"))
                       .join(Theme, Theme.id == query_themes.c.theme_id).distinct().subquery())
    groups = {"by_priority": FieldQuery.priority, "by_theme": query_top_theme.c.theme_id}
    found = {}
    for target in ("triage", "answer", "resolution"):
        if target == "answer":
            due, met = Assignment.due_at, Assignment.answered_at
        else:
            due = getattr(FieldQuery, f"{target}_due_at")
            met = getattr(FieldQuery, f"{target}_met_at")
        for name, key in groups.items():
            sums = []
            for since in starts.values():
                decided = or_(and_(met.isnot(None), met >= since, met <= now),
                              and_(met.is_(None), due >= since, due <= now))
                sums += [func.sum(case((and_(decided, met <= due), 1), else_=0)),
                         func.sum(case((decided, 1), else_=0))]
            if target == "answer":
                stmt = (select(key, *sums).select_from(Assignment)
                        .join(FieldQuery, Assignment.query_id == FieldQuery.id)
                        .where(Assignment.status.in_(sla.COUNTED_ASSIGNMENT)))
            else:
                stmt = select(key, *sums).select_from(FieldQuery)
            stmt = stmt.where(due.isnot(None), or_(met >= widest,
                                                   and_(met.is_(None), due >= widest)))
            if name == "by_theme":
                stmt = stmt.join(query_top_theme, query_top_theme.c.query_id == FieldQuery.id)
            for row in db.session.execute(stmt.group_by(key)):
                for i, days in enumerate(PERIODS):
                    found[(name, row[0], days, target)] = (int(row[1 + 2 * i] or 0),
                                                           int(row[2 + 2 * i] or 0))
    return found


def shown(now):
    """What the dashboard shows, in the reference's shape (priorities with nothing decided
    are listed by the dashboard but absent from the reference's rows)."""
    data = sla.compliance(now, PERIODS)
    out = {}
    for name, rows in data.items():
        for row in rows:
            for days in PERIODS:
                for target in ("triage", "answer", "resolution"):
                    rate = row["rates"][days][target]
                    out[(name, row["key"], days, target)] = (rate.met, rate.total)
    return out


def assert_same(now):
    expected = reference(now)
    got = shown(now)
    themes = {key for (name, key, _d, _t) in expected if name == "by_theme"}
    assert {key for (name, key, _d, _t) in got if name == "by_theme"} == themes
    for key, value in got.items():
        assert expected.get(key, (0, 0)) == value, key
    for key, value in expected.items():
        assert got[key] == value, key
    return got


@pytest.fixture
def data(app, clock, make_user):
    """Queries over the last 100 days, set by hand: targets met on time, met late, missed by
    expiry (never met, due passed), still running; a query under two themes of one top
    theme; answers given, late, expired and declined."""
    member, staff = make_user(), make_user("facilitator")
    expert = make_user("expert")
    parent_id = db.session.scalar(
        select(Theme.parent_id).where(Theme.parent_id.isnot(None))
        .group_by(Theme.parent_id).having(func.count() >= 2).limit(1))
    siblings = list(db.session.scalars(select(Theme.slug).where(Theme.parent_id == parent_id)
                                       .order_by(Theme.id).limit(2)))
    other = db.session.scalar(select(Theme.slug).where(Theme.parent_id != parent_id)
                              .order_by(Theme.id).limit(1))
    made = []
    plans = [  # (days before NOW, priority, themes, triage, resolution, answer)
        (95, "low", [other], "on_time", "late", None),  # older than both periods
        (89.6, "normal", siblings, "on_time", "on_time", "answered"),
        (60, "urgent", [siblings[0]], "late", "missed", "expired"),
        (31, "high", siblings, "missed", "missed", "late"),
        (29.9, "normal", [other], "on_time", "open", "declined"),
        (29.8, "normal", [other, siblings[1]], "missed", "open", "answered"),
        (12, "urgent", siblings, "late", "on_time", "expired"),
        (3, "low", [siblings[1]], "on_time", "open", "open"),
        (1, "high", [other], "missed", "open", None),
        (0.2, "normal", siblings, "on_time", "open", "answered"),  # today, before now
        (0.05, "urgent", [other], "open", "open", "open"),  # nothing decided yet
    ]
    for back, priority, themes, triage, resolution, answer in plans:
        start = NOW - timedelta(days=back)
        clock.set(start)
        q = qs.submit_query(member, {
            "title": "Vetting police recruits", "question": "How?", "country": "SS",
            "themes": themes, "priority": priority, "confidentiality": "restricted"})
        db.session.flush()
        for target, outcome, hours in (("triage", triage, 4), ("resolution", resolution, 100)):
            due = start + hours * H
            setattr(q, f"{target}_due_at", due)
            setattr(q, f"{target}_met_at", {"on_time": due - H, "late": due + 2 * H}
                    .get(outcome))
        if answer:
            a = Assignment(query=q, expert=expert, status="invited", created_at=start,
                           due_at=start + 30 * H)
            db.session.add(a)
            if answer in ("answered", "late"):
                a.status = "answered"
                a.answered_at = a.due_at + (3 * H if answer == "late" else -3 * H)
            elif answer in ("expired", "declined"):
                a.status = answer
        made.append(q)
    db.session.commit()
    clock.set(NOW)
    return {"queries": made, "staff": staff, "siblings": siblings, "other": other}


def test_before_the_job_ran_the_figures_are_counted_directly(data):
    got = assert_same(NOW)
    assert db.session.scalar(select(func.count()).select_from(SlaComplianceDay)) == 0
    assert any(total for (_n, _k, _d, _t), (_m, total) in got.items())


def test_after_the_job_the_aggregates_give_the_same_figures(data, clock):
    evaluate_sla_targets(NOW)
    days = db.session.scalar(select(func.count(func.distinct(SlaComplianceDay.day))))
    assert 0 < days <= aggregates.KEEP_DAYS
    assert db.session.scalar(select(func.count()).select_from(SlaComplianceDirty)) == 0
    got = assert_same(NOW)
    for later in (NOW + 5 * H, NOW + 3 * DAY + 7 * H, NOW + 40 * DAY):
        assert_same(later)  # days the job has not counted yet are counted directly
    # the query under two themes of one top theme counts once under that theme
    parent = db.session.scalar(select(Theme.parent_id).where(Theme.slug ==
                                                             data["siblings"][0]))
    assert got[("by_theme", parent, 90, "triage")][1] == 7  # 11 theme links, 7 queries
    # a target missed by expiry is decided, not met
    assert got[("by_priority", "high", 90, "triage")] == (0, 2)


def test_the_aggregates_only_sum_rows_when_nothing_changed(data, clock):
    evaluate_sla_targets(NOW)
    # Corrupting a counted day shows through: the dashboard reads the aggregates.
    row = db.session.scalar(select(SlaComplianceDay).where(SlaComplianceDay.decided > 0)
                            .order_by(SlaComplianceDay.day.desc()).limit(1))
    row.decided += 100
    db.session.commit()
    with pytest.raises(AssertionError):
        assert_same(NOW)


def test_changes_after_the_job_are_counted_before_it_runs_again(data, clock):
    evaluate_sla_targets(NOW)
    queries = data["queries"]
    missed = queries[3]  # its triage was missed 31 days ago: met now, late
    missed.triage_met_at = NOW - H
    queries[2].priority = "low"  # re-prioritised: its past days move to another priority
    queries[6].themes = [t for t in queries[6].themes if t.slug == data["other"]] or \
        list(db.session.scalars(select(Theme).where(Theme.slug == data["other"])))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SlaComplianceDirty)) > 0
    assert_same(NOW)
    evaluate_sla_targets(NOW + H)
    assert db.session.scalar(select(func.count()).select_from(SlaComplianceDirty)) == 0
    assert_same(NOW + H)


def test_a_theme_moved_under_another_parent_is_counted_again(data, clock):
    evaluate_sla_targets(NOW)
    theme = db.session.scalar(select(Theme).where(Theme.slug == data["other"]))
    theme.parent_id = db.session.scalar(select(Theme.parent_id).where(
        Theme.slug == data["siblings"][0]))
    db.session.commit()
    assert_same(NOW)
    evaluate_sla_targets(NOW + H)
    assert_same(NOW + H)
