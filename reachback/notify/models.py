"""In-app notifications, the e-mail preferences per kind, and the e-mail outbox."""
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Text

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class Notification(db.Model):
    __tablename__ = "notifications"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(40), nullable=False)
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"))
    text = Column(Text, nullable=False)
    url = Column(String(300), nullable=False, default="")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    read_at = Column(UTCDateTime)

    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)


class NotificationPreference(db.Model):
    """How a user wants e-mail for one kind of notification; no row means its default
    (reachback.notify.services.DEFAULT_MODES)."""

    __tablename__ = "notification_preferences"
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind = Column(String(40), primary_key=True)
    mode = Column(String(10), nullable=False, default="immediate")  # immediate | digest | off


class OutboundEmail(db.Model):
    """One e-mail waiting for (or done with) delivery; only the delivery job sends it."""

    __tablename__ = "outbound_emails"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recipient = Column(String(254), nullable=False)
    subject = Column(String(300), nullable=False)
    text_body = Column(Text, nullable=False)
    html_body = Column(Text)
    language = Column(String(10))  # what it is written in: its Content-Language header
    reply_to = Column(String(254))  # a signed reply address (reachback.mailin.tokens)
    status = Column(String(10), nullable=False, default="queued")  # queued | sent | failed
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_error = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    sent_at = Column(UTCDateTime)
    # A digest or a job re-run can never queue the same mail twice.
    dedupe_key = Column(String(200), unique=True)
    # Its Message-ID, fixed when it is queued (a retry sends the same one), and the other
    # headers it carries: In-Reply-To/References (the query's thread), List-Unsubscribe and
    # List-Unsubscribe-Post, Auto-Submitted... (mailer.build_message checks each again).
    message_id = Column(String(250))
    headers = Column(JSON)

    # The delivery job's due e-mails; the admins' outbox, each status newest first.
    __table_args__ = (Index("ix_outbound_emails_status_next", "status", "next_attempt_at"),
                      Index("ix_outbound_emails_status_created", "status", "created_at", "id"))


SUBSCRIPTION_FREQUENCIES = ("immediately", "daily", "weekly")


class Subscription(db.Model):
    """A member's listserv: the newly published responses they may read whose query has one
    of `themes` and one of `countries` (an empty list: any), sent as `frequency` says.
    Both empty: no subscription (such a row is never kept)."""

    __tablename__ = "subscriptions"
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    themes = Column(JSON, nullable=False, default=list)     # theme slugs
    countries = Column(JSON, nullable=False, default=list)  # ISO 3166-1 alpha-2 codes
    frequency = Column(String(12), nullable=False, default="immediately")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)  # what is older: not sent


class SubscriptionDelivery(db.Model):
    """A published response sent to a subscriber (alone or in a digest): never twice."""

    __tablename__ = "subscription_deliveries"
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    response_id = Column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    sent_at = Column(UTCDateTime, nullable=False, default=utcnow)
