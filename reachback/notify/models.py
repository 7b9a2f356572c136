"""In-app notifications."""
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text

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
