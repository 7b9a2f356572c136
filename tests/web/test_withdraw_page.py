"""Withdrawing a query goes through a page that says what happens, without JavaScript;
only the requester of an open query may."""
import html

from reachback.extensions import db
from reachback.queries.models import FieldQuery


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def status_of(q):
    db.session.expire_all()
    return db.session.get(FieldQuery, q.id)


def test_the_query_page_links_to_the_withdraw_page_apart_from_the_reply_form(
        web, make_user, make_query):
    member = make_user("member")
    q = make_query(requester=member, status="clarification")
    web.sign_in(member)
    page = page_text(web.get(f"/queries/{q.reference}"))
    link = f'<a class="btn btn-secondary" href="/queries/{q.reference}/withdraw">'
    assert link in page and "Other actions" in page
    assert page.index("Send reply") < page.index("Other actions") < page.index(link)
    assert 'data-confirm' not in page[page.index("Other actions"):]


def test_the_page_says_what_happens_and_its_form_withdraws_the_query(web, make_user,
                                                                     make_query):
    member = make_user("member")
    q = make_query(requester=member, status="routed")
    web.sign_in(member)
    response = web.get(f"/queries/{q.reference}/withdraw")
    assert response.status_code == 200
    page = page_text(response)
    assert "Withdraw this query?" in page and q.title in page
    assert 'name="csrf_token"' in page and "Withdraw the query" in page
    assert f'href="/queries/{q.reference}">Keep it</a>' in page
    assert status_of(q).status == "routed"  # the page changes nothing
    done = web.post(f"/queries/{q.reference}/withdraw")
    assert done.status_code == 302 and done.headers["Location"].endswith(q.reference)
    q = status_of(q)
    assert (q.status, q.close_reason) == ("closed", "withdrawn")
    assert all(a.status == "withdrawn" for a in q.assignments)
    # Closed: neither the page nor the form any more.
    refused_as_conflict(web, q)


def test_others_are_refused_and_nothing_changes(make_web, make_user, make_query):
    q = make_query(confidentiality="community")
    secret = make_query(confidentiality="restricted")
    expert = make_user("expert")
    routed = make_query(status="routed", experts=[expert])
    for user, query, status in ((make_user("member"), q, 403),
                                (make_user("member"), secret, 404),
                                (expert, routed, 403)):
        web = make_web()
        web.sign_in(user)
        assert web.get(f"/queries/{query.reference}/withdraw").status_code == status
        assert web.post(f"/queries/{query.reference}/withdraw").status_code == status
        assert status_of(query).status != "closed"


def test_a_published_query_cannot_be_withdrawn(web, make_user, make_query):
    member = make_user("member")
    q = make_query(requester=member, status="published")
    web.sign_in(member)
    refused_as_conflict(web, q)
    assert status_of(q).status == "published"


def refused_as_conflict(web, q):
    """A page answers a refused transition (the service's Conflict, 409 in the API) by
    going back with the reason."""
    for method in (web.get, web.post):
        response = method(f"/queries/{q.reference}/withdraw",
                          headers={"Referer": f"/queries/{q.reference}"})
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/queries/{q.reference}")
        assert "it cannot move to" in page_text(web.get(response.headers["Location"]))
