"""The monthly newsletter's rules (reachback/newsletters/services.py): what a draft gathers
(community and public items only), who drafts, edits and sends, the refusals, who reads a
sent one, the opt-out, the outbox and search."""
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from reachback import permissions as perm
from reachback.accounts.models import User
from reachback.community import services as community
from reachback.errors import Conflict, Forbidden, Invalid, NotFound
from reachback.extensions import db
from reachback.knowledge import library, search
from reachback.newsletters import services as svc
from reachback.notify import subscriptions as subs
from reachback.notify.models import OutboundEmail

ANONYMOUS = AnonymousUserMixin()


def add_document(staff, title, visibility="community", kind="guidance"):
    return library.add_document(
        staff, {"title": title, "kind": kind, "summary": f"About {title}.",
                "date": "2026-11-02", "visibility": visibility, "themes": ["vetting"],
                "countries": ["SS"]},
        FileStorage(io.BytesIO(b"some text"), "doc.txt"))


def add_event(staff, title, starts, visibility="community"):
    return community.submit_event(staff, {
        "title": title, "description": "Bring your cases.", "starts_at": starts,
        "ends_at": starts.replace("14:00", "16:00"), "location": "Geneva",
        "visibility": visibility})


@pytest.fixture
def month(app, clock, make_user, make_query):
    """November 2026 (the clock's): a response of each visibility, library additions of
    each, events this month and next, a notice on the board."""
    staff = make_user("facilitator")
    q = {v: make_query(status="published", visibility=v, facilitator=staff,
                       title=f"A {v} response")
         for v in ("public", "community", "restricted")}
    docs = {"public": add_document(staff, "Public guidance", "public"),
            "community": add_document(staff, "Community guidance"),
            "restricted": add_document(staff, "Restricted guidance", "restricted"),
            "discussion": add_document(staff, "Discussion on vetting", "public", "discussion")}
    events = {"next": add_event(staff, "December exchange", "2026-12-03T14:00:00+00:00",
                                "public"),
              "next_community": add_event(staff, "Members' call", "2026-12-10T14:00:00+00:00"),
              "this": add_event(staff, "November exchange", "2026-11-25T14:00:00+00:00",
                                "public")}
    notice = community.submit_notice(staff, {"title": "Vacancy in Juba",
                                             "expires_on": "2026-12-20"})
    db.session.commit()
    return {"staff": staff, "queries": q, "docs": docs, "events": events, "notice": notice}


def kinds_and_titles(newsletter):
    return [(i.kind, i.title) for i in newsletter.items]


def test_a_draft_gathers_the_months_community_and_public_items_only(month):
    newsletter = svc.draft(month["staff"], "2026-11")
    db.session.commit()
    assert newsletter.status == "draft" and newsletter.editorial == ""
    assert newsletter.title == "Reachback newsletter: November 2026"
    assert kinds_and_titles(newsletter) == [
        ("response", "A public response"), ("response", "A community response"),
        ("document", "Public guidance"), ("document", "Community guidance"),
        ("discussion", "Discussion on vetting"),
        ("event", "December exchange"), ("event", "Members' call"),
        ("notice", "Vacancy in Juba")]
    assert all(i.included for i in newsletter.items)
    assert newsletter.items[0].url == f"/kb/{month['queries']['public'].reference}"
    # A notice is the members': the newsletter is the community's.
    assert newsletter.visibility == "community"


def test_another_month_gathers_nothing_of_november(month):
    newsletter = svc.draft(month["staff"], "2026-10")
    # October's "next month" is November: its events (the November exchange) only.
    assert [i.title for i in newsletter.items if i.kind != "notice"] == ["November exchange"]


def test_only_facilitators_draft_and_a_bad_month_or_a_second_one_is_refused(month, make_user):
    with pytest.raises(Forbidden):
        svc.draft(make_user("member"), "2026-11")
    for bad in ("2026-13", "2026-1", "November", "", None, 202611, "1999-12"):
        with pytest.raises(Invalid) as refused:
            svc.draft(month["staff"], bad)
        assert "month" in refused.value.fields
    svc.draft(month["staff"], "2026-11")
    db.session.commit()
    with pytest.raises(Conflict):
        svc.draft(month["staff"], "2026-11")


def included(newsletter, kinds):
    return {item.id: {"included": item.kind in kinds} for item in newsletter.items}


