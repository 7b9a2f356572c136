"""Synthesis: the prefilled template, revisions, diffs and publication."""
import pytest
from sqlalchemy import select

from reachback.errors import Conflict, Forbidden, Invalid, NotFound
from reachback.extensions import db
from reachback.knowledge import services as kb
from reachback.notify.models import Notification
from reachback.synthesis import services as ss

SECTIONS = ["## The query", "## Synthesis of responses", "## Comparative experiences",
            "## Related resources"]


def test_template_has_the_sections_but_not_the_pages_own_parts(app, make_query, make_user):
    """The summary has its own field and the page lists the contributors: the body repeats
    neither (they were printed twice)."""
    expert = make_user("expert", name="Amina Mensah", organisation="Kofi Annan Centre")
    query = make_query(status="routed", experts=[expert])
    from reachback.queries import services as qs

    qs.add_contribution(expert, query, "Advice")
    draft = ss.draft_template(query)
    for section in SECTIONS:
        assert section in draft["body"]
    assert "## Summary" not in draft["body"] and "## Contributors" not in draft["body"]
    assert "Amina Mensah" not in draft["body"]
    assert query.question in draft["body"]


def test_empty_sections_are_left_out():
    body = ("## The query\n\nWhat worked?\n\n## Synthesis\n\nVet first.\n\n"
            "## Comparative experiences\n\n## Related resources\n\n### Reports\n\n"
            "## Notes\n\n```\n## not a heading\n```\n")
    assert ss.without_empty_sections(body) == (
        "## The query\n\nWhat worked?\n\n## Synthesis\n\nVet first.\n\n"
        "## Notes\n\n```\n## not a heading\n```")
    assert ss.without_empty_sections("Plain text.") == "Plain text."
    assert ss.without_empty_sections("## A\n\n### B\n\nText") == "## A\n\n### B\n\nText"


def test_publishing_leaves_the_templates_empty_sections_out(app, make_query, make_user):
    staff = make_user("facilitator")
    query = make_query(status="routed", facilitator=staff)
    template = ss.draft_template(query)
    ss.save_draft(staff, query, template["title"], "Short.",
                  template["body"].replace("## Synthesis of responses",
                                           "## Synthesis of responses\n\nVet first."))
    ss.publish_response(staff, query, "community")
    assert "## Synthesis of responses\n\nVet first." in query.response.body
    for empty in ("## Comparative experiences", "## Related resources"):
        assert empty not in query.response.body


def test_every_save_is_a_revision_and_revisions_diff(app, make_query, make_user):
    staff = make_user("facilitator")
    query = make_query(status="routed", facilitator=staff)
    ss.save_draft(staff, query, "Title", "Sum", "line one\nline two")
    assert query.status == "synthesis"
    ss.save_draft(staff, query, "Title", "Sum", "line one\nline 2")
    revs = ss.revisions(staff, query)
    assert [r.number for r in revs] == [1, 2]
    diff = str(ss.diff_revisions(revs[0], revs[1]))
    assert "<del>- line two</del>" in diff and "<ins>+ line 2</ins>" in diff
    with pytest.raises(NotFound):
        ss.get_revision(staff, query, 3)


def test_diff_escapes_html(app, make_query, make_user):
    staff = make_user("facilitator")
    query = make_query(facilitator=staff)
    ss.save_draft(staff, query, "T", "S", "a")
    ss.save_draft(staff, query, "T", "S", "<script>alert(1)</script>")
    old, new = ss.revisions(staff, query)
    assert "<script>" not in str(ss.diff_revisions(old, new))


def test_desk_research_draft_from_submitted(app, make_query, make_user):
    staff = make_user("facilitator")
    query = make_query(facilitator=staff)
    ss.save_draft(staff, query, "Desk research", "", "Body")
    assert query.status == "synthesis"
    assert "## Synthesis of responses" in ss.draft_template(query)["body"]


def test_draft_refused_while_waiting_for_clarification(app, make_query, make_user):
    staff = make_user("facilitator")
    query = make_query(status="clarification", facilitator=staff)
    with pytest.raises(Conflict):
        ss.save_draft(staff, query, "T", "S", "B")


def test_only_staff_draft_and_publish(app, make_query, make_user):
    expert = make_user("expert")
    query = make_query(status="synthesis", experts=[expert])
    with pytest.raises(Forbidden):
        ss.save_draft(expert, query, "T", "S", "B")
    with pytest.raises(Forbidden):
        ss.publish_response(query.requester, query, "public")


def test_draft_needs_title_and_body(app, make_query, make_user):
    staff = make_user("facilitator")
    query = make_query(facilitator=staff)
    with pytest.raises(Invalid) as error:
        ss.save_draft(staff, query, " ", "", "")
    assert set(error.value.fields) == {"title", "body"}
    assert query.status == "submitted"


def test_publish_notifies_requester_and_contributors(app, make_query, make_user):
    staff, e1, e2 = make_user("facilitator"), make_user("expert"), make_user("expert")
    query = make_query(status="synthesis", experts=[e1, e2], facilitator=staff)
    with pytest.raises(Invalid):
        ss.publish_response(staff, query, "everyone")
    response = ss.publish_response(staff, query, "public")
    assert query.status == "published" and response.status == "published"
    assert response.published_at is not None
    for user in (query.requester, e1, e2):
        kinds = list(db.session.scalars(
            select(Notification.kind).where(Notification.user_id == user.id)))
        assert "response_published" in kinds
    with pytest.raises(Conflict):  # nothing new: a correction is drafted first
        ss.publish_response(staff, query, "public")


def test_publish_needs_a_draft(app, make_query, make_user):
    staff = make_user("facilitator")
    query = make_query(status="routed", facilitator=staff)
    with pytest.raises(Conflict):
        ss.publish_response(staff, query, "community")


def test_knowledge_base_shows_only_readable_responses(app, make_query, make_user):
    requester = make_user()
    community = make_query(status="published", visibility="community", requester=requester)
    restricted = make_query(status="published", visibility="restricted", requester=requester)
    public = make_query(status="published", visibility="public", requester=requester)
    other = make_user()
    seen = {r.query_id for r in kb.knowledge_base(other).items}
    assert seen == {community.id, public.id}
    assert {r.query_id for r in kb.knowledge_base(requester).items} == {
        community.id, restricted.id, public.id}
    with pytest.raises(NotFound):
        kb.get_published_response(other, restricted.reference)


def test_knowledge_base_theme_filter_includes_sub_themes(app, make_query, make_user):
    q = make_query(status="published", themes=["vetting"])
    make_query(status="published", themes=["courts"])
    reader = make_user()
    parent = q.themes[0].parent.slug
    assert [r.query_id for r in kb.knowledge_base(reader, theme=parent).items] == [q.id]
    assert [r.query_id for r in kb.knowledge_base(reader, country="ss", theme="vetting").items] \
        == [q.id]
