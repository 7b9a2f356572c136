"""Synthesis pages: drafting from the template, preview, revisions and their diff, publishing,
and who may do any of it."""
import re

import pytest
from sqlalchemy import func, select

from reachback.extensions import db
from reachback.notify.models import Notification
from reachback.queries import services as qs
from reachback.synthesis.models import ResponseRevision


@pytest.fixture
def fac(make_user):
    return make_user("facilitator", name="Fatou Facilitator")


@pytest.fixture
def routed(make_user, make_query, fac):
    """A routed community query with two experts' contributions."""
    e1 = make_user("expert", name="Amina Expert", organisation="Peace Institute")
    e2 = make_user("expert", name="Bruno Expert")
    q = make_query(status="routed", experts=(e1, e2), facilitator=fac,
                   confidentiality="community")
    qs.add_contribution(e1, q, "Vet recruits **before** training.")
    qs.add_contribution(e2, q, "Use community panels.")
    db.session.commit()
    return q


def draft(title="Vetting police recruits", summary="In short: vet first.",
          body="## Summary\n\nVet first.", note="", action="save"):
    return {"title": title, "summary": summary, "body": body, "note": note, "action": action}


def revision_count():
    return db.session.scalar(select(func.count(ResponseRevision.id)))


def test_first_draft_is_prefilled_from_the_template_beside_the_contributions(web, fac, routed):
    web.sign_in(fac)
    page = web.get(f"/queries/{routed.reference}/synthesis")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for heading in ("## The query", "## Synthesis of responses",
                    "## Comparative experiences", "## Related resources"):
        assert heading in html
    # The summary has its own field and the response page lists the contributors.
    assert "## Summary" not in html and "## Contributors" not in html
    assert "Amina Expert" in html and "Bruno Expert" in html
    # The contributions sit beside the form, rendered.
    assert "Vet recruits <strong>before</strong> training." in html
    assert "The answer first: 150–400 words a busy reader can act on" in html
    assert 'name="action" value="preview"' in html and 'value="save"' in html
    # No draft yet: no publish form.
    assert f"/queries/{routed.reference}/publish" not in html


def test_preview_renders_the_draft_and_saves_nothing(web, fac, routed):
    web.sign_in(fac)
    page = web.post(f"/queries/{routed.reference}/synthesis",
                    draft(body="## Options\n\n- *panels*", action="preview"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h2>Options</h2>" in html and "<em>panels</em>" in html
    assert "## Options" in html  # what was typed stays in the form
    assert revision_count() == 0
    db.session.refresh(routed)
    assert routed.status == "routed" and routed.response is None


def test_two_saves_make_revisions_1_and_2_and_compare_shows_the_changes(web, fac, routed):
    web.sign_in(fac)
    url = f"/queries/{routed.reference}/synthesis"
    first = web.post(url, draft(body="Line one\nOld line"))
    assert first.status_code == 302 and first.headers["Location"].endswith(url)
    assert "Draft saved (revision 1)" in web.get(url).get_data(as_text=True)
    second = web.post(url, draft(body="Line one\nNew line", note="Sharper wording"))
    assert second.status_code == 302
    html = web.get(url).get_data(as_text=True)
    assert "Draft saved (revision 2)" in html
    assert "Line one\nNew line" in html  # the form now holds the latest draft
    db.session.refresh(routed)
    assert routed.status == "synthesis"
    assert [r.number for r in routed.response.revisions] == [1, 2]
    assert routed.response.revisions[1].note == "Sharper wording"

    revisions = web.get(f"/queries/{routed.reference}/revisions").get_data(as_text=True)
    assert "Sharper wording" in revisions and "Fatou Facilitator" in revisions
    assert '<option value="1" selected>' in revisions and '<option value="2" selected>' in revisions

    diff = web.get(f"/queries/{routed.reference}/revisions/compare?a=1&b=2")
    html = diff.get_data(as_text=True)
    assert diff.status_code == 200
    assert "<del>- Old line</del>" in html and "<ins>+ New line</ins>" in html
    assert '<pre class="diff">' in html and 'class="diff-legend"' in html


@pytest.mark.parametrize("args", ["a=1&b=9", "a=x&b=1", "b=1", "a=-1&b=1"])
def test_compare_with_a_bad_revision_number_is_not_found(web, fac, routed, args):
    web.sign_in(fac)
    web.post(f"/queries/{routed.reference}/synthesis", draft())
    page = web.get(f"/queries/{routed.reference}/revisions/compare?{args}")
    assert page.status_code == 404


def test_diff_escapes_html_in_revisions(web, fac, routed):
    web.sign_in(fac)
    url = f"/queries/{routed.reference}/synthesis"
    web.post(url, draft(body="plain"))
    web.post(url, draft(body="<script>alert(1)</script>"))
    html = web.get(f"/queries/{routed.reference}/revisions/compare?a=1&b=2").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_publish_with_community_visibility_notifies_the_requester_and_shows_on_the_query(
        web, make_web, fac, routed):
    web.sign_in(fac)
    url = f"/queries/{routed.reference}/synthesis"
    web.post(url, draft(title="How to vet recruits"))
    page = web.get(url).get_data(as_text=True)
    assert f'action="/queries/{routed.reference}/publish"' in page
    # The default follows the query's confidentiality.
    assert re.search(r'<input checked [^>]*value="community"', page)

    done = web.post(f"/queries/{routed.reference}/publish", {"visibility": "community"})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/queries/{routed.reference}")
    db.session.refresh(routed)
    assert routed.status == "published"
    assert routed.response.status == "published" and routed.response.visibility == "community"
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == routed.requester_id, Notification.read_at.is_(None))) == 1

    requester = make_web()
    requester.sign_in(routed.requester)
    detail = requester.get(f"/queries/{routed.reference}")
    html = detail.get_data(as_text=True)
    assert detail.status_code == 200
    assert '<span class="count">1<span class="visually-hidden"> unread</span>' in html
    assert "How to vet recruits" in html