def test_editing_changes_the_draft_and_its_readers(month):
    newsletter = svc.draft(month["staff"], "2026-11")
    first, last = newsletter.items[0], newsletter.items[-1]
    svc.edit(month["staff"], newsletter, {
        "title": "November news", "editorial": "**Welcome**",
        "items": {first.id: {"title": "Renamed", "blurb": "Shorter.", "position": 99},
                  last.id: {"position": 0}}})
    db.session.commit()
    assert newsletter.items[0].id == last.id and newsletter.items[-1].id == first.id
    assert [i.position for i in newsletter.items] == list(range(len(newsletter.items)))
    assert (first.title, first.blurb) == ("Renamed", "Shorter.")
    assert "<strong>Welcome</strong>" in newsletter.html("editorial")
    # Only public items left: a public newsletter.
    public = {i.id: {"included": i.visibility == "public" and i.kind != "notice"}
              for i in newsletter.items}
    svc.edit(month["staff"], newsletter, {"items": public})
    assert newsletter.visibility == "public"


def test_a_refused_edit_changes_nothing(month, make_user):
    newsletter = svc.draft(month["staff"], "2026-11")
    item = newsletter.items[0]
    with pytest.raises(Invalid) as refused:
        svc.edit(month["staff"], newsletter, {"title": "Changed", "items": {
            item.id: {"title": " "}, 987654: {"title": "x"}}})
    assert set(refused.value.fields) == {f"items.{item.id}.title", "items.987654"}
    assert newsletter.title == "Reachback newsletter: November 2026"
    with pytest.raises(Forbidden):
        svc.edit(make_user("member"), newsletter, {"title": "Mine"})


def test_sending_queues_one_email_per_member_who_has_not_opted_out(month, make_user, clock):
    staff = month["staff"]
    out, gone = make_user("member"), make_user("member")
    subs.set_newsletter(out, False)
    gone.active = False
    newsletter = svc.draft(staff, "2026-11")
    svc.send(staff, newsletter)
    db.session.commit()
    mails = db.session.scalars(select(OutboundEmail).where(
        OutboundEmail.dedupe_key.like(f"newsletter:{newsletter.id}:%"))).all()
    recipients = {m.recipient for m in mails}
    assert out.email not in recipients and gone.email not in recipients
    assert staff.email in recipients
    assert newsletter.status == "sending" and newsletter.recipients == len(mails) > 1
    assert newsletter.sent_at == clock.now and newsletter.sent_by_id == staff.id
    mail = next(m for m in mails if m.recipient == staff.email)
    assert mail.subject == "[Reachback] Reachback newsletter: November 2026"
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail.headers["List-Unsubscribe"].strip("<>")
    assert link in mail.text_body and link in mail.html_body
    assert "A community response" in mail.text_body and "Vacancy in Juba" in mail.html_body
    with pytest.raises(Conflict):
        svc.send(staff, newsletter)
    with pytest.raises(Conflict):
        svc.edit(staff, newsletter, {"title": "Late"})


