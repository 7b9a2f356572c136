"""N+1 guard: the number of SQL statements of each list page and API list does not grow with
the number of rows it shows.

Each page is counted in a small scene, then again after more rows of every kind were added
(queries in every status from more requesters, contributions, notifications, audit events,
users of more organisations, library documents, invitations); the counts must be equal. A
loop that loads one row at a time makes the second count larger. Relationships load lazily
(the models' default): a page that forgets to ask for what it shows is caught here.
"""
import io
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event
from werkzeug.datastructures import FileStorage

from reachback.accounts import invitations
from reachback.accounts.models import User
from reachback.accounts.services import create_token
from reachback.extensions import db
from reachback.knowledge import library
from reachback.models_base import utcnow
from tests.api.conftest import ApiClient

STATUSES = ("submitted", "clarification", "routed", "synthesis", "published", "closed")
PAGES = {  # url: who looks at it (the start page's query string only names a new key)
    "/": "requester",
    "/?as=expert": "expert",
    "/?as=facilitator": "facilitator",
    "/queries/mine": "requester",
    "/notifications": "requester",
    "/kb": "requester",
    "/search?q=police": "requester",
    "/assignments": "expert",
    "/triage": "facilitator",
    "/sla": "facilitator",
    "/admin/users": "admin",
    "/admin/audit": "admin",
    "/admin/outbox": "admin",
    "/library": "requester",
    "/invitations/new": "facilitator",
    "/admin/sla": "admin",
    "/reports": "facilitator",
    "/reports/demand?group_by=organisation": "facilitator",
    "/reports/demand?group_by=theme": "facilitator",
    "/reports/response-times?group_by=theme": "facilitator",
    "/reports/experts": "facilitator",
    "/reports/use": "facilitator",
    "/reports/search-gaps": "facilitator",
    "/calendar": "requester",
    "/calendar.ics": "requester",
    "/calendar/proposals": "facilitator",
    "/notices": "facilitator",
    "/members": "requester",
    "/members?q=organisation": "requester",
    "/groups/wash": "requester",
    "/groups/wash?show=queries": "requester",
    "/groups/wash?show=events": "requester",
    "/library?group=wash": "requester",
    "/newsletters": "facilitator",
    "/profile": "requester",
    "/profile/member": "requester",
}
API_LISTS = {
    "/api/v1/queries": "requester",
    "/api/v1/queries?mine=0": "facilitator",
    "/api/v1/search?q=police": "requester",
    "/api/v1/themes": "requester",
    "/api/v1/members": "requester",
    "/api/v1/reports/experts": "facilitator",
    "/api/v1/reports/demand?group_by=organisation": "facilitator",
    "/api/v1/calendar": "requester",
    "/api/v1/notices": "requester",
}


