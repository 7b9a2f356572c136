"""The discussion pages (issue 21): the list, a facilitator's new discussion, posting and
replying while open, hiding with a reason, weekly summaries, closing with the summary,
following by e-mail, and the group page's discussions."""
import re

import pytest
from sqlalchemy import select

from reachback.discussions.models import Discussion, DiscussionPost
from reachback.extensions import db
from reachback.knowledge.models import Document
from tests.discussions.conftest import make_people, open_discussion


@pytest.fixture
def people(app, make_user, clock):
    return make_people(make_user)


def test_a_facilitator_opens_a_discussion_through_the_form(people, signed_in):
    fac = signed_in(people["facilitator"])
    assert fac.get("/discussions/new").status_code == 200
    bad = fac.post("/discussions/new", {"title": "Policing", "starts_on": "2026-12-10",
                                        "ends_on": "2026-12-01", "group": ""})
    assert bad.status_code == 422 and "The end cannot be before the start." in bad.text
    assert db.session.scalar(select(Discussion)) is None
    made = fac.post("/discussions/new", {"title": "Policing", "starts_on": "2026-11-23",
                                         "questions": "What worked?\nWhat failed?",
                                         "group": "wash"})
    assert made.status_code == 302
    d = db.session.scalar(select(Discussion))
    assert (d.group_id, d.status, len(d.questions)) == (people["wash"].id, "open", 2)
    member = signed_in(people["member"])
    assert member.get("/discussions/new").status_code == 403
    assert member.post("/discussions/new", {"title": "X", "starts_on": "2026-11-23"}
                       ).status_code == 403
    group_fac = signed_in(people["group_facilitator"])
    offered = group_fac.get("/discussions/new")
    assert offered.status_code == 200 and "The whole community" not in offered.text
    assert group_fac.post("/discussions/new", {"title": "Wells", "starts_on": "2026-11-24",
                                               "group": "wash"}).status_code == 302
    assert group_fac.post("/discussions/new", {"title": "X", "starts_on": "2026-11-24",
                                               "group": ""}).status_code == 403


def test_the_list_and_the_page_show_what_the_reader_may_see(people, signed_in):
    community = open_discussion(people["facilitator"])
    group = open_discussion(people["facilitator"], group="wash")
    outsider = signed_in(people["other_group"])
    page = outsider.get("/discussions")
    assert page.status_code == 200 and f"/discussions/{community.id}\"" in page.text
    assert f"/discussions/{group.id}\"" not in page.text
    assert outsider.get(f"/discussions/{group.id}").status_code == 404
    member = signed_in(people["group_member"])
    assert member.get(f"/discussions/{group.id}").status_code == 200
    wash = member.get("/groups/wash")
    assert f"/discussions/{group.id}\"" in wash.text


def test_posting_replying_hiding_and_closing(people, signed_in):
    d = open_discussion(people["facilitator"], group="wash")
    member = signed_in(people["group_member"])
    member.get(f"/discussions/{d.id}")
    assert member.post(f"/discussions/{d.id}/posts", {"body": "  "}).status_code == 422
    assert member.post(f"/discussions/{d.id}/posts", {"body": "Boreholes"}).status_code == 302
    post = db.session.scalar(select(DiscussionPost))
    assert member.post(f"/discussions/{d.id}/posts", {"body": "More",
                                                       "reply_to": str(post.id)}
                       ).status_code == 302
    assert member.post(f"/discussions/{d.id}/posts/{post.id}/hide",
                       {"reason": "x"}).status_code == 403
    assert member.post(f"/discussions/{d.id}/weekly", {"weekly-body": "W"}).status_code == 403
    outsider = signed_in(people["other_group"])
    assert outsider.post(f"/discussions/{d.id}/posts", {"body": "Hi"}).status_code == 404
    fac = signed_in(people["group_facilitator"])
    fac.get(f"/discussions/{d.id}")
    assert fac.post(f"/discussions/{d.id}/posts/{post.id}/hide",
                    {"reason": "Off topic"}).status_code == 302
    assert fac.post(f"/discussions/{d.id}/weekly", {"weekly-body": "Week one"}
                    ).status_code == 302
    seen = member.get(f"/discussions/{d.id}").text
    assert "Hidden by the facilitator." in seen and "Boreholes" not in seen
    assert "Week one" in seen
    moderated = fac.get(f"/discussions/{d.id}").text
    assert "Boreholes" in moderated
    # A group's discussion offers its group, chosen by default, for the summary.
    assert re.search(r'<input checked[^>]*value="group"', moderated)
    fields = {"title": "Lessons", "summary": "S", "body": "The product",
              "visibility": "group"}
    refused = fac.post(f"/discussions/{d.id}/summary",
                       {f"summary-{k}": v for k, v in {**fields, "body": " "}.items()})
    assert refused.status_code == 422 and db.session.scalar(select(Document)) is None
    done = fac.post(f"/discussions/{d.id}/summary",
                    {f"summary-{k}": v for k, v in fields.items()})
    assert done.status_code == 302
    doc = db.session.scalar(select(Document))
    assert done.location.endswith(f"/library/{doc.id}")
    assert "The product" in member.get(f"/library/{doc.id}").text
    assert outsider.get(f"/library/{doc.id}").status_code == 404
    page = member.get(f"/discussions/{d.id}").text
    assert "Read the summary" in page and 'name="body"' not in page  # closed: no post form


def test_following_by_email(people, signed_in):
    from reachback.discussions.services import participation

    d = open_discussion(people["facilitator"])
    member = signed_in(people["member"])
    member.get(f"/discussions/{d.id}")
    assert member.post(f"/discussions/{d.id}/follow").status_code == 302
    assert participation(people["member"], d).email_posts
    assert member.post(f"/discussions/{d.id}/follow").status_code == 302
    db.session.expire_all()
    assert not participation(people["member"], d).email_posts


def test_the_pages_run_as_many_statements_for_many_rows_as_for_few(people, signed_in,
                                                                   make_user):
    from reachback.discussions import services as ds
    from reachback.groups import services as gs
    from tests.web.test_no_n_plus_one import statements_of

    d = open_discussion(people["facilitator"], group="wash")
    ids = {"member": people["group_member"].id, "facilitator": people["facilitator"].id}

    def grow(rounds):
        from reachback.accounts.models import User

        for _ in range(rounds):
            open_discussion(db.session.get(User, ids["facilitator"]))
            open_discussion(db.session.get(User, ids["facilitator"]), group="wash")
            author = make_user("member")
            discussion = db.session.get(Discussion, d.id)
            gs.join_group(author, discussion.group)
            post = ds.add_post(author, discussion, {"body": "Point"})
            ds.add_post(db.session.get(User, ids["member"]), discussion,
                        {"body": "Reply", "reply_to": post.id})
            ds.hide_post(db.session.get(User, ids["facilitator"]), post, "Spam")
            db.session.commit()

    member, fac = signed_in(people["group_member"]), signed_in(people["facilitator"])
    pages = [(member, "/discussions"), (member, f"/discussions/{d.id}"),
             (fac, f"/discussions/{d.id}"), (member, "/groups/wash")]
    grow(1)
    few = [statements_of(client.get, url) for client, url in pages]
    grow(3)
    assert [statements_of(client.get, url) for client, url in pages] == few