def test_sending_spreads_the_emails_over_the_delivery_runs(app, month, make_user, clock):
    app.config.update(MAIL_BATCH_SIZE=2, SCHEDULER_OUTBOX_SECONDS=30)
    for _ in range(3):
        make_user("member")
    newsletter = svc.send(month["staff"], svc.draft(month["staff"], "2026-11"))
    dues = sorted(db.session.scalars(select(OutboundEmail.next_attempt_at).where(
        OutboundEmail.dedupe_key.like(f"newsletter:{newsletter.id}:%"))))
    assert dues[:2] == [clock.now] * 2 and dues[2] == clock.now + timedelta(seconds=30)
    assert dues[-1] == clock.now + timedelta(seconds=30 * ((len(dues) - 1) // 2))


def test_a_member_cannot_send_and_the_newsletter_is_sent_once_the_outbox_drained(
        month, make_user):
    newsletter = svc.draft(month["staff"], "2026-11")
    with pytest.raises(Forbidden):
        svc.send(make_user("member"), newsletter)
    assert newsletter.status == "draft"
    svc.send(month["staff"], newsletter)
    db.session.commit()
    assert svc.finish_sending() == 0 and newsletter.status == "sending"
    db.session.execute(db.update(OutboundEmail).values(status="sent"))
    assert svc.finish_sending() == 1
    db.session.refresh(newsletter)
    assert newsletter.status == "sent"


def test_an_item_no_longer_readable_leaves_the_newsletter_when_it_is_sent(month):
    from reachback.synthesis import lifecycle

    newsletter = svc.draft(month["staff"], "2026-11")
    svc.edit(month["staff"], newsletter, {"items": {
        i.id: {"included": i.visibility == "public" and i.kind != "notice"}
        for i in newsletter.items}})
    assert newsletter.visibility == "public"
    # The public library document turns community before the newsletter goes out.
    doc = month["docs"]["public"]
    doc.visibility = "community"
    lifecycle.retract(month["staff"], month["queries"]["public"].reference, "Wrong.")
    db.session.flush()
    svc.send(month["staff"], newsletter)
    response = next(i for i in newsletter.items if i.kind == "response")
    assert not response.included
    assert newsletter.visibility == "community"


def test_readers_of_a_sent_newsletter(month, make_user):
    staff, member = month["staff"], make_user("member")
    community_one = svc.send(staff, svc.draft(staff, "2026-11"))
    public_one = svc.draft(staff, "2026-10")
    svc.edit(staff, public_one, {"items": {
        i.id: {"included": i.kind == "event"} for i in public_one.items}})
    draft = svc.draft(staff, "2026-09")
    svc.send(staff, public_one)
    db.session.commit()
    assert public_one.visibility == "public" and community_one.visibility == "community"
    assert svc.archive(ANONYMOUS) == [public_one]
    assert svc.archive(member) == [community_one, public_one]
    assert svc.drafts(member) == [] and svc.drafts(staff) == [draft]
    assert svc.latest_for(ANONYMOUS) == public_one
    assert svc.latest_for(member) == community_one
    for user, newsletter in ((ANONYMOUS, community_one), (member, draft), (ANONYMOUS, draft)):
        with pytest.raises(NotFound):
            svc.get_newsletter(user, newsletter.id)
    assert svc.get_newsletter(staff, draft.id) == draft
    assert svc.get_newsletter(ANONYMOUS, public_one.id) == public_one
    for newsletter in (community_one, public_one, draft):  # the filter and the check agree
        for user in (ANONYMOUS, member, staff):
            listed = db.session.scalar(select(db.func.count()).where(
                perm.visible_newsletters(user), svc.Newsletter.id == newsletter.id))
            assert bool(listed) == (perm.can_view_newsletter(user, newsletter)
                                    and newsletter.status != "draft")


def test_the_latest_is_none_before_any_is_sent(month):
    svc.draft(month["staff"], "2026-11")
    assert svc.latest_for(month["staff"]) is None


def test_members_choose_and_the_one_click_link_opts_out(month, make_user):
    member = make_user("member")
    assert svc.receives(member)
    svc.choose(member, False)
    assert not svc.receives(member)
    svc.choose(member, True)
    assert svc.receives(member)
    with pytest.raises(Forbidden):
        svc.choose(ANONYMOUS, False)
    token = subs.unsubscribe_token(member, "newsletter")
    assert subs.unsubscribe(token) == (member, "newsletter")
    assert not svc.receives(member)
    assert member.id not in [u.id for u in svc.recipients_of()]


def test_the_recipients_are_counted_as_they_are_listed(month, make_user):
    """The send page's figure (count_recipients, counted by the database) is the number
    of members send() mails: not the inactive, the opted-out, nor an address that cannot
    be mailed (no "@", a line break)."""
    before = svc.count_recipients()
    assert before == len(svc.recipients_of())
    make_user("member")
    make_user("member").active = False
    subs.set_newsletter(make_user("member"), False)
    for address in ("no-at-sign", "two@lines\n.org", "a@b\r.org"):
        db.session.execute(update(User).where(User.id == make_user("member").id)
                           .values(email=address))
    db.session.commit()
    listed = svc.recipients_of()
    assert svc.count_recipients() == len(listed) == before + 1
    assert not {"no-at-sign", "two@lines\n.org", "a@b\r.org"} & {u.email for u in listed}


def test_sent_newsletters_are_found_by_their_readers_only(app, month, make_user):
    staff = month["staff"]
    member = make_user("member")
    community_one = svc.draft(staff, "2026-11")
    svc.edit(staff, community_one, {"editorial": "Xylophonic community editorial"})
    svc.send(staff, community_one)
    public_one = svc.draft(staff, "2026-10")
    svc.edit(staff, public_one, {"editorial": "Xylophonic public editorial", "items": {
        i.id: {"included": i.kind == "event"} for i in public_one.items}})
    svc.send(staff, public_one)
    draft = svc.draft(staff, "2026-09")
    svc.edit(staff, draft, {"editorial": "Xylophonic draft"})
    db.session.commit()
    try:
        search.apply_outbox()
        with app.test_request_context():
            found = search.search(member, "xylophonic")
            assert sorted(i.url for i in found.items) == sorted(
                [f"/newsletters/{community_one.id}", f"/newsletters/{public_one.id}"])
            assert [i.url for i in search.search(ANONYMOUS, "xylophonic").items] == [
                f"/newsletters/{public_one.id}"]
            assert search.search(member, "", {"kind": "newsletter"}).total == 2
    finally:
        search.get_index().close()


def test_the_month_is_parsed_to_utc_bounds():
    assert svc.parse_month("2026-12") == (datetime(2026, 12, 1, tzinfo=UTC),
                                          datetime(2027, 1, 1, tzinfo=UTC))
