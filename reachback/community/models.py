"""Events of the community calendar and notices of the blackboard."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from ..accounts.models import Theme, User, theme_links
from ..extensions import db
from ..markdown import Rendered
from ..models_base import UTCDateTime, utcnow

EVENT_VISIBILITIES = ("group", "community", "public")
# proposed: a member's, waiting for a facilitator; published: on the calendar; cancelled:
# still on the calendar, marked so (a feed tells subscribers).
EVENT_STATUSES = ("proposed", "published", "cancelled")
NOTICE_KINDS = ("announcement", "call_for_contributions", "vacancy", "deployment", "training")
NOTICE_KIND_LABELS = {"announcement": _l("Announcement"),
                      "call_for_contributions": _l("Call for contributions"),
                      "vacancy": _l("Vacancy"), "deployment": _l("Deployment opportunity"),
                      "training": _l("Training")}
NOTICE_STATUSES = ("proposed", "published")

event_themes = theme_links("community_event_themes", "event_id", "community_events.id")


class CommunityEvent(Rendered, db.Model):
    """An event of the calendar. Its times are stored in UTC; `timezone` is the IANA name of
    the zone it is held in (shown beside the times, and written into its iCalendar file)."""

    __tablename__ = "community_events"
    __markdown__ = ("description",)
    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    description = Column(Text, nullable=False, default="")
    description_html = Column(Text)
    starts_at = Column(UTCDateTime, nullable=False)
    ends_at = Column(UTCDateTime, nullable=False)
    timezone = Column(String(64), nullable=False, default="UTC")
    location = Column(String(200), nullable=False, default="")
    online_url = Column(String(500), nullable=False, default="")
    visibility = Column(String(12), nullable=False, default="community")
    status = Column(String(12), nullable=False, default="proposed")
    organiser_id = Column(ForeignKey("users.id"), nullable=False, index=True)
    # The sub-group the event belongs to (its visibility `group` reads it): None for most.
    group_id = Column(ForeignKey("groups.id"), index=True)
    approved_by_id = Column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    organiser = relationship(User, foreign_keys=[organiser_id])
    group = relationship("Group")
    themes = relationship(Theme, secondary=event_themes, order_by=Theme.code)

    @property
    def group_slug(self) -> str | None:
        """The slug of the event's group (the API's `group`), None outside groups."""
        return self.group.slug if self.group_id is not None else None

    __table_args__ = (
        Index("ix_community_events_status_starts", "status", "starts_at"),
        Index("ix_community_events_status_ends", "status", "ends_at", "starts_at", "visibility",
              "group_id"),
    )

    def __str__(self):
        return self.title


class Notice(Rendered, db.Model):
    """A short notice of the blackboard; it leaves the board after `expires_on`."""

    __tablename__ = "notices"
    __markdown__ = ("body",)
    id = Column(Integer, primary_key=True)
    kind = Column(String(30), nullable=False, default="announcement")
    title = Column(String(200), nullable=False)
    body = Column(Text, nullable=False, default="")
    body_html = Column(Text)
    expires_on = Column(Date, nullable=False)
    status = Column(String(12), nullable=False, default="proposed")
    author_id = Column(ForeignKey("users.id"), nullable=False, index=True)
    approved_by_id = Column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    author = relationship(User, foreign_keys=[author_id])

    __table_args__ = (
        Index("ix_notices_status_expires", "status", "expires_on"),
    )

    def __str__(self):
        return self.title
