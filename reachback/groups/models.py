"""Groups and who belongs to them."""
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import relationship

from ..accounts.models import Theme, User, theme_links
from ..extensions import db
from ..models_base import UTCDateTime, utcnow

MEMBERSHIP_ROLES = ("member", "facilitator")
MEMBERSHIP_STATUSES = ("active", "pending")

group_themes = theme_links("group_themes", "group_id", "groups.id")


class Group(db.Model):
    """A sub-group: open (join at once) or closed (a group facilitator approves), with an
    optional cap on the active members of one organisation."""

    __tablename__ = "groups"
    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False)
    slug = Column(String(60), nullable=False, unique=True)
    description = Column(Text, nullable=False, default="")
    open = Column(Boolean, nullable=False, default=True)
    max_per_organisation = Column(Integer)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # When the group's last digest went out (the next tells what is new since); None: never.
    digest_sent_at = Column(UTCDateTime)
    themes = relationship(Theme, secondary=group_themes, order_by=Theme.code)
    memberships = relationship("GroupMembership", back_populates="group",
                               cascade="all, delete-orphan",
                               order_by="GroupMembership.created_at")

    def __str__(self):
        return self.name


class GroupMembership(db.Model):
    __tablename__ = "group_memberships"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)
    id = Column(Integer, primary_key=True)
    group_id = Column(ForeignKey("groups.id", ondelete="CASCADE"), nullable=False)
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    role = Column(String(12), nullable=False, default="member")
    status = Column(String(10), nullable=False, default="active")
    # Receives the group's weekly digest (its one-click unsubscribe turns this off).
    digest = Column(Boolean, nullable=False, default=True, server_default=true())
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    group = relationship(Group, back_populates="memberships")
    user = relationship(User)

    @property
    def active(self) -> bool:
        return self.status == "active"
