"""SLA policies per priority, working-hours calendars with holidays, and recorded SLA marks."""
from sqlalchemy import Column, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class Calendar(db.Model):
    """Working time in a timezone: weekdays ("0,1,2,3,4", 0 = Monday), intervals, holidays."""

    __tablename__ = "sla_calendars"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)
    timezone = Column(String(64), nullable=False, default="UTC")
    working_days = Column(String(20), nullable=False, default="0,1,2,3,4")
    intervals = Column(String(200), nullable=False, default="09:00-17:00")
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    holidays = relationship(
        "CalendarHoliday", back_populates="calendar",
        cascade="all, delete-orphan", order_by="CalendarHoliday.day",
    )

    @property
    def weekdays(self) -> list[int]:
        return [int(d) for d in self.working_days.split(",") if d.strip().isdigit()]

    def __str__(self):
        return self.name


class CalendarHoliday(db.Model):
    __tablename__ = "sla_calendar_holidays"
    id = Column(Integer, primary_key=True)
    calendar_id = Column(ForeignKey("sla_calendars.id", ondelete="CASCADE"), nullable=False)
    day = Column(Date, nullable=False)
    name = Column(String(200), nullable=False, default="")

    calendar = relationship(Calendar, back_populates="holidays")

    __table_args__ = (
        UniqueConstraint("calendar_id", "day", name="uq_sla_calendar_holidays_calendar_day"),
    )


class SlaPolicy(db.Model):
    """Targets of one priority, in business hours of its calendar."""

    __tablename__ = "sla_policies"
    id = Column(Integer, primary_key=True)
    priority = Column(String(10), nullable=False, unique=True)
    calendar_id = Column(ForeignKey("sla_calendars.id"), nullable=False, index=True)
    triage_hours = Column(Float, nullable=False)
    answer_hours = Column(Float, nullable=False)
    resolution_hours = Column(Float, nullable=False)

    calendar = relationship(Calendar)


class SlaMark(db.Model):
    """A threshold crossed by one target, recorded once: the unique key makes re-runs harmless.

    kind: "query" or "assignment" (what object_id points at); target: triage, resolution or
    answer; threshold: the share of the target's time (0.5 reminder, warning share, 1.0 breach).
    """

    __tablename__ = "sla_marks"
    id = Column(Integer, primary_key=True)
    kind = Column(String(12), nullable=False)
    object_id = Column(Integer, nullable=False)
    target = Column(String(12), nullable=False)
    threshold = Column(Float, nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        UniqueConstraint("kind", "object_id", "target", "threshold", name="uq_sla_marks_key"),
    )


class SlaComplianceDay(db.Model):
    """The dashboard's compliance figures of one whole day (UTC), kept by the SLA job
    (sla.compliance): of the targets decided that day (met, or due and not met), how many
    and how many met on time, per target and per priority ("priority", "urgent") or per
    top-level theme ("theme", its id)."""

    __tablename__ = "sla_compliance_days"
    day = Column(Date, primary_key=True)
    target = Column(String(12), primary_key=True)
    dimension = Column(String(10), primary_key=True)
    key = Column(String(40), primary_key=True)
    met = Column(Integer, nullable=False, default=0)
    decided = Column(Integer, nullable=False, default=0)


class SlaComplianceDirty(db.Model):
    """A day whose figures changed after the job counted it (a target met or moved, a query
    re-themed or re-prioritised): the dashboard counts it directly until the job counts it
    again. Written by the session hook of sla.compliance."""

    __tablename__ = "sla_compliance_dirty"
    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)


class SlaComplianceState(db.Model):
    """One row (id 1): the last day the SLA job counted (sla_compliance_days holds the days
    up to it); no row: the job has not counted yet and the dashboard counts directly."""

    __tablename__ = "sla_compliance_state"
    id = Column(Integer, primary_key=True)
    through = Column(Date, nullable=False)
    computed_at = Column(UTCDateTime, nullable=False, default=utcnow)


class SlaDashboard(db.Model):
    """One row (id 1): the SLA dashboard's figures as the SLA job computed them at
    computed_at (sla.services.store_dashboard), as JSON; the dashboard shows them while they
    are fresh and counts directly otherwise."""

    __tablename__ = "sla_dashboard"
    id = Column(Integer, primary_key=True)
    computed_at = Column(UTCDateTime, nullable=False, default=utcnow)
    figures = Column(Text, nullable=False)
