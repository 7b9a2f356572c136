"""E-mail of e-discussions, through the outbox: each new post to the participants who asked
for posts by e-mail (with a signed reply address: a reply becomes a post, reachback.mailin),
and each week's question when the scheduler releases it."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions as perm
from ..errors import Invalid
from ..i18n import language_of, speaking
from ..mailin.tokens import reply_address
from ..notify.services import absolute_url, queue_email
from .models import Discussion, DiscussionParticipant, DiscussionPost, DiscussionQuestion


def participants(discussion: Discussion, posts_only: bool = False):
    """The active participants still in the discussion's audience (an ex-member of its
    group is not written to), with their rows."""
    from ..extensions import db

    stmt = select(DiscussionParticipant).where(
        DiscussionParticipant.discussion_id == discussion.id)
    if posts_only:
        stmt = stmt.where(DiscussionParticipant.email_posts.is_(True))
    for row in db.session.scalars(stmt):
        user = row.user
        if user.active and perm.can_see_discussion(user, discussion):
            yield user


def _link(discussion: Discussion) -> str:
    return absolute_url(f"/discussions/{discussion.id}")


def _queue(users, discussion: Discussion, key: str, write) -> int:
    """Queue one e-mail per user (`write()`: its subject and text, in the user's language),
    once each (dedupe key `key:<user id>`), with the reply address that posts in the
    discussion; returns how many were queued."""
    count = 0
    for user in users:
        with speaking(user):
            subject, text = write()
            text += "\n\n-- \n" + _("Reply to this e-mail to post in the discussion, or "
                                     "read it: %(link)s", link=_link(discussion))
            try:
                email = queue_email(user.email, subject, text, user=user,
                                    dedupe_key=f"{key}:{user.id}",
                                    language=language_of(user))
            except Invalid:  # an address that cannot be mailed must not stop the post
                email = None
        if email is not None:
            email.reply_to = reply_address(discussion.id, user, "discussion")
            count += 1
    return count


def mail_post(post: DiscussionPost) -> int:
    """Queue the post for each participant who wants posts by e-mail (not its author)."""
    discussion = post.discussion
    name, title = post.author.name, discussion.title
    users = [u for u in participants(discussion, posts_only=True) if u.id != post.author_id]
    return _queue(users, discussion, f"discussion-post:{post.id}", lambda: (
        _("[Discussion] %(title)s: %(name)s wrote", title=title, name=name),
        _("%(name)s wrote in the discussion “%(title)s”:", name=name, title=title)
        + "\n\n" + post.body))


def mail_question(question: DiscussionQuestion) -> int:
    """Queue the week's question for every participant."""
    discussion = question.discussion
    title = discussion.title
    return _queue(participants(discussion), discussion, f"discussion-question:{question.id}",
                  lambda: (_("[Discussion] %(title)s: this week's question", title=title),
                           _("This week's question in the discussion “%(title)s”:",
                             title=title) + "\n\n" + question.text))
