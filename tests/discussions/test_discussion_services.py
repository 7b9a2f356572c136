"""E-discussions (issue 21): status from the dates, who sees, opens, posts and moderates,
replies, hidden posts, the summary product, the weekly questions and the e-mail of posts."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from reachback import permissions as perm
from reachback.discussions import services as ds
from reachback.discussions.jobs import release_questions
from reachback.errors import Conflict, Forbidden, Invalid, NotFound
from reachback.extensions import db
from reachback.groups import services as gs
from reachback.knowledge.models import Document, SearchOutbox
from reachback.notify.models import OutboundEmail

from .conftest import open_discussion

TODAY = date(2026, 11, 23)  # the frozen clock's day


def test_status_follows_the_dates_and_the_summary(people, clock):
    soon = open_discussion(people["facilitator"], starts_on=TODAY + timedelta(days=3))
    assert soon.status == "scheduled"
    assert soon.ends_on == soon.starts_on + timedelta(weeks=5)
    today = open_discussion(people["facilitator"])
    assert today.status == "open"
    clock.set(datetime(2026, 12, 28, 9, 0, tzinfo=clock.now.tzinfo))  # its last day
    assert today.status == "open"
    clock.advance(timedelta(days=1))
    assert today.status == "closed"


def test_an_end_before_the_start_is_refused(people):
    with pytest.raises(Invalid) as refused:
        open_discussion(people["facilitator"], ends_on="2026-11-01")
    assert "ends_on" in refused.value.fields
    with pytest.raises(Invalid) as refused:
        ds.create_discussion(people["facilitator"], {"title": " ", "starts_on": "soon"})
    assert set(refused.value.fields) >= {"title", "starts_on"}


def test_who_opens_a_discussion(people):
    with pytest.raises(Forbidden):
        open_discussion(people["member"])
    with pytest.raises(Forbidden):
        open_discussion(people["group_member"], group="wash")
    with pytest.raises(Forbidden):  # a group's facilitator: their own group only
        open_discussion(people["group_facilitator"], group="other")
    with pytest.raises(Forbidden):
        open_discussion(people["group_facilitator"])
    assert open_discussion(people["group_facilitator"], group="wash").group_id \
        == people["wash"].id
    with pytest.raises(Invalid):
        open_discussion(people["facilitator"], group="nope")


def test_a_group_discussion_is_seen_by_its_group_and_staff_only(people):
    d = open_discussion(people["facilitator"], group="wash")
    community = open_discussion(people["facilitator"])
    for role, sees in {"admin": True, "facilitator": True, "group_member": True,
                       "group_facilitator": True, "member": False,
                       "other_group": False}.items():
        user = people[role]
        assert perm.can_see_discussion(user, d) is sees, role
        listed = [x.id for x in ds.list_discussions(user)]
        assert (d.id in listed) is sees, role
        assert community.id in listed
    with pytest.raises(NotFound):
        ds.get_discussion(people["other_group"], d.id)
    gs.remove_member(people["group_member"], people["wash"], people["group_member"].id)
    assert not perm.can_see_discussion(people["group_member"], d)  # at once


def test_invited_resource_people_join_the_audience(people, make_user):
    guest = make_user("expert")
    d = open_discussion(people["facilitator"], group="wash", invite=[guest.email])
    assert perm.can_see_discussion(guest, d)
    assert d.id in [x.id for x in ds.list_discussions(guest)]
    with pytest.raises(Invalid) as refused:
        open_discussion(people["facilitator"], invite=["nobody@example.org"])
    assert "invite" in refused.value.fields


def test_posting_only_while_open_and_only_in_the_audience(people, clock):
    d = open_discussion(people["facilitator"], group="wash")
    soon = open_discussion(people["facilitator"], starts_on=TODAY + timedelta(days=1))
    with pytest.raises(Conflict):
        ds.add_post(people["member"], soon, {"body": "Early"})
    with pytest.raises(NotFound):
        ds.add_post(people["other_group"], d, {"body": "Me too"})
    post = ds.add_post(people["group_member"], d, {"body": "We trained *patrols*."})
    reply = ds.add_post(people["group_facilitator"], d, {"body": "How?", "reply_to": post.id})
    assert reply.reply_to_id == post.id
    elsewhere = open_discussion(people["facilitator"])
    with pytest.raises(Invalid) as refused:  # a reply to another discussion's post
        ds.add_post(people["member"], elsewhere, {"body": "Hm", "reply_to": post.id})
    assert "reply_to" in refused.value.fields
    with pytest.raises(Invalid):
        ds.add_post(people["group_member"], d, {"body": "  "})
    clock.advance(timedelta(weeks=6))
    with pytest.raises(Conflict):
        ds.add_post(people["group_member"], d, {"body": "Late"})
    threads = ds.threads(ds.list_posts(people["admin"], d))
    assert [(root.id, [r.id for r in replies]) for root, replies in threads] \
        == [(post.id, [reply.id])]


def test_moderators_hide_posts_with_a_reason_and_post_weekly_summaries(people):
    d = open_discussion(people["facilitator"], group="wash")
    post = ds.add_post(people["group_member"], d, {"body": "Off topic"})
    with pytest.raises(Forbidden):
        ds.hide_post(people["group_member"], post, "no")
    with pytest.raises(Forbidden):
        ds.add_post(people["group_member"], d, {"body": "Week 1"}, kind="summary")
    with pytest.raises(Invalid):
        ds.hide_post(people["group_facilitator"], post, " ")
    ds.hide_post(people["group_facilitator"], post, "Off topic")
    assert post.hidden and post.hidden_reason == "Off topic"
    assert post.hidden_by_id == people["group_facilitator"].id
    assert ds.shows_body(people["admin"], post)
    assert not ds.shows_body(people["group_member"], post)
    weekly = ds.add_post(people["group_facilitator"], d, {"body": "Week 1"}, kind="summary")
    assert weekly.kind == "summary"


def test_the_summary_is_a_library_document_that_closes_the_discussion(people):
    d = open_discussion(people["facilitator"])
    ds.add_post(people["member"], d, {"body": "Point"})
    hidden = ds.add_post(people["group_member"], d, {"body": "Spam"})
    ds.hide_post(people["facilitator"], hidden, "Spam")
    data = {"title": "What we learnt", "summary": "Short", "body": "Long", "visibility": None}
    with pytest.raises(Forbidden):
        ds.publish_summary(people["member"], d, data)
    doc = ds.publish_summary(people["facilitator"], d, data)
    db.session.commit()
    assert (doc.kind, doc.visibility) == ("discussion", "community")
    assert people["member"].name in doc.text and people["group_member"].name not in doc.text
    assert d.status == "closed" and d.summary_document_id == doc.id
    assert db.session.scalar(select(SearchOutbox.id).where(
        SearchOutbox.key == f"document:{doc.id}")) is not None
    with pytest.raises(Conflict):
        ds.add_post(people["member"], d, {"body": "After"})
    with pytest.raises(Conflict):
        ds.publish_summary(people["facilitator"], d, data)


def test_a_group_summary_is_its_groups_unless_asked_otherwise(people):
    data = {"title": "T", "summary": "S", "body": "B"}
    d = open_discussion(people["facilitator"], group="wash")
    doc = ds.publish_summary(people["group_facilitator"], d, data)
    assert (doc.visibility, doc.group_id) == ("group", d.group_id)
    d2 = open_discussion(people["facilitator"], group="wash")
    assert ds.publish_summary(people["facilitator"], d2,
                              {**data, "visibility": "public"}).visibility == "public"
    with pytest.raises(Invalid):
        ds.publish_summary(people["facilitator"], open_discussion(people["facilitator"]),
                           {**data, "visibility": "group"})
    assert db.session.scalar(select(Document.id).where(Document.kind == "discussion"))


def test_posts_are_mailed_to_the_participants_who_asked(people):
    d = open_discussion(people["facilitator"], group="wash")
    ds.set_email_posts(people["group_facilitator"], d, True)
    ds.set_email_posts(people["group_member"], d, True)
    ds.set_email_posts(people["admin"], d, False)
    post = ds.add_post(people["group_member"], d, {"body": "Hello all"})
    db.session.commit()
    mails = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.dedupe_key.like(f"discussion-post:{post.id}:%"))).all()
    assert [m.recipient for m in mails] == [people["group_facilitator"].email]
    assert "Hello all" in mails[0].text_body and mails[0].reply_to.startswith(f"reply-{d.id}-")
    with pytest.raises(NotFound):
        ds.set_email_posts(people["other_group"], d, True)


def test_the_weekly_question_is_released_when_due_once(people, make_user, clock):
    guest = make_user("expert")
    d = open_discussion(people["facilitator"], starts_on=TODAY + timedelta(days=1),
                        invite=[guest.email])
    assert release_questions() == 0  # not started
    clock.advance(timedelta(days=1))
    assert release_questions() == 1
    assert release_questions() == 0  # idempotent
    assert [q.text for q in ds.released_questions(d)] == ["What worked?"]
    assert db.session.scalar(select(OutboundEmail.recipient).where(
        OutboundEmail.dedupe_key.like("discussion-question:%"))) == guest.email
    clock.advance(timedelta(days=7))
    assert release_questions() == 1
    assert len(ds.released_questions(d)) == 2


def test_a_discussion_opening_today_has_its_first_question_at_once(people, make_user):
    guest = make_user("expert")
    d = open_discussion(people["facilitator"], invite=[guest.email])
    assert [q.text for q in ds.released_questions(d)] == ["What worked?"]
    assert db.session.scalar(select(OutboundEmail.recipient).where(
        OutboundEmail.dedupe_key.like("discussion-question:%"))) == guest.email
    assert release_questions() == 0  # the job finds nothing more due today


def test_a_reply_by_mail_becomes_a_post_for_the_audience_while_open(app, people, clock):
    from reachback.discussions.models import DiscussionPost
    from reachback.mailin.tokens import reply_address
    from tests.service.mail_in_helpers import message, receive

    app.config.update(MAIL_SENDER="Reachback <rb@example.org>")
    d = open_discussion(people["facilitator"], group="wash")
    member, outsider = people["group_member"], people["other_group"]
    code, _line = receive(app, message(member.email, reply_address(d.id, member, "discussion"),
                                       body="By mail: boreholes."))
    assert code == 0
    posts = db.session.scalars(select(DiscussionPost).where(
        DiscussionPost.discussion_id == d.id)).all()
    assert [(p.author_id, p.body) for p in posts] == [(member.id, "By mail: boreholes.")]
    # Outside the audience, or from another address: refused, nothing stored.
    assert receive(app, message(outsider.email, reply_address(d.id, outsider, "discussion"),
                                body="Hi"))[0] == 67
    assert receive(app, message(outsider.email, reply_address(d.id, member, "discussion"),
                                body="Hi"))[0] == 67
    clock.advance(timedelta(weeks=6))  # closed
    assert receive(app, message(member.email, reply_address(d.id, member, "discussion"),
                                body="Late"))[0] == 67
    assert db.session.scalar(select(db.func.count(DiscussionPost.id))) == 1


def test_the_summary_is_found_by_search_by_its_readers_only(app, people):
    from flask_login import AnonymousUserMixin

    from reachback.knowledge import search

    data = {"title": "Ceasefire policing lessons", "summary": "Short",
            "body": "Quarrymen patrols worked"}
    community = open_discussion(people["facilitator"])
    ds.add_post(people["member"], community, {"body": "Point"})
    ds.publish_summary(people["facilitator"], community, data)
    group = open_discussion(people["facilitator"], group="wash")
    ds.publish_summary(people["facilitator"], group, {**data, "body": "Zanzibarite wells"})
    db.session.commit()
    try:
        search.apply_outbox()
        with app.test_request_context():
            found = search.search(people["member"], "quarrymen")
            assert [i.kind for i in found.items] == ["discussion"]
            assert search.search(people["member"], "", {"kind": "discussion"}).total == 1
            assert search.search(AnonymousUserMixin(), "quarrymen").total == 0
            # A group's summary is its group's: found by its members and staff, by no one
            # else.
            for role in ("member", "other_group"):
                assert search.search(people[role], "zanzibarite").total == 0, role
            for role in ("group_member", "admin"):
                assert search.search(people[role], "zanzibarite").total == 1, role
    finally:
        search.get_index().close()
