"""A monthly newsletter and its items (a snapshot of what it presents, editable)."""
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from ..accounts.models import User
from ..extensions import db
from ..markdown import Rendered
from ..models_base import UTCDateTime, utcnow

# draft: the facilitators edit it; sending: its e-mails are queued in the outbox; sent: the
# outbox has delivered (or given up on) every one of them. Sending and sent ones are
# published: in the archive, the library and search.
NEWSLETTER_STATUSES = ("draft", "sending", "sent")
PUBLISHED_STATUSES = ("sending", "sent")
ITEM_KINDS = ("response", "discussion", "document", "event", "notice")


class Newsletter(Rendered, db.Model):
    """One month's newsletter. `visibility` is "public" when every included item is public
    (its web version is then open to anyone), else "community" (signed-in members)."""

    __tablename__ = "newsletters"
    __markdown__ = ("editorial",)
    id = Column(Integer, primary_key=True)
    month = Column(String(7), nullable=False, unique=True)  # YYYY-MM
    title = Column(String(200), nullable=False)
    editorial = Column(Text, nullable=False, default="")
    editorial_html = Column(Text)
    status = Column(String(10), nullable=False, default="draft")
    visibility = Column(String(12), nullable=False, default="community")
    created_by_id = Column(ForeignKey("users.id"), nullable=False, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    sent_by_id = Column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at = Column(UTCDateTime)  # when its e-mails were queued
    recipients = Column(Integer, nullable=False, default=0)

    created_by = relationship(User, foreign_keys=[created_by_id])
    items = relationship("NewsletterItem", cascade="all, delete-orphan",
                         order_by="NewsletterItem.position", back_populates="newsletter")

    __table_args__ = (Index("ix_newsletters_status_month", "status", "month"),)

    @property
    def included(self) -> list:
        return [item for item in self.items if item.included]

    def __str__(self):
        return self.title


class NewsletterItem(db.Model):
    """One thing a newsletter presents: a response, a discussion summary, a library
    document, an event or a notice (`item_id` is its id), with its title, blurb, link and
    visibility as drafted; the facilitator edits the title and blurb, excludes or moves it."""

    __tablename__ = "newsletter_items"
    id = Column(Integer, primary_key=True)
    newsletter_id = Column(ForeignKey("newsletters.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    position = Column(Integer, nullable=False, default=0)
    kind = Column(String(12), nullable=False)
    item_id = Column(Integer, nullable=False)
    title = Column(String(200), nullable=False)
    blurb = Column(Text, nullable=False, default="")
    url = Column(String(300), nullable=False, default="")  # the item's page, a site path
    visibility = Column(String(12), nullable=False, default="community")
    included = Column(Boolean, nullable=False, default=True)

    newsletter = relationship(Newsletter, back_populates="items")
