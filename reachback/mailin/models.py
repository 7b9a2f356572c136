"""What mail in remembers: addresses whose mail bounces, and when an unknown address was last
answered (at most one polite answer a day; only the address's hash is kept)."""
from sqlalchemy import Column, Integer, String, Text

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class MailBounce(db.Model):
    """An address our mail bounced from (a delivery status notification said so)."""

    __tablename__ = "mail_bounces"
    address = Column(String(254), primary_key=True)  # lower case
    first_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_at = Column(UTCDateTime, nullable=False, default=utcnow)
    count = Column(Integer, nullable=False, default=1)
    diagnostic = Column(Text)  # the last report's Status and Diagnostic-Code


class MailRefusal(db.Model):
    """The last polite answer to mail from an address without an account (its SHA-256)."""

    __tablename__ = "mail_refusals"
    address_hash = Column(String(64), primary_key=True)
    answered_at = Column(UTCDateTime, nullable=False, default=utcnow)
