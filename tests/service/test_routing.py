"""Expert suggestions: a transparent score with reasons."""
from datetime import timedelta

import pytest

from reachback.errors import Forbidden
from reachback.queries import services as qs
from reachback.routing.services import suggest_experts


def test_ranking_prefers_expertise_and_country_and_explains_why(app, make_query, make_user):
    staff = make_user("facilitator")
    best = make_user("expert", name="Best", themes=["vetting"], countries=["SS"])
    family = make_user("expert", name="Family", themes=["reparations"])
    none = make_user("expert", name="None")
    query = make_query(themes=["vetting"], country="SS", facilitator=staff)
    ranked = suggest_experts(staff, query)
    assert [s.expert for s in ranked] == [best, family, none]
    assert "Expertise: Vetting" in ranked[0].reasons
    assert "Knows South Sudan" in ranked[0].reasons
    assert "Related expertise: Reparations" in ranked[1].reasons
    assert ranked[0].score > ranked[1].score > ranked[2].score


def test_load_and_absence_lower_the_score(app, make_query, make_user, clock):
    staff = make_user("facilitator")
    busy = make_user("expert", name="Busy", themes=["vetting"])
    away = make_user("expert", name="Away", themes=["vetting"],
                     away_until=clock.now.date() + timedelta(days=10))
    free = make_user("expert", name="Free", themes=["vetting"])
    for _ in range(2):
        qs.assign_expert(staff, make_query(facilitator=staff), busy)
    query = make_query(themes=["vetting"], facilitator=staff)
    ranked = suggest_experts(staff, query)
    assert [s.expert for s in ranked] == [free, busy, away]
    assert "2 open assignments" in ranked[1].reasons
    assert ranked[2].away and any(r.startswith("Away until") for r in ranked[2].reasons)


def test_assigned_experts_are_not_suggested_and_members_may_not_ask(app, make_query, make_user):
    staff, expert = make_user("facilitator"), make_user("expert")
    query = make_query(facilitator=staff)
    qs.assign_expert(staff, query, expert)
    assert expert not in [s.expert for s in suggest_experts(staff, query)]
    with pytest.raises(Forbidden):
        suggest_experts(query.requester, query)
