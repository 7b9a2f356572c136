"""The response lifecycle's pages: the response page's parts once, review from the synthesis
page and the reviewer's queue, supersede and retract from the response page, watching."""
import re

from reachback.extensions import db
from reachback.queries import services as qs
from reachback.queries.models import Watcher
from reachback.synthesis import reviews
from reachback.synthesis import services as ss


def test_the_response_page_prints_summary_and_contributors_once(
        make_web, make_user, make_query):
    fac = make_user("facilitator")
    expert = make_user("expert", name="Amina Mensah")
    query = make_query(status="routed", facilitator=fac, experts=[expert])
    qs.add_contribution(expert, query, "Vet recruits first.")
    template = ss.draft_template(query)
    ss.save_draft(fac, query, template["title"], "Vet first.", template["body"].replace(
        "## Synthesis of responses", "## Synthesis of responses\n\nVetting works."))
    ss.publish_response(fac, query, "community")
    db.session.commit()
    web = make_web()
    web.sign_in(make_user())
    html = web.get(f"/kb/{query.reference}").get_data(as_text=True)
    assert len(re.findall(r">Summary</h2>", html)) == 1
    assert len(re.findall(r">Contributors</h2>", html)) == 1
    assert html.count("Amina Mensah") == 1
    assert "Comparative experiences" not in html and "Vetting works." in html


def test_a_review_is_asked_from_the_synthesis_page_and_answered_from_the_queue(
        app, make_web, make_user, make_query):
    app.config["REVIEW_REQUIRED"] = True
    fac, expert = make_user("facilitator"), make_user("expert", name="Rita Reviewer")
    query = make_query(status="synthesis", facilitator=fac)
    staff, reviewer = make_web(), make_web()
    staff.sign_in(fac)
    reviewer.sign_in(expert)
    page = staff.get(f"/queries/{query.reference}/synthesis").get_data(as_text=True)
    assert "Rita Reviewer" in page and "A reviewer must approve" in page
    assert staff.post(f"/queries/{query.reference}/publish",
                      {"visibility": "community"}).status_code == 302
    db.session.refresh(query)
    assert query.status == "synthesis"  # refused: not approved
    assert staff.post(f"/queries/{query.reference}/review-requests",
                      {"reviewer": expert.email, "note": "Check Liberia"}).status_code == 302
    item = reviews.pending_reviews(expert)[0]
    queue = reviewer.get("/assignments").get_data(as_text=True)
    assert f"/review-requests/{item.id}" in queue
    shown = reviewer.get(f"/review-requests/{item.id}").get_data(as_text=True)
    assert "Body text." in shown and "Check Liberia" in shown
    # The requester sees the query but not the draft under review; a stranger nothing.
    requester = make_web()
    requester.sign_in(query.requester)
    assert requester.get(f"/review-requests/{item.id}").status_code == 403
    stranger = make_web()
    stranger.sign_in(make_user())
    assert stranger.get(f"/review-requests/{item.id}").status_code == 404
    assert staff.post(f"/review-requests/{item.id}/approve", {}).status_code == 403
    assert reviewer.post(f"/review-requests/{item.id}/changes", {"note": ""}).status_code == 422
    assert reviewer.post(f"/review-requests/{item.id}/approve", {"note": "Good"}
                         ).status_code == 302
    assert f"/review-requests/{item.id}" not in reviewer.get("/assignments").get_data(
        as_text=True)
    assert staff.post(f"/queries/{query.reference}/publish",
                      {"visibility": "community"}).status_code == 302
    db.session.refresh(query)
    assert query.status == "published"


def test_supersede_and_retract_from_the_response_page(make_web, make_user, make_query):
    fac, member = make_user("facilitator"), make_user()
    old = make_query(status="published", facilitator=fac)
    new = make_query(status="published", facilitator=fac, title="Vetting, the 2026 answer")
    staff, reader = make_web(), make_web()
    staff.sign_in(fac)
    reader.sign_in(member)
    assert 'name="reason"' not in reader.get(f"/kb/{old.reference}").get_data(as_text=True)
    assert reader.post(f"/kb/{old.reference}/supersede", {"by": new.reference}
                       ).status_code == 403
    refused = staff.post(f"/kb/{old.reference}/supersede", {"by": old.reference})
    assert refused.status_code == 422
    assert staff.post(f"/kb/{old.reference}/supersede", {"by": new.reference}
                      ).status_code == 302
    banner = reader.get(f"/kb/{old.reference}").get_data(as_text=True)
    assert "superseded by a newer one" in banner and f"/kb/{new.reference}" in banner
    assert staff.post(f"/kb/{old.reference}/retract", {"reason": ""}).status_code == 422
    assert staff.post(f"/kb/{old.reference}/retract", {"reason": "Wrong law."}
                      ).status_code == 302
    gone = reader.get(f"/kb/{old.reference}")
    assert gone.status_code == 410 and "Wrong law." in gone.get_data(as_text=True)
    assert make_web().get(f"/kb/{old.reference}").status_code == 404
    assert old.reference not in reader.get("/kb").get_data(as_text=True)


def test_watch_from_the_query_page(make_web, make_user, make_query):
    member = make_user()
    query = make_query(status="routed", confidentiality="community")
    web = make_web()
    web.sign_in(member)
    assert "Watch: tell me" in web.get(f"/queries/{query.reference}").get_data(as_text=True)
    assert web.post(f"/queries/{query.reference}/watch", {"action": "watch"}
                    ).status_code == 302
    assert db.session.get(Watcher, (query.id, member.id)) is not None
    assert "Stop watching" in web.get(f"/queries/{query.reference}").get_data(as_text=True)
    web.post(f"/queries/{query.reference}/watch", {"action": "unwatch"})
    assert db.session.get(Watcher, (query.id, member.id)) is None