def test_publish_without_a_visibility_shows_the_error_and_publishes_nothing(web, fac, routed):
    web.sign_in(fac)
    web.post(f"/queries/{routed.reference}/synthesis", draft())
    page = web.post(f"/queries/{routed.reference}/publish", {})
    assert page.status_code == 422
    assert "Choose who may read it." in page.get_data(as_text=True)
    db.session.refresh(routed)
    assert routed.status == "synthesis" and routed.response.status == "draft"


def test_save_without_a_body_keeps_what_was_typed_and_shows_the_error(web, fac, routed):
    web.sign_in(fac)
    page = web.post(f"/queries/{routed.reference}/synthesis",
                    draft(title="My typed title", body=""))
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'value="My typed title"' in html
    assert 'id="body-error"' in html
    assert revision_count() == 0


def test_a_query_awaiting_clarification_shows_a_notice_and_refuses_a_draft(
        web, fac, make_query):
    q = make_query(status="clarification", facilitator=fac)
    web.sign_in(fac)
    html = web.get(f"/queries/{q.reference}/synthesis").get_data(as_text=True)
    assert "waiting for the requester" in html
    assert 'name="action"' not in html
    refused = web.post(f"/queries/{q.reference}/synthesis", draft(),
                       headers={"Referer": f"/queries/{q.reference}/synthesis"})
    assert refused.status_code == 302
    assert revision_count() == 0
    db.session.refresh(q)
    assert q.status == "clarification"


def test_a_published_response_is_corrected_through_the_pages(web, fac, make_query):
    """Saving drafts a correction (readers keep the published text); publishing it needs a
    note; readers then see "Updated on ...: note" and can compare."""
    q = make_query(status="published", facilitator=fac)
    ref = q.reference
    web.sign_in(fac)
    html = web.get(f"/queries/{ref}/synthesis").get_data(as_text=True)
    assert "Saving here drafts a correction" in html
    assert web.post(f"/queries/{ref}/synthesis", draft(body="Corrected body.")
                    ).status_code == 302
    db.session.refresh(q)
    assert (q.response.revision, q.response.body, q.status) == (2, "Body text.", "published")
    page = web.get(f"/queries/{ref}/synthesis").get_data(as_text=True)
    assert "Corrected body." in page and 'name="change_note"' in page
    refused = web.post(f"/queries/{ref}/publish", {"visibility": "community",
                                                   "change_note": ""})
    assert refused.status_code == 422 and "Say what the correction changes." in \
        refused.get_data(as_text=True)
    assert web.post(f"/queries/{ref}/publish", {"visibility": "community",
                                                "change_note": "Fixed a figure"}
                    ).status_code == 302
    db.session.refresh(q)
    assert q.response.body == "Corrected body." and q.response.visibility == "community"
    shown = web.get(f"/kb/{ref}").get_data(as_text=True)
    assert "Updated on" in shown and "Fixed a figure" in shown
    diff = web.get(f"/kb/{ref}/corrections/2").get_data(as_text=True)
    assert "<del>- Body text.</del>" in diff and "<ins>+ Corrected body.</ins>" in diff
    assert web.get(f"/kb/{ref}/corrections/1").status_code == 404


def _synthesis_urls(ref):
    return [("get", f"/queries/{ref}/synthesis", None),
            ("post", f"/queries/{ref}/synthesis", draft()),
            ("post", f"/queries/{ref}/publish", {"visibility": "public"}),
            ("get", f"/queries/{ref}/revisions", None),
            ("get", f"/queries/{ref}/revisions/compare?a=1&b=1", None)]


@pytest.mark.parametrize("who", ["requester", "assigned_expert", "other_member"])
def test_synthesis_pages_are_forbidden_to_members_and_experts(web, make_user, make_query, who):
    expert = make_user("expert")
    fac = make_user("facilitator")
    q = make_query(status="synthesis", experts=(expert,), facilitator=fac,
                   confidentiality="community")
    user = {"requester": q.requester, "assigned_expert": expert,
            "other_member": make_user("member")}[who]
    web.sign_in(user)
    for method, url, data in _synthesis_urls(q.reference):
        response = web.get(url) if method == "get" else web.post(url, data)
        assert response.status_code == 403, (method, url)
    db.session.refresh(q)
    assert q.status == "synthesis" and q.response.revision == 1


def test_synthesis_pages_of_a_restricted_query_are_not_found_for_other_members(
        web, make_user, make_query):
    q = make_query(status="synthesis", confidentiality="restricted")
    web.sign_in(make_user("member"))
    for method, url, data in _synthesis_urls(q.reference):
        response = web.get(url) if method == "get" else web.post(url, data)
        assert response.status_code == 404, (method, url)


def test_unknown_reference_is_not_found_and_anonymous_is_sent_to_sign_in(web, fac, routed):
    for method, url, data in _synthesis_urls(routed.reference):
        response = web.client.get(url) if method == "get" else web.client.post(url, data=data)
        assert response.status_code in (302, 400), (method, url)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    web.sign_in(fac)
    for method, url, data in _synthesis_urls("RB-2026-9999"):
        response = web.get(url) if method == "get" else web.post(url, data)
        assert response.status_code == 404, (method, url)


def test_posting_a_draft_without_the_csrf_token_is_refused(web, fac, routed):
    web.sign_in(fac)
    page = web.post(f"/queries/{routed.reference}/synthesis", draft(), csrf=False)
    assert page.status_code == 400
    assert revision_count() == 0
