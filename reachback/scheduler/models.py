"""The scheduler's lease: the row that says which scheduler runs the jobs (see the
package's docstring)."""
from sqlalchemy import Column, Integer, String

from ..extensions import db
from ..models_base import UTCDateTime


class SchedulerLease(db.Model):
    """Who runs the scheduled jobs, until when, and when it last showed signs of life."""

    __tablename__ = "scheduler_leases"
    name = Column(String(50), primary_key=True)
    holder = Column(String(200), nullable=False)
    expires_at = Column(UTCDateTime, nullable=False)
    heartbeat_at = Column(UTCDateTime)
    acquired_at = Column(UTCDateTime)
    renewals = Column(Integer, nullable=False, default=0)
