"""Business rules of e-discussions: a facilitator opens one (its audience the community or
one group; a group's facilitators for their own group), its audience posts and replies while
it is open, its moderators (staff, the group's facilitators) hide posts with a reason, post
weekly summaries, and publish the summary that closes it as a library document of kind
`discussion`. Each function takes the acting user, checks reachback.permissions, changes the
database and flushes; the caller commits."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import load_only, selectinload

from .. import lengths, timebounds
from .. import permissions as perm
from ..accounts.models import User, find_user_by_email
from ..audit import audit
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..groups import services as groups
from ..groups.models import Group
from ..knowledge import search
from ..knowledge.models import Document
from ..models_base import utcnow
from .models import (
    DEFAULT_WEEKS,
    Discussion,
    DiscussionParticipant,
    DiscussionPost,
    DiscussionQuestion,
)

CORRECT = "Please correct the highlighted fields."
MAX_QUESTIONS = 12
SUMMARY_VISIBILITIES = ("restricted", "group", "community", "public")
STATUS_ORDER = {"open": 0, "scheduled": 1, "closed": 2}
# What a list of discussions shows (discussions/_macros.html discussion_line) and needs for
# their status: the lists load only these columns.
LISTED = (Discussion.title, Discussion.starts_on, Discussion.ends_on, Discussion.group_id,
          Discussion.closed_at)


# --- checking what is sent ------------------------------------------------------------------

_text = lengths.given_text


def _day(value, name: str, errors: dict, required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            errors[name] = _("This field is required.")
        return None
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value.strip()) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None:
            errors[name] = _("Use a date such as 2026-12-31.")
            return None
    if message := timebounds.date_error(day):
        errors[name] = message
        return None
    return day


def _questions(value, errors: dict) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or not all(isinstance(q, str) for q in value):
        errors["questions"] = _("Give the questions as a list of texts.")
        return []
    questions = [q.strip() for q in value if q.strip()]
    if len(questions) > MAX_QUESTIONS:
        errors["questions"] = _("At most %(count)s questions.", count=MAX_QUESTIONS)
    elif any(lengths.too_long(q, lengths.NOTE) for q in questions):
        errors["questions"] = lengths.too_long(max(questions, key=len), lengths.NOTE)
    return questions


def _invitees(value, errors: dict) -> list[User]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace(",", "\n").splitlines()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors["invite"] = _("Give the e-mail addresses of members.")
        return []
    users, unknown = [], []
    for email in (v.strip() for v in value if v.strip()):
        user = find_user_by_email(email)
        if user is None or not user.active:
            unknown.append(email)
        elif user not in users:
            users.append(user)
    if unknown:
        errors["invite"] = _("No active member has the address %(emails)s.",
                             emails=", ".join(unknown[:5]))
    return users


# --- reading --------------------------------------------------------------------------------

def list_discussions(user, page: bool = False) -> list[Discussion]:
    """The discussions the user may see: open ones first, then scheduled, then closed; the
    soonest first within each. `page`: only what the list page shows (LISTED, the group's
    name), else with their questions (the API)."""
    loads = ((load_only(*LISTED), selectinload(Discussion.group).load_only(Group.name,
                                                                          Group.slug))
             if page else (selectinload(Discussion.group), selectinload(Discussion.questions)))
    rows = list(db.session.scalars(
        select(Discussion).options(*loads).where(perm.visible_discussions(user))
        .order_by(Discussion.starts_on.desc(), Discussion.id.desc()).limit(500)))
    today = timebounds.today()
    rows.sort(key=lambda d: (STATUS_ORDER[d.status_on(today)],
                             d.starts_on.toordinal() * (1 if d.status_on(today) == "scheduled"
                                                        else -1)))
    return rows


def group_discussions(user, group: Group) -> list[Discussion]:
    """The group's discussions the user may see (the group's page), newest first."""
    return list(db.session.scalars(
        select(Discussion).options(load_only(*LISTED))
        .where(Discussion.group_id == group.id, perm.visible_discussions(user))
        .order_by(Discussion.starts_on.desc()).limit(50)))


def get_discussion(user, discussion_id: int) -> Discussion:
    """The discussion, or NotFound (missing, or outside the user's audience)."""
    discussion = db.session.get(Discussion, discussion_id)
    if discussion is None or not perm.can_see_discussion(user, discussion):
        raise NotFound(_("No such discussion."))
    return discussion


def released_questions(discussion: Discussion) -> list[DiscussionQuestion]:
    return [q for q in discussion.questions if q.released_at is not None]


def list_posts(user, discussion: Discussion) -> list[DiscussionPost]:
    """Every post of the discussion, oldest first, with their authors (the caller may see
    the discussion; a hidden post's body is the moderators' only: see post_body)."""
    return list(db.session.scalars(
        select(DiscussionPost).options(selectinload(DiscussionPost.author).load_only(User.name))
        .where(DiscussionPost.discussion_id == discussion.id)
        .order_by(DiscussionPost.created_at, DiscussionPost.id)))


def threads(posts: list[DiscussionPost]) -> list[tuple[DiscussionPost, list[DiscussionPost]]]:
    """(post, its replies) for each post that replies to nothing, in order; a reply to a
    reply goes under the thread's first post."""
    by_id = {p.id: p for p in posts}
    roots: dict[int, list] = {}
    order = []
    for post in posts:
        root = post
        while root.reply_to_id is not None and root.reply_to_id in by_id:
            root = by_id[root.reply_to_id]
        if root is post:
            roots[post.id] = []
            order.append(post)
        else:
            roots[root.id].append(post)
    return [(post, roots[post.id]) for post in order]


def shows_body(user, post: DiscussionPost) -> bool:
    """A hidden post's body: its discussion's moderators only."""
    return not post.hidden or perm.can_moderate_discussion(user, post.discussion)


def participation(user, discussion: Discussion) -> DiscussionParticipant | None:
    return db.session.get(DiscussionParticipant, (discussion.id, user.id))


# --- opening --------------------------------------------------------------------------------

def create_discussion(user, data: dict) -> Discussion:
    """Open a discussion from `data`: title, description (Markdown framing), questions (a
    list of texts, one a week), starts_on, ends_on (by default starts_on + 5 weeks; not
    before starts_on), group (a slug; none: the community), invite (e-mail addresses of the
    resource people invited). Raises Forbidden, Invalid."""
    errors: dict[str, str] = {}
    group = None
    slug = data.get("group")
    if slug not in (None, ""):
        group = db.session.scalar(select(Group).where(Group.slug == slug)) \
            if isinstance(slug, str) else None
        if group is None:
            perm.require(perm.can_open_discussion(user), _("Only facilitators open discussions."))
            errors["group"] = _("No such group.")
    perm.require(perm.can_open_discussion(user, group),
                 _("Only facilitators open discussions."))
    title = _text(data, "title", lengths.TITLE, errors, required=True)
    description = _text(data, "description", lengths.TEXT, errors)
    questions = _questions(data.get("questions"), errors)
    starts_on = _day(data.get("starts_on"), "starts_on", errors, required=True)
    ends_on = _day(data.get("ends_on"), "ends_on", errors)
    if starts_on is not None and ends_on is None and "ends_on" not in errors:
        ends_on = starts_on + timedelta(weeks=DEFAULT_WEEKS)
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The end cannot be before the start.")
    invitees = _invitees(data.get("invite"), errors)
    if errors:
        raise Invalid(_(CORRECT), errors)
    discussion = Discussion(title=title, description=description, starts_on=starts_on,
                            ends_on=ends_on, group=group, created_by_id=user.id,
                            created_at=utcnow())
    discussion.questions = [DiscussionQuestion(position=i, text=text)
                            for i, text in enumerate(questions)]
    db.session.add(discussion)
    db.session.flush()
    for invitee in invitees:
        db.session.add(DiscussionParticipant(discussion_id=discussion.id, user_id=invitee.id,
                                             invited=True, email_posts=True,
                                             created_at=utcnow()))
    db.session.flush()
    if discussion.starts_on <= timebounds.today():
        from .jobs import release_due  # imported here as .mail is (below)

        release_due(discussion)
    audit("discussion_opened", user, subject=str(discussion.id))
    return discussion


# --- taking part ----------------------------------------------------------------------------

def _require_open(discussion: Discussion) -> None:
    status = discussion.status
    if status == "scheduled":
        raise Conflict(_("The discussion has not started yet."))
    if status == "closed":
        raise Conflict(_("The discussion is closed."))


def add_post(user, discussion: Discussion, data: dict, kind: str = "post") -> DiscussionPost:
    """Post (or reply, `reply_to`: a post of the same discussion) while the discussion is
    open; kind "summary" is a moderator's weekly summary. Raises NotFound (outside the
    audience), Forbidden, Conflict (not open), Invalid. The participants who want posts by
    e-mail get it through the outbox."""
    if not perm.can_post_in_discussion(user, discussion):
        raise NotFound(_("No such discussion."))
    if kind == "summary":
        perm.require(perm.can_moderate_discussion(user, discussion),
                     _("Only the discussion's facilitators post weekly summaries."))
    _require_open(discussion)
    errors: dict[str, str] = {}
    body = _text(data, "body", lengths.BODY, errors, required=True)
    reply_to = data.get("reply_to")
    parent = None
    if reply_to not in (None, ""):
        try:
            parent_id = int(reply_to)
        except (TypeError, ValueError):
            parent_id = None
        if isinstance(reply_to, bool):
            parent_id = None
        parent = db.session.get(DiscussionPost, parent_id) \
            if parent_id is not None and 0 < parent_id < 2**31 else None
        if parent is None or parent.discussion_id != discussion.id:
            errors["reply_to"] = _("Reply to a post of this discussion.")
    if errors:
        raise Invalid(_(CORRECT), errors)
    post = DiscussionPost(discussion_id=discussion.id, author_id=user.id, body=body,
                          kind=kind, reply_to_id=parent.id if parent is not None else None,
                          created_at=utcnow())
    db.session.add(post)
    db.session.flush()
    from .mail import mail_post

    mail_post(post)
    return post


def get_post(user, discussion: Discussion, post_id: int) -> DiscussionPost:
    post = db.session.get(DiscussionPost, post_id)
    if post is None or post.discussion_id != discussion.id:
        raise NotFound(_("No such post."))
    return post


def hide_post(user, post: DiscussionPost, reason: str) -> DiscussionPost:
    """A moderator hides a post, with a reason (recorded). Raises Forbidden, Invalid."""
    perm.require(perm.can_moderate_discussion(user, post.discussion),
                 _("Only the discussion's facilitators hide posts."))
    errors: dict[str, str] = {}
    reason = _text({"reason": reason}, "reason", lengths.NOTE, errors, required=True)
    if errors:
        raise Invalid(_(CORRECT), errors)
    post.hidden_at, post.hidden_by_id, post.hidden_reason = utcnow(), user.id, reason
    db.session.flush()
    audit("discussion_post_hidden", user, subject=str(post.id))
    return post


def set_email_posts(user, discussion: Discussion, wanted: bool) -> DiscussionParticipant:
    """A member of the audience asks for the posts by e-mail (or stops)."""
    if not perm.can_see_discussion(user, discussion):
        raise NotFound(_("No such discussion."))
    row = participation(user, discussion)
    if row is None:
        row = DiscussionParticipant(discussion_id=discussion.id, user_id=user.id,
                                    invited=False, created_at=utcnow())
        db.session.add(row)
    row.email_posts = bool(wanted)
    db.session.flush()
    return row


# --- the summary ----------------------------------------------------------------------------

def contributors(discussion: Discussion) -> list[str]:
    """The names of the authors of the discussion's visible posts, by name."""
    names = db.session.scalars(
        select(User.name).join(DiscussionPost, DiscussionPost.author_id == User.id)
        .where(DiscussionPost.discussion_id == discussion.id,
               DiscussionPost.hidden_at.is_(None), DiscussionPost.kind == "post").distinct())
    return sorted(set(names), key=str.casefold)


def openable_groups(user) -> list[Group]:
    """The groups the user may open a discussion for: every group for facilitators, else
    those they facilitate (the form's choices)."""
    if perm.can_open_discussion(user):
        return groups.list_groups(user)
    return [g for g in groups.my_groups(user) if perm.can_open_discussion(user, g)]


def summary_visibility(discussion: Discussion, asked) -> str:
    """The library visibility of the summary: what was asked, else the discussion's own
    audience (community for the community's discussion, group for a group's)."""
    if asked in SUMMARY_VISIBILITIES:
        return asked
    return "community" if discussion.group_id is None else "group"


def publish_summary(user, discussion: Discussion, data: dict) -> Document:
    """The summary product: a library document of kind `discussion` (its body with the
    contributors acknowledged), indexed for search; the discussion closes. Raises Forbidden,
    Conflict (published already, or not started), Invalid."""
    perm.require(perm.can_moderate_discussion(user, discussion),
                 _("Only the discussion's facilitators publish its summary."))
    if discussion.summary_document_id is not None:
        raise Conflict(_("The summary of this discussion is published already."))
    if discussion.status == "scheduled":
        raise Conflict(_("The discussion has not started yet."))
    errors: dict[str, str] = {}
    title = _text(data, "title", lengths.TITLE, errors, required=True)
    summary = _text(data, "summary", lengths.SUMMARY, errors, required=True)
    body = _text(data, "body", lengths.BODY, errors, required=True)
    asked = data.get("visibility")
    if asked not in (None, "") and asked not in SUMMARY_VISIBILITIES:
        errors["visibility"] = _("Choose restricted, group, community or public.")
    if asked == "group" and discussion.group_id is None:
        errors["visibility"] = _("Only a group's discussion has a group to publish to.")
    if errors:
        raise Invalid(_(CORRECT), errors)
    names = contributors(discussion)
    if names:
        body += "\n\n## " + _("Contributors") + "\n\n" + _(
            "With thanks to %(names)s.", names=", ".join(names))
    now = utcnow()
    doc = Document(title=title, kind="discussion", summary=summary, text=body,
                   date=now.date(), visibility=summary_visibility(discussion, asked),
                   group_id=discussion.group_id, created_by_id=user.id, created_at=now, updated_at=now)
    db.session.add(doc)
    db.session.flush()
    search.enqueue(f"document:{doc.id}")
    discussion.summary_document_id, discussion.closed_at = doc.id, now
    db.session.flush()
    audit("discussion_summarised", user, subject=str(discussion.id))
    return doc
