"""The scheduler's job for e-discussions: release each week's guiding question when due
(question i on starts_on + 7 * i days) while the discussion is open, e-mailing the
participants. `released_at` makes it idempotent: a question is released (and mailed) once."""
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models_base import utcnow
from ..timebounds import today
from .mail import mail_question
from .models import Discussion, DiscussionQuestion


def release_questions() -> int:
    """Release the questions that are due; returns how many. Commits."""
    day, now, released = today(), utcnow(), 0
    discussions = db.session.scalars(
        select(Discussion).options(selectinload(Discussion.questions))
        .where(Discussion.starts_on <= day, Discussion.ends_on >= day,
               Discussion.closed_at.is_(None),
               Discussion.id.in_(select(DiscussionQuestion.discussion_id)
                                 .where(DiscussionQuestion.released_at.is_(None)))))
    for discussion in discussions:
        released += release_due(discussion, day, now)
    db.session.commit()
    return released


def release_due(discussion: Discussion, day=None, now=None) -> int:
    """Release (and mail) the discussion's questions due by `day`; returns how many. Also
    called when a discussion opens today, so its first question is there from the start."""
    day, now, released = day or today(), now or utcnow(), 0
    for question in discussion.questions:
        due = discussion.starts_on + timedelta(days=7 * question.position)
        if question.released_at is None and due <= day:
            question.released_at = now
            db.session.flush()
            mail_question(question)
            released += 1
    return released
