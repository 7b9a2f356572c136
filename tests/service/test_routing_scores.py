"""The routing page's scores are computed set-wise (candidate_scores, one statement); the
reasons of the experts shown are put in words by _score. Both must agree, and the experts
shown must be the best of all, not of those loaded."""
from datetime import timedelta

from reachback.queries import services as qs
from reachback.routing.services import PAST_CAP, candidate_scores, suggest_experts


def _scene(make_query, make_user, clock):
    staff = make_user("facilitator")
    experts = {
        "both": make_user("expert", name="Both", themes=["vetting", "courts"], countries=["SS"]),
        "family": make_user("expert", name="Family", themes=["reparations",
                            "transitional-justice-and-reconciliation"]),
        "away": make_user("expert", name="Away", themes=["vetting"],
                          away_until=clock.now.date() + timedelta(days=3)),
        "back": make_user("expert", name="Back", themes=["vetting"],
                          away_until=clock.now.date() - timedelta(days=1)),
        "busy": make_user("expert", name="Busy", countries=["SS", "SL"]),
        "seasoned": make_user("expert", name="Seasoned"),
        "plain": make_user("expert", name="Plain"),
        "twin": make_user("expert", name="Plain"),  # the same name: ties keep one order
        "declined": make_user("expert", name="Declined", themes=["vetting"]),
        "assigned": make_user("expert", name="Assigned", themes=["vetting"]),
    }
    inactive = make_user("expert", name="Inactive", themes=["vetting"])
    inactive.active = False
    # Past contributions: five earlier queries on the query's themes (one on both themes,
    # one answered twice by the same expert: counted once), one on another theme.
    for themes in (["vetting"], ["courts"], ["vetting", "courts"], ["vetting"], ["courts"]):
        make_query(themes=themes, status="synthesis", experts=[experts["seasoned"]],
                   facilitator=staff)
    twice = make_query(themes=["vetting"], status="synthesis", experts=[experts["both"]],
                       facilitator=staff)
    qs.add_contribution(experts["both"], twice, "More advice.")
    make_query(themes=["elections-and-democratic-processes"], status="synthesis",
               experts=[experts["plain"]], facilitator=staff)
    # Open load: two invitations and one accepted assignment; an answered one does not count.
    for _ in range(3):
        qs.assign_expert(staff, make_query(facilitator=staff), experts["busy"])
    query = make_query(themes=["vetting", "courts"], country="SS", facilitator=staff)
    qs.assign_expert(staff, query, experts["assigned"])
    declined = qs.assign_expert(staff, query, experts["declined"])
    qs.decline_assignment(experts["declined"], declined, "Busy.")
    return staff, experts, inactive, query


def test_each_set_wise_score_is_the_sum_of_the_reasons_shown(app, make_query, make_user,
                                                             clock):
    staff, experts, inactive, query = _scene(make_query, make_user, clock)
    ranked = suggest_experts(staff, query, limit=100)
    rows = {r.id: r for r in candidate_scores(query, clock.now.date())}
    assert inactive.id not in rows
    # (Users compare equal by their session token: compare ids.)
    assert experts["assigned"].id not in [s.expert.id for s in ranked]
    for s in ranked:
        assert rows[s.expert.id].score == s.score == sum(r.points for r in s.parts)
    by = {s.expert.id: s for s in ranked}
    assert by[experts["seasoned"].id].score == PAST_CAP  # five earlier queries, capped
    assert "Contributed to 5 earlier queries on these themes" in by[experts["seasoned"].id].reasons
    # Twice on the same earlier query: one query; and this query's own contributions none.
    assert "Contributed to 1 earlier query on these themes" in by[experts["both"].id].reasons
    assert by[experts["both"].id].score == 3 + 3 + 1 + 2  # two themes, one past, the country
    assert by[experts["family"].id].score == 2  # two related themes
    assert by[experts["away"].id].score == 3 - 5 and by[experts["back"].id].score == 3
    assert by[experts["busy"].id].score == 2 - 3
    assert ranked[-1].expert.id == experts["declined"].id and ranked[-1].tried == "declined"


def test_the_experts_shown_are_the_best_of_all(app, make_query, make_user, clock):
    staff, _experts, _inactive, query = _scene(make_query, make_user, clock)
    everyone = suggest_experts(staff, query, limit=100)
    assert [(s.score, s.expert.name) for s in everyone] == sorted(
        [(s.score, s.expert.name) for s in everyone if not s.tried],
        key=lambda p: (-p[0], p[1])) + [(s.score, s.expert.name) for s in everyone if s.tried]
    for limit in (1, 3, 5):
        shown = suggest_experts(staff, query, limit=limit)
        assert [s.expert.id for s in shown] == [s.expert.id for s in everyone[:limit]]
