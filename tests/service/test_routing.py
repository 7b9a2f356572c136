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


def test_each_reason_carries_its_points_and_they_add_up_to_the_score(app, make_query, make_user):
    staff = make_user("facilitator")
    expert = make_user("expert", themes=["vetting", "reparations"], countries=["SS"])
    query = make_query(themes=["vetting"], country="SS", facilitator=staff)
    [s] = suggest_experts(staff, query)
    points = {r.text: r.points for r in s.parts}
    assert points == {"Expertise: Vetting": 3, "Related expertise: Reparations": 1,
                      "Knows South Sudan": 2, "No open assignments": 0}
    assert s.score == sum(points.values()) == 6 and s.expert == expert


def test_related_expertise_only_under_the_same_parent_theme(app, make_query, make_user):
    staff = make_user("facilitator")
    # Vetting (T07.4) is under Transitional justice (T07); Courts (T06.1) and Elections
    # (T02) are not, Reparations (T07.3) and T07 itself are.
    sibling = make_user("expert", name="Sibling", themes=["reparations"])
    parent = make_user("expert", name="Parent",
                       themes=["transitional-justice-and-reconciliation"])
    other = make_user("expert", name="Other",
                      themes=["courts", "elections-and-democratic-processes"])
    query = make_query(themes=["vetting"], facilitator=staff)
    found = {s.expert: s for s in suggest_experts(staff, query)}
    assert any(r.startswith("Related expertise") for r in found[sibling].reasons)
    assert any(r.startswith("Related expertise") for r in found[parent].reasons)
    assert not any("expertise" in r.lower() for r in found[other].reasons)
    assert found[other].score == 0


def test_past_contributions_on_the_same_themes_count(app, make_query, make_user):
    staff = make_user("facilitator")
    seasoned = make_user("expert", name="Seasoned", themes=["courts"])
    newcomer = make_user("expert", name="Newcomer", themes=["courts"])
    for _ in range(2):  # two earlier queries on vetting, answered by Seasoned
        make_query(themes=["vetting"], status="synthesis", experts=[seasoned], facilitator=staff)
    # A contribution on another theme does not count.
    make_query(themes=["courts"], status="synthesis", experts=[newcomer], facilitator=staff)
    query = make_query(themes=["vetting"], facilitator=staff)
    found = {s.expert: s for s in suggest_experts(staff, query)}
    assert "Contributed to 2 earlier queries on these themes" in found[seasoned].reasons
    assert found[seasoned].score == found[newcomer].score + 2
    assert not any(r.startswith("Contributed") for r in found[newcomer].reasons)


def test_experts_who_declined_this_query_come_last_marked_as_such(app, make_query, make_user,
                                                                  clock):
    staff = make_user("facilitator")
    best = make_user("expert", name="Best", themes=["vetting"], countries=["SS"])
    plain = make_user("expert", name="Plain")
    query = make_query(themes=["vetting"], country="SS", facilitator=staff)
    a = qs.assign_expert(staff, query, best)
    qs.decline_assignment(best, a, "On leave until March.")
    ranked = suggest_experts(staff, query)
    assert [s.expert for s in ranked] == [plain, best]  # the better score, yet last
    assert ranked[-1].tried == "declined" and ranked[0].tried is None
    assert "Declined this query on 23 Nov 2026: “On leave until March.”" in ranked[-1].reasons


def test_the_invitation_carries_the_facilitators_message(app, make_query, make_user):
    from reachback.errors import Invalid
    from reachback.extensions import db
    from reachback.notify.models import Notification, OutboundEmail

    staff = make_user("facilitator", name="Fay")
    expert = make_user("expert")
    query = make_query(facilitator=staff)
    qs.assign_expert(staff, query, expert, message="  Please focus on Juba.  ")
    db.session.commit()
    note = db.session.query(Notification).filter_by(user_id=expert.id, kind="assigned").one()
    assert note.text.endswith("Message from Fay: Please focus on Juba.")
    mail = db.session.query(OutboundEmail).filter_by(user_id=expert.id).one()
    assert "Message from Fay: Please focus on Juba." in mail.text_body
    assert "Juba" not in mail.subject  # the subject is the notice's first line
    other = make_user("expert")
    with pytest.raises(Invalid) as refused:
        qs.assign_expert(staff, query, other, message="x" * 2001)
    assert "message" in refused.value.fields


def test_a_decline_notice_leads_to_the_route_page_after_it(app, make_query, make_user):
    from reachback.extensions import db
    from reachback.notify.models import Notification

    staff, expert = make_user("facilitator"), make_user("expert")
    query = make_query(facilitator=staff)
    a = qs.assign_expert(staff, query, expert)
    qs.decline_assignment(expert, a, "No time.")
    db.session.commit()
    note = db.session.query(Notification).filter_by(
        user_id=staff.id, kind="assignment_declined").one()
    assert note.url == f"/queries/{query.reference}/route?after_decline={a.id}"
