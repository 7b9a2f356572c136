"""'What happens next' on the query page speaks to whoever reads it: the requester, the
facilitators, the experts, anyone else."""
import html
import re

from reachback.extensions import db
from reachback.queries import services as qs


def next_step(make_web, user, query) -> str:
    web = make_web()
    web.sign_in(user)
    page = web.get(f"/queries/{query.reference}").get_data(as_text=True)
    found = re.search(r"What happens next:</strong> ([^<]*)</p>", page)
    return html.unescape(found.group(1)).strip()


def test_in_clarification_the_requester_is_asked_and_the_others_wait(make_web, make_user,
                                                                      make_query):
    requester, facilitator, member = (make_user(r) for r in ("member", "facilitator", "member"))
    q = make_query(requester=requester, facilitator=facilitator, status="clarification",
                   confidentiality="community")
    assert next_step(make_web, requester, q) == \
        "The facilitator has a question for you: reply below."
    assert next_step(make_web, facilitator, q) == "Waiting for the requester's reply."
    assert next_step(make_web, member, q) == \
        "The facilitator is waiting for the requester's reply."


def test_when_routed_the_staff_see_how_many_experts_they_wait_for(make_web, make_user,
                                                                  make_query):
    requester, facilitator = make_user("member"), make_user("facilitator")
    first, second = make_user("expert"), make_user("expert")
    q = make_query(requester=requester, facilitator=facilitator, status="routed",
                   experts=[first, second])
    assert next_step(make_web, facilitator, q) == "Waiting for 2 experts."
    assert next_step(make_web, requester, q) == "Experts are preparing answers."
    assert next_step(make_web, first, q) == \
        "You are asked to contribute: accept or decline the invitation below."
    qs.add_contribution(first, q, "My advice.")
    db.session.commit()
    assert next_step(make_web, facilitator, q) == "Waiting for 1 expert."
    assert next_step(make_web, first, q) == \
        "Your contribution is in: the facilitator consolidates the answers."


def test_a_new_query_is_for_the_staff_to_review(make_web, make_user, make_query):
    requester, facilitator = make_user("member"), make_user("facilitator")
    q = make_query(requester=requester, facilitator=facilitator)
    assert next_step(make_web, requester, q) == \
        "A facilitator will review your query and route it to experts."
    assert next_step(make_web, facilitator, q) == \
        "Review it: route it to experts, ask the requester to clarify, or close it."


def test_my_queries_list_speaks_to_the_requester(make_web, make_user, make_query):
    requester = make_user("member")
    make_query(requester=requester, status="clarification")
    web = make_web()
    web.sign_in(requester)
    page = html.unescape(web.get("/queries/mine").get_data(as_text=True))
    assert "The facilitator has a question for you: reply below." in page
