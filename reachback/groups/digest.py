"""A group's own weekly e-mail digest: each active member who has not opted out
(GroupMembership.digest) receives the group's new items they may read since the group's
last digest (Group.digest_sent_at): its queries they may see, its published responses, its
library documents and its events. Nothing is sent to a member with nothing new; a group
with nothing new for anyone keeps its last date. Bulk mail with a one-click unsubscribe of
the list `group-<slug>`, which turns the member's `digest` off."""
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update

from .. import permissions as perm
from ..accounts.models import User
from ..community.models import CommunityEvent
from ..extensions import db
from ..i18n import language_of, speaking, user_zone
from ..knowledge.models import Document
from ..models_base import utcnow
from ..notify.services import absolute_url, new_message_id, queue_email, render_email
from ..notify.subscriptions import GROUP_LIST, bulk_headers, unsubscribe_url
from ..queries.models import FieldQuery
from ..synthesis.models import ConsolidatedResponse
from .models import Group, GroupMembership

EVERY = timedelta(days=7)


def list_name(group: Group) -> str:
    """The group digest's list (its unsubscribe link names it)."""
    return f"{GROUP_LIST}{group.slug}"


def send_group_digests(now=None) -> int:
    """The scheduled job (run hourly): the digest of each group whose last one is a week
    old (or that never had one). Returns how many e-mails were queued."""
    now = now or utcnow()
    queued = 0
    groups = db.session.scalars(select(Group).where(
        (Group.digest_sent_at.is_(None)) | (Group.digest_sent_at <= now - EVERY))
        .order_by(Group.id)).all()
    for group in groups:
        queued += _send(group, now)
    db.session.commit()
    return queued


def _new_items(group: Group, since, now) -> dict:
    """The statements of the group's items new in (since, now], by kind (each user's
    permission filter is added to them)."""
    return {
        "queries": select(FieldQuery).where(
            FieldQuery.group_id == group.id, FieldQuery.created_at > since,
            FieldQuery.created_at <= now).order_by(FieldQuery.created_at),
        "responses": select(ConsolidatedResponse).join(FieldQuery).where(
            FieldQuery.group_id == group.id, ConsolidatedResponse.status == "published",
            ConsolidatedResponse.published_at > since,
            ConsolidatedResponse.published_at <= now)
        .order_by(ConsolidatedResponse.published_at),
        "documents": select(Document).where(
            Document.group_id == group.id, Document.created_at > since,
            Document.created_at <= now).order_by(Document.created_at),
        "events": select(CommunityEvent).where(
            CommunityEvent.group_id == group.id, CommunityEvent.created_at > since,
            CommunityEvent.created_at <= now).order_by(CommunityEvent.starts_at),
    }


def _visible(kind: str, user):
    return {"queries": perm.visible_queries, "responses": perm.visible_responses,
            "documents": perm.visible_documents, "events": perm.visible_events}[kind](user)


def _send(group: Group, now) -> int:
    since = group.digest_sent_at or max(group.created_at, now - EVERY)
    statements = _new_items(group, since, now)
    readers = db.session.scalars(
        select(User).join(GroupMembership, GroupMembership.user_id == User.id)
        .where(GroupMembership.group_id == group.id, GroupMembership.status == "active",
               GroupMembership.digest.is_(True), User.active.is_(True))
        .order_by(User.id)).all()
    queued = 0
    for user in readers:
        items = {kind: list(db.session.scalars(stmt.where(_visible(kind, user))))
                 for kind, stmt in statements.items()}
        if any(items.values()) and _queue(group, user, items, now):
            queued += 1
    if queued:
        group.digest_sent_at = now
        db.session.flush()
    return queued


def _queue(group: Group, user, items: dict, now) -> bool:
    key = "group-digest:{}:{}:{}-W{:02d}".format(group.id, user.id, *now.isocalendar()[:2])
    count = sum(len(found) for found in items.values())
    with speaking(user):
        text, html = render_email(
            "group_digest", user=user, group=group, items=items, zone=user_zone(user),
            headings=headings(),
            group_link=absolute_url(f"/groups/{group.slug}"),
            unsubscribe_link=unsubscribe_url(user, list_name(group)),
            links={"queries": lambda q: absolute_url(f"/queries/{q.reference}"),
                   "responses": lambda r: absolute_url(f"/kb/{r.query.reference}"),
                   "documents": lambda d: absolute_url(f"/library/{d.id}"),
                   "events": lambda e: absolute_url(f"/calendar/{e.id}")})
        subject = ngettext("[Reachback] %(group)s this week: %(num)d new item",
                           "[Reachback] %(group)s this week: %(num)d new items", count,
                           group=group.name)
    return queue_email(user.email, subject, text, html, user=user, dedupe_key=key, now=now,
                       language=language_of(user), message_id=new_message_id(key),
                       headers=bulk_headers(user, list_name(group))) is not None


def unsubscribe(user, name: str) -> None:
    """The one-click unsubscribe of a group's digest: the member's `digest` turns off (none
    when they left the group, or the group is gone)."""
    slug = name.removeprefix(GROUP_LIST)
    db.session.execute(
        update(GroupMembership).where(
            GroupMembership.user_id == user.id,
            GroupMembership.group_id.in_(select(Group.id).where(Group.slug == slug)))
        .values(digest=False).execution_options(synchronize_session=False))
    db.session.flush()


def headings() -> dict:
    """The digest's section headings, by kind (translated where rendered)."""
    return {"queries": _("New queries"), "responses": _("Published responses"),
            "documents": _("New documents"), "events": _("New events")}
