"""E-discussions, their weekly questions, posts (and weekly summaries) and participants."""
from datetime import date

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from ..accounts.models import User
from ..extensions import db
from ..groups.models import Group
from ..markdown import Rendered
from ..models_base import UTCDateTime, utcnow

DISCUSSION_STATUSES = ("scheduled", "open", "closed")
POST_KINDS = ("post", "summary")  # summary: a facilitator's weekly summary
DEFAULT_WEEKS = 5  # when no end is given: starts_on + 5 weeks (the 4-6 week norm)


class Discussion(Rendered, db.Model):
    """A thematic e-discussion. Its status is derived: scheduled before `starts_on`, open
    from `starts_on` through `ends_on`, closed after `ends_on` or once its summary is
    published (`closed_at`)."""

    __tablename__ = "discussions"
    __markdown__ = ("description",)
    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    description = Column(Text, nullable=False, default="")
    description_html = Column(Text)
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    group_id = Column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    created_by_id = Column(ForeignKey("users.id"), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    closed_at = Column(UTCDateTime)
    summary_document_id = Column(ForeignKey("documents.id", ondelete="SET NULL"))

    group = relationship(Group)
    created_by = relationship(User)
    questions = relationship("DiscussionQuestion", back_populates="discussion",
                             cascade="all, delete-orphan",
                             order_by="DiscussionQuestion.position")
    summary_document = relationship("Document")

    __table_args__ = (Index("ix_discussions_starts_on", "starts_on"),)

    def status_on(self, today: date) -> str:
        if self.closed_at is not None or today > self.ends_on:
            return "closed"
        return "open" if today >= self.starts_on else "scheduled"

    @property
    def status(self) -> str:
        from ..timebounds import today

        return self.status_on(today())

    @property
    def group_slug(self) -> str | None:
        return self.group.slug if self.group_id is not None else None

    def __str__(self):
        return self.title


class DiscussionQuestion(db.Model):
    """A guiding question; question `position` (from 0) is due on starts_on + 7 * position
    days, and shown once the scheduler released it (`released_at`)."""

    __tablename__ = "discussion_questions"
    id = Column(Integer, primary_key=True)
    discussion_id = Column(ForeignKey("discussions.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    released_at = Column(UTCDateTime)

    discussion = relationship(Discussion, back_populates="questions")


class DiscussionPost(Rendered, db.Model):
    """A post (or reply, or a facilitator's weekly summary). A hidden post keeps its body
    for moderators; others see that it was hidden."""

    __tablename__ = "discussion_posts"
    __markdown__ = ("body",)
    id = Column(Integer, primary_key=True)
    discussion_id = Column(ForeignKey("discussions.id", ondelete="CASCADE"), nullable=False)
    author_id = Column(ForeignKey("users.id"), nullable=False, index=True)
    reply_to_id = Column(ForeignKey("discussion_posts.id", ondelete="CASCADE"))
    kind = Column(String(10), nullable=False, default="post")
    body = Column(Text, nullable=False)
    body_html = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    hidden_at = Column(UTCDateTime)
    hidden_by_id = Column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason = Column(Text)

    discussion = relationship(Discussion)
    author = relationship(User, foreign_keys=[author_id])
    hidden_by = relationship(User, foreign_keys=[hidden_by_id])

    __table_args__ = (Index("ix_discussion_posts_discussion", "discussion_id", "created_at"),)

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class DiscussionParticipant(db.Model):
    """Someone following a discussion: an invited resource person (`invited`), or a member
    who asked for its posts by e-mail (`email_posts`)."""

    __tablename__ = "discussion_participants"
    discussion_id = Column(ForeignKey("discussions.id", ondelete="CASCADE"), primary_key=True)
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    invited = Column(Boolean, nullable=False, default=False)
    email_posts = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    user = relationship(User)
