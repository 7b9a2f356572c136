"""The consolidated response to a query, and every saved revision of it."""
from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from ..accounts.models import User
from ..extensions import db
from ..markdown import Rendered
from ..models_base import UTCDateTime, utcnow

VISIBILITIES = ("restricted", "group", "community", "public")
RESPONSE_STATUSES = ("draft", "published", "superseded", "retracted")
# A superseded response stays readable (with a banner naming the newer one); a retracted one
# is read by nobody (its former readers are told why: 410).
READABLE_STATUSES = ("published", "superseded")
REVIEW_STATUSES = ("pending", "approved", "changes_requested")


class ConsolidatedResponse(Rendered, db.Model):
    __tablename__ = "responses"
    __markdown__ = ("summary", "body")
    id = Column(Integer, primary_key=True)
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), nullable=False, unique=True)
    title = Column(String(200), nullable=False)
    summary = Column(Text, nullable=False, default="")
    body = Column(Text, nullable=False, default="")
    summary_html = Column(Text)  # the Markdown fields rendered (markdown.Rendered)
    body_html = Column(Text)
    language = Column(String(10), nullable=False, default="en")  # what it is written in
    visibility = Column(String(12), nullable=False, default="restricted")
    status = Column(String(10), nullable=False, default="draft")
    revision = Column(Integer, nullable=False, default=0)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    published_at = Column(UTCDateTime)
    published_by_id = Column(ForeignKey("users.id"))
    # The revision whose text readers see (a correction's draft is a later one until it
    # is published).
    published_revision = Column(Integer)
    superseded_by_id = Column(ForeignKey("responses.id", ondelete="SET NULL"))
    retracted_reason = Column(Text)
    retracted_at = Column(UTCDateTime)
    rating_reminded_at = Column(UTCDateTime)  # the requester was asked to rate it (once)

    query = relationship("FieldQuery", back_populates="response")
    revisions = relationship(
        "ResponseRevision", back_populates="response", order_by="ResponseRevision.number"
    )
    translations = relationship(
        "ResponseTranslation", back_populates="response", order_by="ResponseTranslation.language"
    )
    corrections = relationship(
        "ResponseCorrection", back_populates="response", order_by="ResponseCorrection.revision"
    )
    superseded_by = relationship("ConsolidatedResponse", remote_side=[id],
                                 foreign_keys=[superseded_by_id])

    __table_args__ = (
        Index("ix_responses_status_published", "status", "published_at"),
        # Covers the knowledge base's permission filter: its page count reads no row.
        Index("ix_responses_visible", "status", "visibility", "query_id"),
        # The knowledge base's pages, newest first: read backwards from the newest and
        # filtered from the index alone (knowledge.services._listed_ids), stopping at the page.
        Index("ix_responses_listing", "published_at", "id", "status", "visibility", "query_id"),
        # A query's response's status and visibility without reading its row (the body comes
        # first: a row read is a chain of pages): the country's count, superseded marks.
        Index("ix_responses_query_status", "query_id", "status", "visibility"),
    )


class ResponseRevision(db.Model):
    __tablename__ = "response_revisions"
    id = Column(Integer, primary_key=True)
    response_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), nullable=False)
    number = Column(Integer, nullable=False)
    author_id = Column(ForeignKey("users.id"), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    title = Column(String(200), nullable=False)
    summary = Column(Text, nullable=False, default="")
    body = Column(Text, nullable=False, default="")
    note = Column(String(200), nullable=False, default="")

    response = relationship(ConsolidatedResponse, back_populates="revisions")
    author = relationship(User)

    __table_args__ = (UniqueConstraint("response_id", "number", name="uq_revisions_number"),)


class ResponseTranslation(Rendered, db.Model):
    """A published response in another language, written by a facilitator: read by exactly
    the readers of the original (permissions.can_view_response of its response)."""

    __tablename__ = "response_translations"
    __markdown__ = ("summary", "body")
    id = Column(Integer, primary_key=True)
    response_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), nullable=False)
    language = Column(String(10), nullable=False)  # never the response's own
    title = Column(String(200), nullable=False)
    summary = Column(Text, nullable=False, default="")
    body = Column(Text, nullable=False, default="")
    summary_html = Column(Text)  # the Markdown fields rendered (markdown.Rendered)
    body_html = Column(Text)
    translator_id = Column(ForeignKey("users.id"), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    response = relationship(ConsolidatedResponse, back_populates="translations")
    translator = relationship(User)

    __table_args__ = (UniqueConstraint("response_id", "language",
                                       name="uq_response_translations_language"),)


class ResponseCorrection(db.Model):
    """A correction published on a published response: the revision it published, the one
    readers saw before, and the facilitator's note (shown as "Updated on ...")."""

    __tablename__ = "response_corrections"
    id = Column(Integer, primary_key=True)
    response_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    revision = Column(Integer, nullable=False)
    previous_revision = Column(Integer, nullable=False)
    note = Column(String(200), nullable=False)
    author_id = Column(ForeignKey("users.id"), nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)

    response = relationship(ConsolidatedResponse, back_populates="corrections")


class ReviewRequest(db.Model):
    """A facilitator asks a reviewer (a facilitator or an expert) to review one revision of a
    draft; only an approval of the latest revision lets it be published when reviews are
    required (the REVIEW_REQUIRED setting)."""

    __tablename__ = "review_requests"
    id = Column(Integer, primary_key=True)
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), nullable=False, index=True)
    response_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), nullable=False)
    revision = Column(Integer, nullable=False)
    reviewer_id = Column(ForeignKey("users.id"), nullable=False)
    requested_by_id = Column(ForeignKey("users.id"), nullable=False)
    note = Column(Text, nullable=False, default="")
    status = Column(String(20), nullable=False, default="pending")
    answer_note = Column(Text, nullable=False, default="")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    answered_at = Column(UTCDateTime)

    query = relationship("FieldQuery")
    response = relationship(ConsolidatedResponse)
    reviewer = relationship(User, foreign_keys=[reviewer_id])
    requested_by = relationship(User, foreign_keys=[requested_by_id])

    __table_args__ = (Index("ix_review_requests_reviewer", "reviewer_id", "status"),)


class ResponseRating(db.Model):
    """The requester's rating of the response to their query (one; a new one replaces it)."""

    __tablename__ = "response_ratings"
    id = Column(Integer, primary_key=True)
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), nullable=False,
                      unique=True)
    user_id = Column(ForeignKey("users.id"), nullable=False)
    score = Column(Integer, nullable=False)
    used_for = Column(Text, nullable=False, default="")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    query = relationship("FieldQuery")
    user = relationship(User)


class ResponseFeedback(db.Model):
    """A reader's feedback on a response (one per reader; a new one replaces it): useful or
    not, an optional comment to the facilitators, and whether it looks outdated."""

    __tablename__ = "response_feedback"
    id = Column(Integer, primary_key=True)
    response_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), nullable=False)
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    useful = Column(Boolean, nullable=False)
    comment = Column(Text, nullable=False, default="")
    outdated = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    user = relationship(User)

    __table_args__ = (UniqueConstraint("response_id", "user_id",
                                       name="uq_response_feedback_reader"),
                      Index("ix_response_feedback_outdated", "outdated", "response_id"))


class ResponseLink(db.Model):
    """A facilitator's "See also" link from one response to another."""

    __tablename__ = "response_links"
    response_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    target_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    added_by_id = Column(ForeignKey("users.id"), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    response = relationship(ConsolidatedResponse, foreign_keys=[response_id])
    target = relationship(ConsolidatedResponse, foreign_keys=[target_id])