def test_rating_feedback_and_follow_up_pages(app, make_web, make_user, make_query):
    fac, requester, reader = make_user("facilitator"), make_user(), make_user()
    query = make_query(status="published", requester=requester, visibility="community",
                       facilitator=fac)
    ref = query.reference
    asker, other, staff = make_web(), make_web(), make_web()
    asker.sign_in(requester)
    other.sign_in(reader)
    staff.sign_in(fac)
    assert "Rate the response" in asker.get(f"/queries/{ref}").get_data(as_text=True)
    assert asker.post(f"/queries/{ref}/rating", {"score": "4", "used_for": "A brief"}
                      ).status_code == 302
    assert "rated the response 4 out of 5" in staff.get(f"/queries/{ref}").get_data(
        as_text=True)
    assert "Average 4.0 out of 5 from 1 ratings" in staff.get("/sla").get_data(as_text=True)
    assert other.post(f"/kb/{ref}/feedback", {"useful": "1", "comment": "Old figures",
                                               "outdated": "y"}).status_code == 302
    assert "1 of 1 readers found this useful." in other.get(f"/kb/{ref}").get_data(
        as_text=True)
    page = staff.get(f"/kb/{ref}").get_data(as_text=True)
    assert "Old figures" in page and "Old figures" not in other.get(f"/kb/{ref}").get_data(
        as_text=True)
    assert ref in staff.get("/kb/flagged").get_data(as_text=True)
    assert other.get("/kb/flagged").status_code == 403
    form = other.get(f"/queries/{ref}/follow-up").get_data(as_text=True)
    assert "Follow-up: " in form and f"/queries/{ref}/follow-up" in form
    sent = other.post(f"/queries/{ref}/follow-up", {
        "title": "And in the south?", "question": "Did it work there?", "country": "SS",
        "themes": ["police-reform-and-community-policing"], "priority": "normal",
        "confidentiality": "community", "language": "en"})
    assert sent.status_code == 302
    assert "And in the south?" in other.get(f"/kb/{ref}").get_data(as_text=True)


def test_see_also_lists_linked_then_similar_responses_the_reader_may_read(
        make_web, make_user, make_query):
    from reachback.knowledge import search

    fac, member = make_user("facilitator"), make_user()
    main = make_query(status="published", facilitator=fac,
                      title="Vetting police recruits after a ceasefire")
    linked = make_query(status="published", facilitator=fac, title="Budgeting for courts")
    similar = make_query(status="published", facilitator=fac,
                         title="Vetting police recruits after a ceasefire: Liberia")
    hidden = make_query(status="published", facilitator=fac, visibility="restricted",
                        title="Vetting police recruits after a ceasefire: Mali")
    search.apply_outbox()
    staff, reader = make_web(), make_web()
    staff.sign_in(fac)
    reader.sign_in(member)
    assert reader.post(f"/kb/{main.reference}/see-also", {"other": linked.reference}
                       ).status_code == 403
    assert staff.post(f"/kb/{main.reference}/see-also", {"other": "RB-1999-0001"}
                      ).status_code == 422
    assert staff.post(f"/kb/{main.reference}/see-also", {"other": linked.reference}
                      ).status_code == 302
    page = reader.get(f"/kb/{main.reference}").get_data(as_text=True)
    section = page[page.index('id="see-also-h"'):]
    section = section[:section.index("</section>")]
    assert section.index(linked.reference) < section.index(similar.reference)
    assert hidden.reference not in section and f"/kb/{main.reference}\"" not in section
    assert hidden.reference in staff.get(f"/kb/{main.reference}").get_data(as_text=True)


def test_similar_responses_are_found_once_then_again_when_the_knowledge_base_changes(
        make_web, make_user, make_query, monkeypatch):
    from reachback.knowledge import search
    from reachback.knowledge.index import SearchIndex
    from reachback.knowledge.models import SimilarResponses
    from reachback.knowledge.pg_index import PgSearchIndex

    fac = make_user("facilitator")
    main = make_query(status="published", facilitator=fac,
                      title="Vetting police recruits after a ceasefire")
    first = make_query(status="published", facilitator=fac,
                       title="Vetting police recruits after a ceasefire: Liberia")
    search.apply_outbox()
    reader = make_web()
    reader.sign_in(make_user())

    def see_also():
        page = reader.get(f"/kb/{main.reference}").get_data(as_text=True)
        return page[page.index('id="see-also-h"'):].split("</section>")[0]

    assert first.reference in see_also()
    kept = db.session.get(SimilarResponses, main.response.id)
    assert kept is not None and kept.refs.split() == [first.reference]

    def searched(*_args, **_kwargs):
        raise AssertionError("the page searched again")

    with monkeypatch.context() as patch:  # the next views read what was kept
        patch.setattr(SearchIndex, "similar", searched)
        patch.setattr(PgSearchIndex, "similar", searched)
        assert first.reference in see_also()
    second = make_query(status="published", facilitator=fac,
                        title="Vetting police recruits after a ceasefire: Sierra Leone")
    search.apply_outbox()  # a response indexed: every kept list is found again
    db.session.expire_all()
    assert db.session.get(SimilarResponses, main.response.id) is None
    section = see_also()
    assert first.reference in section and second.reference in section
