"""The SLA dashboard shows the figures the scheduled SLA job stored at its last run while they are
fresh (the job runs every minute), with the moment they were computed; without a recent run
(none yet, a stopped scheduler) or for an explicit moment it counts them directly."""
from datetime import timedelta

import pytest

from reachback.extensions import db
from reachback.queries import services as qs
from reachback.sla import services as sla
from reachback.sla.jobs import evaluate_sla_targets, refresh_dashboard
from reachback.sla.models import SlaDashboard
from tests.service.test_sla import at, submit

H = timedelta(hours=1)


@pytest.fixture
def scene(make_user, clock):
    people = {"member": make_user(), "staff": make_user("facilitator"),
              "expert": make_user("expert"), "expert2": make_user("expert")}
    clock.set(at(0, 9))
    ok = submit(people["member"], "low")
    late = submit(people["member"], "urgent")
    routed = submit(people["member"], "high")
    qs.assign_expert(people["staff"], ok, people["expert"])  # triage of `ok` met at once
    qs.assign_expert(people["staff"], routed, people["expert2"], due_at=at(0, 12))
    qs.ask_clarification(people["staff"], submit(people["member"], "normal"), "Where?")
    db.session.commit()
    return {**people, "ok": ok, "late": late, "routed": routed}


def shown(data):
    """What the page shows, in plain values."""
    return {
        "counts": data["counts"], "total": data["at_risk_total"],
        "risks": [(i.query.reference, i.target, i.due_at, i.state,
                   i.expert.name if i.expert else None) for i in data["at_risk"]],
        "compliance": {name: [(row["key"], row["label"],
                               {d: {t: (r.met, r.total) for t, r in per.items()}
                                for d, per in row["rates"].items()}) for row in rows]
                       for name, rows in data["compliance"].items()},
    }


def test_after_the_job_the_dashboard_shows_its_figures_equal_to_a_direct_count(scene, clock):
    clock.set(at(0, 14))
    evaluate_sla_targets(at(0, 14))
    refresh_dashboard(at(0, 14))
    stored = sla.dashboard(scene["staff"])
    assert stored["computed_at"] == at(0, 14) and stored["now"] == at(0, 14)
    direct = sla.dashboard(scene["staff"], now=at(0, 14))
    assert direct["computed_at"] is None
    assert shown(stored) == shown(direct)
    # the scene has something of each kind to show
    assert stored["counts"]["triage"]["breached"] >= 1 and stored["counts"]["answer"]["ok"] == 1
    assert stored["counts"]["resolution"]["paused"] == 1  # the query waiting for its requester
    assert {(r[1], r[3]) for r in shown(stored)["risks"]} >= {("triage", "breached"),
                                                              ("answer", "breached")}
    assert any(r[4] for r in shown(stored)["risks"])  # an answer's expert is named
    assert [row["key"] for row in stored["compliance"]["by_theme"]]


def test_the_stored_figures_are_read_not_recounted(scene, clock):
    clock.set(at(0, 14))
    evaluate_sla_targets(at(0, 14))
    refresh_dashboard(at(0, 14))
    late = scene["late"]
    qs.ask_clarification(scene["staff"], late, "Which district?")  # triage met: not shown yet
    db.session.commit()
    clock.set(at(0, 14, 1))
    before = sla.dashboard(scene["staff"])
    assert before["computed_at"] == at(0, 14)
    assert late.reference in [i.query.reference for i in before["at_risk"]]
    evaluate_sla_targets(at(0, 14, 1))
    refresh_dashboard(at(0, 14, 1))  # the next run shows it
    after = sla.dashboard(scene["staff"])
    assert after["computed_at"] == at(0, 14, 1)
    assert late.reference not in [i.query.reference for i in after["at_risk"]]
    assert after["counts"]["triage"]["met"] == before["counts"]["triage"]["met"] + 1


def test_old_figures_are_not_shown_the_dashboard_counts_directly(scene, clock):
    evaluate_sla_targets(at(0, 9, 30))
    refresh_dashboard(at(0, 9, 30))
    clock.set(at(0, 9, 30) + sla.dashboard_freshness() + timedelta(seconds=1))
    data = sla.dashboard(scene["staff"])
    assert data["computed_at"] is None and data["now"] == clock.now
    assert shown(data) == shown(sla.dashboard(scene["staff"], now=clock.now))
    clock.set(at(0, 9))  # figures from a later moment than now are not shown either
    assert sla.dashboard(scene["staff"])["computed_at"] is None


def test_the_page_says_when_the_figures_were_computed(scene, clock, app):
    from tests.helpers import WebClient

    clock.set(at(0, 14))
    client = WebClient(app.test_client())
    client.sign_in(scene["staff"])
    html = client.get("/sla").get_data(as_text=True)
    assert "Computed by the scheduled SLA job" not in html
    evaluate_sla_targets(at(0, 14))
    refresh_dashboard(at(0, 14))
    row = db.session.get(SlaDashboard, 1)
    assert row.computed_at == at(0, 14)
    html = client.get("/sla").get_data(as_text=True)
    assert "Computed by the scheduled SLA job" in html
    assert scene["late"].reference in html


def test_the_scheduled_sla_job_keeps_the_figures(scene, clock):
    from reachback import scheduler

    clock.set(at(0, 14))
    scheduler.evaluate_sla()
    assert db.session.get(SlaDashboard, 1).computed_at == at(0, 14)
    assert sla.dashboard(scene["staff"])["computed_at"] == at(0, 14)
