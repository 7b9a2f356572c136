"""The start page `/` of a signed-in person: what needs them (their open queries, their open
assignments, the drafts they are asked to review, the queries waiting for triage), then the
newest responses they may read, the next events, the blackboard and the latest newsletter.
Each list shows HOME_ITEMS rows at most and links to the whole list. (Anyone not signed in:
tests/web/test_welcome_page.py.)"""
import re
import sys
import types

import pytest

from reachback.accounts.models import User
from reachback.community import services as community
from reachback.extensions import db
from reachback.home import HOME_ITEMS
from reachback.queries import services as qs
from reachback.synthesis import reviews
from tests.service.test_community import event_data, notice_data
from tests.web.test_no_n_plus_one import counting


def text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    """The HTML from a heading to the next heading of its level or higher."""
    start = html.index(f'id="{heading_id}"')
    end = re.search(r"<h[123][ >]", html[start:])
    return html[start:start + end.start()] if end else html[start:]


def test_a_member_sees_their_open_queries_only(signed_in, make_user, make_query):
    member = make_user("member")
    routed = make_query(requester=member, status="routed", title="Open: vetting in Juba")
    closed = make_query(requester=member, status="closed", title="Closed: out of scope")
    other = make_query(status="submitted", title="Someone else's question")
    html = text(signed_in(member).get("/"))
    mine = section(html, "mine-heading")
    assert routed.reference in mine and "Open: vetting in Juba" in mine
    assert "Experts are preparing answers." in mine  # what happens next
    assert closed.reference not in html and other.reference not in html
    assert 'href="/queries/mine">All your queries (1 open)</a>' in mine
    # A member has no assignments, reviews or triage: none of their sections shows.
    for absent in ("assignments-heading", "reviews-heading", "/triage", "Latest newsletter"):
        assert absent not in html


def test_the_start_page_lists_a_few_and_links_the_rest(signed_in, make_user, make_query):
    member = make_user("member")
    for n in range(HOME_ITEMS + 2):
        make_query(requester=member, title=f"Question number {n}")
    mine = section(text(signed_in(member).get("/")), "mine-heading")
    assert len(re.findall(r'href="/queries/RB-', mine)) == HOME_ITEMS
    assert f"All your queries ({HOME_ITEMS + 2} open)" in mine


def test_a_member_with_nothing_open_is_told_so(signed_in, make_user):
    html = text(signed_in(make_user("member")).get("/"))
    assert "You have no open query." in html and "No response has been published yet." in html


def test_an_expert_sees_their_open_assignments_and_the_drafts_to_review(
        signed_in, make_user, make_query):
    expert, staff = make_user("expert"), make_user("facilitator")
    waiting = make_query(status="routed", experts=[expert], facilitator=staff,
                         title="Waiting for the expert")
    declined = make_query(status="routed", experts=[expert], facilitator=staff,
                          title="Declined by the expert")
    qs.decline_assignment(expert, declined.assignments[0], "Not my field")
    drafted = make_query(status="synthesis", facilitator=staff, title="A draft to check")
    review = reviews.request_review(staff, drafted, expert.email)
    db.session.commit()
    html = text(signed_in(expert).get("/"))
    assignments = section(html, "assignments-heading")
    assert waiting.reference in assignments and declined.reference not in html
    assert 'href="/assignments">All your assignments (1 open)</a>' in assignments
    to_review = section(html, "reviews-heading")
    assert f'href="/review-requests/{review.id}"' in to_review and "A draft to check" in to_review
    assert "/triage" not in html


def test_a_facilitator_sees_how_many_queries_wait_for_triage(signed_in, make_user, make_query):
    staff = make_user("facilitator")
    for _ in range(3):
        make_query(status="submitted")
    make_query(status="routed", facilitator=staff)  # triaged already: not counted
    html = text(signed_in(staff).get("/"))
    assert '<a href="/triage">3 new queries wait for triage</a>' in html


def test_the_newest_responses_are_those_the_reader_may_read(signed_in, make_user, make_query):
    member = make_user("member")
    shared = make_query(status="published", confidentiality="community", title="Shared lessons")
    restricted = make_query(status="published", visibility="restricted",
                            title="Restricted lessons")
    html = section(text(signed_in(member).get("/")), "newest-heading")
    assert f'href="/kb/{shared.reference}"' in html
    assert restricted.reference not in html and "Restricted lessons" not in html


def test_members_see_community_events_and_the_board(signed_in, client, make_user, clock):
    fac, member = make_user("facilitator"), make_user("member")
    community.submit_event(fac, event_data(title="Members' exchange"))
    community.submit_event(fac, event_data(title="Open webinar", visibility="public"))
    community.submit_notice(fac, notice_data(title="Adviser wanted"))
    db.session.commit()
    html = text(signed_in(member).get("/"))
    assert "Members&#39; exchange" in html and "Open webinar" in html
    assert "Adviser wanted" in html
    welcome = text(client.get("/"))
    assert "Open webinar" in welcome and "exchange" not in welcome
    assert "Adviser wanted" not in welcome


@pytest.fixture
def newsletters(monkeypatch):
    """A stand-in for reachback.newsletters.services (another package adds it): the newest
    newsletter the reader may read, or None."""
    latest = {}
    package = types.ModuleType("reachback.newsletters")
    services = types.ModuleType("reachback.newsletters.services")
    services.latest_for = lambda user: latest.get(user.id)
    package.services = services
    monkeypatch.setitem(sys.modules, "reachback.newsletters", package)
    monkeypatch.setitem(sys.modules, "reachback.newsletters.services", services)
    return latest


def test_the_latest_newsletter_shows_when_there_is_one(signed_in, make_user, newsletters):
    member, other = make_user("member"), make_user("member")
    newsletters[member.id] = types.SimpleNamespace(id=7, title="November 2026", month="2026-11")
    html = text(signed_in(member).get("/"))
    assert '<a href="/newsletters/7">November 2026</a>' in section(html, "newsletter-heading")
    assert "Latest newsletter" not in text(signed_in(other).get("/"))


def test_the_start_page_loads_its_lists_set_wise(make_web, make_user, make_query):
    ids = make_user("expert").id, make_user("facilitator").id
    web = make_web()
    web.sign_in(db.session.get(User, ids[0]))

    def statements():
        web.get("/")
        db.session.expunge_all()
        with counting() as done:
            assert web.get("/").status_code == 200
        return len(done)

    def grow():
        expert, staff = (db.session.get(User, i) for i in ids)
        q = make_query(requester=expert, status="published", confidentiality="community",
                       experts=[make_user("expert")], facilitator=staff)
        make_query(requester=expert, status="routed", experts=[expert], facilitator=staff)
        reviews.request_review(staff, make_query(status="synthesis", facilitator=staff),
                               expert.email)
        db.session.commit()
        return q

    grow()
    few = statements()
    for _ in range(3):
        grow()
    assert statements() == few
