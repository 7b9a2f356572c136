"""The consolidated response to a query, and every saved revision of it."""
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from ..accounts.models import User
from ..extensions import db
from ..markdown import Rendered
from ..models_base import UTCDateTime, utcnow

VISIBILITIES = ("restricted", "community", "public")
RESPONSE_STATUSES = ("draft", "published", "retracted")


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

    query = relationship("FieldQuery", back_populates="response")
    revisions = relationship(
        "ResponseRevision", back_populates="response", order_by="ResponseRevision.number"
    )
    translations = relationship(
        "ResponseTranslation", back_populates="response", order_by="ResponseTranslation.language"
    )

    __table_args__ = (
        Index("ix_responses_status_published", "status", "published_at"),
        # Covers the knowledge base's permission filter: its page count reads no row.
        Index("ix_responses_visible", "status", "visibility", "query_id"),
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
