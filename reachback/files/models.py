"""Uploaded files (attachments): each belongs to one query, message, contribution, library
document or consolidated response (its annexes). knowledge/models.py imports this module (Document.file), so that the attachments
are mapped, and the owners' `attachments` backrefs exist, wherever documents are."""
from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String
from sqlalchemy.orm import backref, relationship

from ..accounts.models import User
from ..extensions import db
from ..models_base import UTCDateTime, utcnow
from ..queries.models import Contribution, FieldQuery, Message
from ..synthesis.models import ConsolidatedResponse

ATTACHMENT_OWNERS = ("query", "message", "contribution", "document", "response")


class Attachment(db.Model):
    """An uploaded file. The bytes live under <instance>/uploads/ab/cd/<sha256>, never under
    static/; the original name is kept only for the download's Content-Disposition. Exactly one
    owner column is set, and the owner's visibility decides who may download it."""

    __tablename__ = "attachments"
    id = Column(Integer, primary_key=True)
    sha256 = Column(String(64), nullable=False, index=True)
    size = Column(Integer, nullable=False)
    content_type = Column(String(100), nullable=False)
    filename = Column(String(255), nullable=False)
    uploaded_by_id = Column(ForeignKey("users.id"), nullable=False, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), index=True)
    message_id = Column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    contribution_id = Column(ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    document_id = Column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    # An annex of a consolidated response (read by the response's readers).
    response_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)

    uploaded_by = relationship(User)
    # The backrefs give the owners their `attachments` without touching their modules; the
    # pages that show them ask for them (selectinload in queries/lists.py).
    # An owner deleted takes its attachments along (never an attachment without an owner).
    query = relationship(FieldQuery, backref=backref(
        "attachments", order_by="Attachment.id", cascade="all, delete-orphan",
        passive_deletes=True))
    message = relationship(Message, backref=backref(
        "attachments", order_by="Attachment.id", cascade="all, delete-orphan",
        passive_deletes=True))
    contribution = relationship(Contribution, backref=backref(
        "attachments", order_by="Attachment.id", cascade="all, delete-orphan",
        passive_deletes=True))
    document = relationship("Document", foreign_keys=[document_id])
    response = relationship(ConsolidatedResponse, backref=backref(
        "annexes", order_by="Attachment.id", cascade="all, delete-orphan",
        passive_deletes=True))

    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN query_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN message_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN contribution_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN document_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN response_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )

    @property
    def owner_kind(self) -> str | None:
        return next((k for k in ATTACHMENT_OWNERS if getattr(self, f"{k}_id") is not None), None)

    def __str__(self):
        return self.filename
