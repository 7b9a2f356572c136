"""Duplicates: a timeline names the other query only to whoever may see it, and publishing
the original tells the duplicates' requesters (with a link only when they may read it)."""
from sqlalchemy import select

from reachback.extensions import db
from reachback.knowledge import services as kb
from reachback.notify.models import Notification, OutboundEmail
from reachback.notify.services import set_preferences
from reachback.queries import lists
from reachback.queries import services as qs
from reachback.queries.models import Event
from reachback.synthesis import services as ss


def close_as_duplicate(staff, duplicate, original):
    qs.close_query(staff, duplicate, "duplicate", duplicate_of=original.reference)
    db.session.commit()


def named(user, query, kind: str, key: str):
    """The reference `user` is shown in the `kind` event of the query's timeline."""
    entry = next(e for e in lists.timeline(user, query) if e.kind == kind)
    return entry.data[key]


def notices_of(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def mails_to(user) -> list[OutboundEmail]:
    return list(db.session.scalars(select(OutboundEmail).where(OutboundEmail.user_id == user.id)))


# --- the timeline ---------------------------------------------------------------------

def test_a_requester_is_not_shown_the_reference_of_another_members_restricted_query(
        app, clock, make_user, make_query):
    staff = make_user("facilitator")
    original, duplicate = make_query(), make_query()  # two members, both restricted
    close_as_duplicate(staff, duplicate, original)
    assert named(duplicate.requester, duplicate, "closed", "duplicate_of") is None
    assert named(original.requester, original, "duplicate_linked", "duplicate") is None
    # Staff see both, and the stored events keep the references.
    assert named(staff, duplicate, "closed", "duplicate_of") == original.reference
    assert named(staff, original, "duplicate_linked", "duplicate") == duplicate.reference
    db.session.expire_all()
    stored = {e.kind: e.data for e in db.session.scalars(
        select(Event).where(Event.kind.in_(("closed", "duplicate_linked"))))}
    assert stored["closed"]["duplicate_of"] == original.reference
    assert stored["duplicate_linked"]["duplicate"] == duplicate.reference


def test_a_requester_who_may_see_the_other_query_is_shown_its_reference(
        app, clock, make_user, make_query):
    staff, member = make_user("facilitator"), make_user("member")
    original = make_query(confidentiality="community")
    duplicate = make_query(requester=member)
    own = make_query(requester=member)  # the same member asked twice
    close_as_duplicate(staff, duplicate, original)
    close_as_duplicate(staff, own, duplicate)
    assert named(member, duplicate, "closed", "duplicate_of") == original.reference
    assert named(member, duplicate, "duplicate_linked", "duplicate") == own.reference
    # The community original's requester may not see the member's restricted duplicate.
    assert named(original.requester, original, "duplicate_linked", "duplicate") is None


# --- publishing the original ------------------------------------------------------------

def publish(staff, original, visibility: str):
    ss.save_draft(staff, original, "Vetting police recruits", "In short.", "Body.")
    ss.publish_response(staff, original, visibility)
    db.session.commit()


def published_with_a_duplicate(make_user, make_query, visibility: str):
    """(original, duplicate, the notice of publication the duplicate's requester got)."""
    staff = make_user("facilitator")
    original, duplicate = make_query(facilitator=staff), make_query()
    close_as_duplicate(staff, duplicate, original)
    publish(staff, original, visibility)
    [notice] = [n for n in notices_of(duplicate.requester) if n.kind == "response_published"]
    return original, duplicate, notice


def test_publishing_the_original_tells_a_duplicates_requester_with_a_link_to_read_it(
        app, clock, make_user, make_query):
    original, duplicate, notice = published_with_a_duplicate(make_user, make_query, "community")
    assert notice.url == f"/kb/{original.reference}"
    assert duplicate.reference in notice.text
    [mail] = [m for m in mails_to(duplicate.requester) if "answered" in m.subject]
    assert f"/kb/{original.reference}" in mail.text_body
    assert kb.get_published_response(duplicate.requester, original.reference)


def test_a_restricted_response_is_announced_without_its_reference_or_a_link(
        app, clock, make_user, make_query):
    original, duplicate, notice = published_with_a_duplicate(make_user, make_query, "restricted")
    assert notice.url == "" and "restricted" in notice.text
    # Neither this nor the closing told them the original's reference, in-app or by e-mail.
    told = [n.text + n.url for n in notices_of(duplicate.requester)]
    told += [m.subject + m.text_body + m.html_body for m in mails_to(duplicate.requester)]
    assert len(told) == 4 and not any(original.reference in t for t in told)


def test_the_duplicates_requester_gets_e_mail_only_as_their_preferences_say(
        app, clock, make_user, make_query):
    staff = make_user("facilitator")
    original, duplicate = make_query(facilitator=staff), make_query()
    set_preferences(duplicate.requester, duplicate.requester, {"response_published": "off"})
    close_as_duplicate(staff, duplicate, original)
    before = len(mails_to(duplicate.requester))
    publish(staff, original, "public")
    assert [n.kind for n in notices_of(duplicate.requester)].count("response_published") == 1
    assert len(mails_to(duplicate.requester)) == before
