"""The access policy: list filters and object checks agree for every role and object."""
import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from reachback import permissions as perm
from reachback.extensions import db
from reachback.queries.models import FieldQuery
from reachback.synthesis.models import ConsolidatedResponse

VIEWERS = ["requester", "member", "assigned", "unassigned", "declined", "facilitator", "admin",
           "anonymous"]


@pytest.fixture
def world(app, make_user, make_query):
    """One query per (confidentiality, visibility) with a fixed cast of people."""
    from reachback.queries import services as qs

    people = {
        "requester": make_user("member"), "member": make_user("member"),
        "assigned": make_user("expert"), "unassigned": make_user("expert"),
        "declined": make_user("expert"), "facilitator": make_user("facilitator"),
        "admin": make_user("admin"), "anonymous": AnonymousUserMixin(),
    }
    queries = []
    for confidentiality in ("restricted", "community"):
        for visibility in ("restricted", "community", "public"):
            q = make_query(requester=people["requester"], confidentiality=confidentiality,
                           status="published", visibility=visibility,
                           experts=[people["assigned"]], facilitator=people["facilitator"])
            queries.append(q)
        q = make_query(requester=people["requester"], confidentiality=confidentiality,
                       facilitator=people["facilitator"])
        a = qs.assign_expert(people["facilitator"], q, people["declined"])
        qs.decline_assignment(people["declined"], a, "busy")
        queries.append(q)
    db.session.commit()
    return people, queries


@pytest.mark.parametrize("viewer", VIEWERS)
def test_query_filter_and_check_agree(world, viewer):
    people, queries = world
    user = people[viewer]
    listed = set(db.session.scalars(
        select(FieldQuery.id).where(perm.visible_queries(user))))
    checked = {q.id for q in queries if perm.can_view_query(user, q)}
    assert listed == checked


@pytest.mark.parametrize("viewer", VIEWERS)
def test_response_filter_and_check_agree(world, viewer):
    people, queries = world
    user = people[viewer]
    listed = set(db.session.scalars(
        select(ConsolidatedResponse.id).join(FieldQuery).where(perm.visible_responses(user))))
    checked = {q.response.id for q in queries
               if q.response is not None and perm.can_view_response(user, q.response)}
    assert listed == checked


EXPECTED_QUERY_VIEW = {  # viewer -> (restricted, community)
    "requester": (True, True), "member": (False, True), "assigned": (True, True),
    "unassigned": (False, True), "declined": (False, True), "facilitator": (True, True),
    "admin": (True, True), "anonymous": (False, False),
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_who_sees_which_query(world, viewer):
    people, queries = world
    by_conf = {c: [q for q in queries if q.confidentiality == c and q.status == "published"][0]
               for c in ("restricted", "community")}
    expected = EXPECTED_QUERY_VIEW[viewer]
    assert perm.can_view_query(people[viewer], by_conf["restricted"]) is expected[0]
    assert perm.can_view_query(people[viewer], by_conf["community"]) is expected[1]


EXPECTED_RESPONSE_VIEW = {  # viewer -> (restricted, community, public) response visibility
    "requester": (True, True, True), "member": (False, True, True),
    "assigned": (True, True, True), "unassigned": (False, True, True),
    "declined": (False, True, True), "facilitator": (True, True, True),
    "admin": (True, True, True), "anonymous": (False, False, True),
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_who_reads_which_response(world, viewer):
    people, queries = world
    restricted_query = [q for q in queries if q.confidentiality == "restricted"]
    seen = tuple(perm.can_view_response(people[viewer], q.response)
                 for q in restricted_query if q.response is not None)
    assert seen == EXPECTED_RESPONSE_VIEW[viewer]


def test_contributions_reach_the_requester_only_after_publication(app, make_query, make_user):
    expert = make_user("expert")
    routed = make_query(status="routed", experts=[expert])
    published = make_query(status="published", experts=[expert])
    assert not perm.can_view_contributions(routed.requester, routed)
    assert perm.can_view_contributions(published.requester, published)
    assert perm.can_view_contributions(expert, routed)
    assert not perm.can_view_contributions(make_user("member"), published)
    assert not perm.can_view_contributions(make_user("expert"), published)