@contextmanager
def counting():
    statements = []

    def count(conn, cursor, statement, *args):
        # A session's last-seen time is written at most once a minute, whatever the page.
        if not statement.startswith("UPDATE user_sessions"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statements_of(get, url) -> int:
    get(url)  # warm-up: one-time work (the search outbox, caches) is not what is measured
    # The test's session outlives requests: without this, rows loaded earlier would come
    # from its identity map instead of the database, hiding a lazy load per row.
    db.session.expunge_all()
    with counting() as statements:
        response = get(url)
    assert response.status_code == 200, url
    return len(statements)


class People(dict):
    """role -> user, loaded afresh each time (the counting expunges the session)."""

    def __getitem__(self, role):
        return db.session.get(User, super().__getitem__(role))


@pytest.fixture
def scene(app, make_user, make_query):
    people = People({role: make_user(role.replace("requester", "member")).id
                     for role in ("requester", "expert", "facilitator", "admin")})
    made = {"n": 0}
    from reachback.groups import services as groups

    wash = groups.create_group(make_user("admin"), {"name": "WASH", "slug": "wash"})
    groups.join_group(people["requester"], wash)
    db.session.commit()

    def person(role):
        """Someone new, of an organisation of their own (lists name both)."""
        made["n"] += 1
        return make_user(role, organisation=f"Organisation {made['n']}")

    def grow(rounds: int):
        for _ in range(rounds):
            person("member")
            for status in STATUSES:
                make_query(requester=people["requester"], status=status,
                           experts=[people["expert"], person("expert")],
                           facilitator=people["facilitator"], visibility="public")
            make_query(requester=person("member"), status="submitted")  # another requester
            make_query(requester=people["requester"], status="submitted", group="wash")
            groups.join_group(person("member"), groups.get_group(people["requester"], "wash"))
            facilitator = people["facilitator"]
            library.add_document(facilitator, {
                "title": f"Vetting guidance {made['n']}", "kind": "guidance",
                "summary": "Short.", "date": "2025-06-01", "visibility": "community",
                "themes": ["police-reform-and-community-policing"], "countries": ["SS"]},
                FileStorage(stream=io.BytesIO(b"police vetting"), filename="guidance.txt"))
            library.add_document(facilitator, {
                "title": "WASH paper", "kind": "guidance", "date": "2025-06-01",
                "visibility": "group", "group": "wash"},
                FileStorage(stream=io.BytesIO(b"wells"), filename="wash.txt"))
            invitations.invite(facilitator, f"invited{made['n']}@example.org", "Invited",
                               ["expert"])
            _community(facilitator, person("member"))
            db.session.commit()
    return people, grow, person


def _community(facilitator, member) -> None:
    """Events coming and past, with themes, a member's proposals, notices on the board."""
    from reachback.community import services as community

    now = utcnow()
    for days, visibility in ((3, "public"), (10, "community"), (-5, "public")):
        for user in (facilitator, member):
            community.submit_event(user, {
                "title": "Exchange", "starts_at": now + timedelta(days=days),
                "ends_at": now + timedelta(days=days, hours=1), "visibility": visibility,
                "themes": ["vetting", "ceasefires"]})
    community.submit_event(facilitator, {
        "title": "WASH meeting", "starts_at": now + timedelta(days=4),
        "ends_at": now + timedelta(days=4, hours=1), "visibility": "group", "group": "wash"})
    for user in (facilitator, member):
        community.submit_notice(user, {"title": "Vacancy", "kind": "vacancy",
                                       "expires_on": now.date() + timedelta(days=9)})


def test_list_pages_run_as_many_statements_for_many_rows_as_for_few(scene, make_web,
                                                                   make_query):
    people, grow, _person = scene
    grow(1)
    # The routing page lists every expert (grow adds some) with their expertise.
    # A member's profile lists the published responses they contributed to (grow adds some).
    pages = {**PAGES, f"/queries/{make_query().reference}/route": "facilitator",
             f"/members/{people['expert'].id}": "requester"}
    clients = {}
    for role in set(pages.values()):
        clients[role] = make_web()
        clients[role].sign_in(people[role])
    few = {url: statements_of(clients[role].get, url) for url, role in pages.items()}
    grow(3)
    many = {url: statements_of(clients[role].get, url) for url, role in pages.items()}
    assert many == few


def test_a_query_page_with_many_contributions_and_events_runs_no_more_statements(
        scene, make_web, make_query, make_user):
    people, _grow, person = scene
    few_experts = [person("expert") for _ in range(2)]
    many_experts = [person("expert") for _ in range(8)]
    pages = {}
    for label, experts in (("few", few_experts), ("many", many_experts)):
        query = make_query(requester=people["requester"], status="synthesis", experts=experts,
                           facilitator=people["facilitator"])
        pages[label] = (f"/queries/{query.reference}", f"/queries/{query.reference}/synthesis")
    staff = make_web()
    staff.sign_in(people["facilitator"])
    requester = make_web()
    requester.sign_in(people["requester"])
    for client in (staff, requester):
        counts = {label: [statements_of(client.get, url) for url in urls[:1 + (client is staff)]]
                  for label, urls in pages.items()}
        assert counts["many"] == counts["few"]


def test_api_lists_run_as_many_statements_for_many_rows_as_for_few(scene, app):
    people, grow, _person = scene
    tokens = {role: create_token(people[role], "test")[1] for role in set(API_LISTS.values())}
    db.session.commit()
    api = ApiClient(app.test_client(), lambda role: tokens[role])
    grow(1)

    def counts():
        return {url: statements_of(lambda u, role=role: api.call("GET", u, role), url)
                for url, role in API_LISTS.items()}

    few = counts()
    grow(3)
    assert counts() == few
