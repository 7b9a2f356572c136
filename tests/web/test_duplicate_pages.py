"""Duplicates on the pages: a query page names the other query only to whoever may see it,
and a duplicate's requester reads the original's response only when its visibility allows."""
import re

import pytest

from reachback.extensions import db
from reachback.queries import services as qs
from reachback.synthesis import services as ss


@pytest.fixture
def pair(make_user, make_query):
    """(staff, original, duplicate): two members' queries, the second closed as a duplicate."""
    def make(original_confidentiality="restricted"):
        staff = make_user("facilitator")
        original = make_query(confidentiality=original_confidentiality, facilitator=staff)
        duplicate = make_query()
        qs.close_query(staff, duplicate, "duplicate", duplicate_of=original.reference)
        db.session.commit()
        return staff, original, duplicate
    return make


def page(client, query) -> str:
    response = client.get(f"/queries/{query.reference}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_each_requester_is_told_of_a_similar_query_not_its_reference(app, clock, pair,
                                                                      signed_in):
    staff, original, duplicate = pair()
    html = page(signed_in(duplicate.requester), duplicate)
    assert original.reference not in html
    assert "closed the query as a duplicate of a similar query." in html
    html = page(signed_in(original.requester), original)
    assert duplicate.reference not in html
    assert "closed a similar query as a duplicate of this query." in html


def test_staff_and_a_requester_who_may_see_the_original_are_shown_its_reference(
        app, clock, pair, signed_in):
    staff, original, duplicate = pair(original_confidentiality="community")
    html = page(signed_in(duplicate.requester), duplicate)
    assert f"closed the query as a duplicate of {original.reference}." in html
    assert f'href="/queries/{original.reference}"' in html
    web = signed_in(staff)
    assert f"closed {duplicate.reference} as a duplicate of this query." in page(web, original)
    # The community original's requester still may not see the restricted duplicate.
    assert duplicate.reference not in page(signed_in(original.requester), original)


@pytest.mark.parametrize("visibility, readable", [("community", True), ("restricted", False)])
def test_a_duplicates_requester_is_linked_to_the_published_original_only_if_readable(
        app, clock, pair, signed_in, visibility, readable):
    staff, original, duplicate = pair()
    ss.save_draft(staff, original, "Vetting police recruits", "In short.", "Body.")
    ss.publish_response(staff, original, visibility)
    db.session.commit()
    web = signed_in(duplicate.requester)
    notices = web.get("/notifications").get_data(as_text=True)
    # Each notice opens through /notifications/<id>/open, which leads to its page.
    targets = {web.get(link).headers.get("Location", "").removeprefix("http://localhost")
               for link in re.findall(r'href="(/notifications/\d+/open)"', notices)}
    assert (f"/kb/{original.reference}" in targets) is readable
    if not readable:  # nor is the original named
        assert original.reference not in notices
    assert "similar" in notices
    assert web.get(f"/kb/{original.reference}").status_code == (200 if readable else 404)
