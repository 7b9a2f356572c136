"""The API's list of queries (GET /api/v1/queries) loads its page as plain rows
(queries.lists.api_query_rows), not as ORM objects: each item must still be the query exactly
as its own answer (GET /api/v1/queries/<ref>, from the ORM object) gives it to the same
caller, and the page must load in a fixed number of statements whatever its size."""
from datetime import timedelta

from sqlalchemy import update

from reachback.extensions import db
from reachback.queries import lists
from reachback.queries import services as qs
from reachback.queries.models import FieldQuery
from tests.web.test_no_n_plus_one import counting

THEMES = ("vetting", "police-reform-and-community-policing", "ceasefires")


def test_each_item_of_the_list_is_the_query_as_its_own_answer_gives_it(api, clock, make_user,
                                                                        make_query):
    staff, member, other = make_user("facilitator"), make_user(), make_user()
    experts = [make_user("expert") for _ in range(3)]
    for status in ("submitted", "clarification", "routed", "synthesis", "published", "closed"):
        make_query(requester=member, facilitator=staff, status=status, experts=experts[:2],
                   themes=THEMES, priority="high")
    community = make_query(requester=other, facilitator=staff, status="routed",
                           confidentiality="community", experts=experts[1:])
    # An assignment with a due time (an SLA state), and one declined (no state, not counted
    # as the expert's: no contributions shown to them).
    qs.assign_expert(staff, community, experts[0], due_at=clock.now + timedelta(days=3))
    declined = qs.assign_expert(staff, make_query(requester=member, facilitator=staff),
                                experts[2])
    qs.decline_assignment(experts[2], declined, "Away.")
    # Written before the rendered column existed: the list renders it, as the query does.
    db.session.execute(update(FieldQuery).where(FieldQuery.id == community.id)
                       .values(question_html=None))
    db.session.commit()
    clock.advance(timedelta(days=2))  # some targets now warned or breached

    for who in (staff, member, other, *experts):
        items = api.get("/api/v1/queries?per_page=100", who).get_json()["items"]
        assert items, who.email
        for item in items:
            assert item == api.get(f"/api/v1/queries/{item['ref']}", who).get_json()
    seen = api.get("/api/v1/queries?per_page=100", staff).get_json()["items"]
    assert {len(item["themes"]) for item in seen} == {1, 3}
    assert max(len(item["assignments"]) for item in seen) == 3
    assert max(len(item["contributions"]) for item in seen) == 2


def test_a_page_of_100_queries_loads_in_six_statements(make_user, make_query):
    staff, expert = make_user("facilitator"), make_user("expert")
    for n in range(100):
        make_query(facilitator=staff, status="routed" if n % 10 == 0 else "submitted",
                   experts=[expert], themes=THEMES[:1 + n % 3])
    staff.is_staff  # noqa: B018 - the caller's roles are the sign-in's, not the list's
    with counting() as statements:
        page = lists.query_list(staff, per_page=100)
        lists.contributions_by_query(staff, page.items)
    assert (len(page.items), page.total) == (100, 100)
    # The ids, their count, the queries with their requesters, the themes, the assignments
    # with their experts, the contributions with their authors.
    assert len(statements) == 6, statements
