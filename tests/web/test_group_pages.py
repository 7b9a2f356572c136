"""The group pages (issue 21): the list, a group's page, joining, leaving, approving, the
cap per organisation, an admin's new group, and asking a query in a group."""
from sqlalchemy import select

from reachback.extensions import db
from reachback.groups import services as gs
from reachback.groups.models import Group, GroupMembership
from reachback.queries.models import FieldQuery


def _group(admin, slug="wash", **fields):
    group = gs.create_group(admin, {"name": slug.upper(), "slug": slug, **fields})
    db.session.commit()
    return group


def test_an_admin_creates_a_group_through_the_form(make_user, signed_in):
    admin = signed_in(make_user("admin"))
    assert admin.get("/groups/new").status_code == 200
    bad = admin.post("/groups/new", {"name": "WASH", "slug": "Bad slug", "open": "y"})
    assert bad.status_code == 422 and "lower-case letters" in bad.text
    assert db.session.scalar(select(Group)) is None
    made = admin.post("/groups/new", {"name": "WASH", "slug": "wash",
                                      "max_per_organisation": "2"})
    assert made.status_code == 302 and made.location.endswith("/groups/wash")
    group = db.session.scalar(select(Group))
    assert (group.open, group.max_per_organisation) == (False, 2)
    member = signed_in(make_user("member"))
    assert member.get("/groups/new").status_code == 403
    assert member.post("/groups/new", {"name": "X", "slug": "x"}).status_code == 403
    listed = member.get("/groups")
    assert listed.status_code == 200 and "WASH" in listed.text and "Create a group" not in \
        listed.text


def test_join_open_and_closed_groups_then_leave(make_user, signed_in):
    admin = make_user("admin")
    _group(admin, "wash")
    closed = _group(admin, "closed", open=False)
    user = make_user("member")
    web = signed_in(user)
    assert "Join the group" in web.get("/groups/wash").text
    joined = web.post("/groups/wash/join")
    assert joined.status_code == 302
    assert "Leave the group" in web.get("/groups/wash").text
    web.post("/groups/closed/join")
    mine = gs.membership_of(closed, user.id)
    assert mine.status == "pending"
    gfac = make_user("member")
    gs.join_group(gfac, closed)
    gs.set_role(admin, closed, gfac.id, "facilitator")
    db.session.commit()
    page = signed_in(gfac).get("/groups/closed")
    assert "Waiting for approval" in page.text and "Approve" in page.text
    assert signed_in(make_user("member")).post(
        f"/groups/closed/members/{user.id}/approve").status_code == 403
    assert signed_in(gfac).post(f"/groups/closed/members/{user.id}/approve").status_code == 302
    db.session.expire_all()
    assert gs.membership_of(closed, user.id).status == "active"
    web.post("/groups/wash/leave")
    assert db.session.scalar(select(GroupMembership).join(Group).where(
        Group.slug == "wash", GroupMembership.user_id == user.id)) is None


def test_the_cap_refuses_the_extra_member_on_the_page(make_user, signed_in):
    _group(make_user("admin"), "wash", max_per_organisation=1)
    first, second = (make_user("member", organisation="Oxfam") for _ in range(2))
    signed_in(first).post("/groups/wash/join")
    refused = signed_in(second).post("/groups/wash/join")
    assert refused.status_code == 422
    assert "already has 1 member in this group" in refused.text
    assert "Oxfam" in refused.text


def test_a_member_asks_a_query_for_the_group(make_user, signed_in):
    admin = make_user("admin")
    group = _group(admin, "wash")
    user, outsider = make_user("member"), make_user("member")
    gs.join_group(user, group)
    db.session.commit()
    web = signed_in(user)
    form = web.get("/queries/new").text
    assert 'name="group"' in form and 'value="group"' in form
    assert 'name="group"' not in signed_in(outsider).get("/queries/new").text
    asked = web.post("/queries/new", {
        "title": "Pumps", "question": "Which last?", "country": "SS",
        "themes": ["vetting"], "priority": "normal", "confidentiality": "group",
        "group": "wash", "language": "en"})
    assert asked.status_code == 302, asked.text
    q = db.session.scalar(select(FieldQuery).where(FieldQuery.title == "Pumps"))
    assert (q.group_id, q.confidentiality) == (group.id, "group")
    page = web.get(f"/queries/{q.reference}").text
    assert "/groups/wash" in page
    assert q.reference in web.get("/groups/wash").text
    assert q.reference not in signed_in(outsider).get("/groups/wash").text
    assert signed_in(outsider).get(f"/queries/{q.reference}").status_code == 404


def test_the_group_page_lists_what_the_reader_may_see_with_more_links(
        make_user, signed_in, make_query):
    import io
    from datetime import timedelta

    from werkzeug.datastructures import FileStorage

    from reachback.community import services as cs
    from reachback.groups.services import SHORT_LIST
    from reachback.knowledge import library
    from reachback.models_base import utcnow

    admin, fac = make_user("admin"), make_user("facilitator")
    member, stranger = make_user("member"), make_user("member")
    wash = _group(admin, "wash")
    gs.join_group(member, wash)
    for i in range(SHORT_LIST + 1):
        make_query(requester=member, status="submitted", group="wash",
                   title=f"Group query {i}")
        library.add_document(fac, {"title": f"Group paper {i}", "kind": "guidance",
                                   "date": f"2026-01-{i + 1:02d}", "visibility": "group",
                                   "group": "wash"},
                             FileStorage(io.BytesIO(b"text"), "t.txt"))
        start = utcnow() + timedelta(days=i + 1)
        cs.submit_event(fac, {"title": f"Group meeting {i}", "starts_at": start,
                              "ends_at": start + timedelta(hours=1), "visibility": "group",
                              "group": "wash"})
    db.session.commit()
    page = signed_in(member).get("/groups/wash").text
    assert "Group paper 5" in page and "Group paper 0" not in page  # newest first
    assert "Group meeting 0" in page and "Group meeting 5" not in page  # soonest first
    assert page.count("Group query") == SHORT_LIST
    for link in ("show=queries", "show=events", "/library?group=wash"):
        assert link in page, link
    more = signed_in(member).get("/groups/wash?show=events").text
    assert "Group meeting 5" in more
    library_page = signed_in(member).get("/library?group=wash").text
    assert "Group paper 0" in library_page
    outside = signed_in(stranger).get("/groups/wash").text
    for word in ("Group paper", "Group meeting", "show=events", "/library?group=wash"):
        assert word not in outside
