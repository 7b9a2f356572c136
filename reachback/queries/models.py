"""Field queries and everything that happens on them."""
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from ..accounts.models import Theme, User, theme_links
from ..extensions import db
from ..markdown import Rendered
from ..models_base import UTCDateTime, utcnow

STATUSES = ("submitted", "clarification", "routed", "synthesis", "published", "closed")
OPEN_STATUSES = ("submitted", "clarification", "routed", "synthesis")
PRIORITIES = ("low", "normal", "high", "urgent")
CONFIDENTIALITY = ("restricted", "community", "group")
# How a query came in: the pages, an e-mail to the intake address, or the API.
CHANNELS = ("web", "email", "api")
CLOSE_REASONS = ("declined", "out_of_scope", "withdrawn", "duplicate")
ASSIGNMENT_STATUSES = ("invited", "accepted", "declined", "answered", "expired", "withdrawn")
# Assignments whose expert still belongs to the query (sees it, may contribute).
ACTIVE_ASSIGNMENT = ("invited", "accepted", "answered")

# No ondelete on the theme side: a theme that queries still use cannot be deleted.
query_themes = theme_links("query_themes", "query_id", "queries.id", theme_ondelete=None)
# A theme's queries read from the index alone (routing's past contributions on these themes).
Index("ix_query_themes_theme_query", query_themes.c.theme_id, query_themes.c.query_id)


class ReferenceCounter(db.Model):
    """The last sequence number used per year: references are never reused."""

    __tablename__ = "reference_counters"
    year = Column(Integer, primary_key=True, autoincrement=False)
    last = Column(Integer, nullable=False, default=0)


class FieldQuery(Rendered, db.Model):
    __tablename__ = "queries"
    __markdown__ = ("question", "context", "purpose")
    id = Column(Integer, primary_key=True)
    reference = Column(String(20), nullable=False, unique=True)
    title = Column(String(200), nullable=False)
    question = Column(Text, nullable=False)
    context = Column(Text, nullable=False, default="")
    purpose = Column(Text, nullable=False, default="")
    question_html = Column(Text)  # the Markdown fields rendered (markdown.Rendered)
    context_html = Column(Text)
    purpose_html = Column(Text)
    language = Column(String(10), nullable=False, default="en")  # what it is written in
    channel = Column(String(10), nullable=False, default="web", server_default="web")
    requester_id = Column(ForeignKey("users.id"), nullable=False, index=True)
    # A country (ISO 3166-1 alpha-2) or a region (UN M49, countries.REGIONS); None until
    # triage sets it (a query sent by e-mail).
    country = Column(String(3))
    priority = Column(String(10), nullable=False, default="normal")
    needed_by = Column(Date)
    confidentiality = Column(String(12), nullable=False, default="restricted")
    # The sub-group the query belongs to (its "group" confidentiality reads it): None for most.
    group_id = Column(ForeignKey("groups.id"), index=True)
    status = Column(String(15), nullable=False, default="submitted")
    close_reason = Column(String(15))
    close_note = Column(Text)
    duplicate_of_id = Column(ForeignKey("queries.id"), index=True)
    follows_id = Column(ForeignKey("queries.id"), index=True)  # a follow-up's original
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    closed_at = Column(UTCDateTime)
    # SLA timestamps (filled by the SLA engine).
    triage_due_at = Column(UTCDateTime)
    triage_met_at = Column(UTCDateTime)
    resolution_due_at = Column(UTCDateTime)
    resolution_met_at = Column(UTCDateTime)
    deadline_driven = Column(Boolean, nullable=False, default=False)
    paused_at = Column(UTCDateTime)
    # SLA warning points (the warning share of each target's time) and the calendar used.
    triage_warn_at = Column(UTCDateTime)
    resolution_warn_at = Column(UTCDateTime)
    sla_calendar = Column(String(100))

    requester = relationship(User, foreign_keys=[requester_id])
    themes = relationship(Theme, secondary=query_themes, order_by=Theme.code)
    group = relationship("Group")

    @property
    def group_slug(self) -> str | None:
        """The slug of the query's group (the API's `group`), None outside groups."""
        return self.group.slug if self.group_id is not None else None
    duplicate_of = relationship("FieldQuery", remote_side=[id], foreign_keys=[duplicate_of_id])
    follows = relationship("FieldQuery", remote_side=[id], foreign_keys=[follows_id])
    assignments = relationship(
        "Assignment", back_populates="query", order_by="Assignment.id"
    )
    response = relationship(
        "ConsolidatedResponse", back_populates="query", uselist=False
    )

    __table_args__ = (
        Index("ix_queries_status_created", "status", "created_at"),
        Index("ix_queries_confidentiality", "confidentiality"),
        Index("ix_queries_country", "country", "created_at"),  # the country filters
        # The triage inbox's sort by next due time (sla.services.next_due_order), covered.
        Index("ix_queries_inbox", "status", "triage_met_at", "triage_due_at",
              "resolution_due_at", "created_at"),
        # Newest first (the API's list): read backwards instead of sorting every query.
        Index("ix_queries_created", "created_at", "id"),
        # A member's own queries (the start page, "My queries"): counted by status and
        # sorted by their due time from the index alone.
        Index("ix_queries_requester_status", "requester_id", "status", "resolution_due_at",
              "created_at"),
        # The open targets (the SLA job's crossings, the dashboard's states and list of risks),
        # found from the few open queries and read from the index alone.
        Index("ix_queries_triage_open", "status", "paused_at", "triage_met_at",
              "triage_warn_at", "triage_due_at"),
        Index("ix_queries_resolution_open", "status", "paused_at", "resolution_met_at",
              "resolution_warn_at", "resolution_due_at"),
        # The SLA dashboard's compliance: targets met, or not met and due, in an interval.
        Index("ix_queries_triage_decided", "triage_met_at", "triage_due_at"),
        Index("ix_queries_resolution_decided", "resolution_met_at", "resolution_due_at"),
    )

    @property
    def follows_reference(self) -> str | None:
        """The reference of the query this one follows up, if any."""
        return self.follows.reference if self.follows_id is not None else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __str__(self):
        return f"{self.reference} {self.title}"


class Assignment(db.Model):
    __tablename__ = "assignments"
    id = Column(Integer, primary_key=True)
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), nullable=False)
    expert_id = Column(ForeignKey("users.id"), nullable=False, index=True)
    assigned_by_id = Column(ForeignKey("users.id"))
    status = Column(String(10), nullable=False, default="invited")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    responded_at = Column(UTCDateTime)
    answered_at = Column(UTCDateTime)
    due_at = Column(UTCDateTime)
    # SLA reminder points: half of the answer time, and the warning share.
    remind_at = Column(UTCDateTime)
    warn_at = Column(UTCDateTime)
    decline_reason = Column(Text)

    query = relationship(FieldQuery, back_populates="assignments")
    expert = relationship(User, foreign_keys=[expert_id])

    __table_args__ = (
        UniqueConstraint("query_id", "expert_id", name="uq_assignments_query_expert"),
        # An expert's queue: counted and sorted by due time from this index alone.
        Index("ix_assignments_expert_queue", "expert_id", "status", "due_at", "query_id"),
        # The SLA job's open answer targets, read from the index alone.
        Index("ix_assignments_sla_open", "status", "answered_at", "remind_at", "warn_at",
              "due_at"),
        # The SLA dashboard's compliance (met, or not met and due, in an interval) and the
        # states of the open queries' answers: read from the indexes alone.
        Index("ix_assignments_decided", "answered_at", "due_at", "status", "query_id"),
        Index("ix_assignments_query_sla", "query_id", "status", "answered_at", "due_at",
              "warn_at"),
        # The expert-load report: a period's invitations counted from the index alone.
        Index("ix_assignments_created", "created_at", "expert_id", "status"),
        # The expert-load report's open assignments now, per expert, from the index alone.
        Index("ix_assignments_status_expert", "status", "expert_id"),
    )


class Contribution(Rendered, db.Model):
    __tablename__ = "contributions"
    __markdown__ = ("body",)
    id = Column(Integer, primary_key=True)
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id = Column(ForeignKey("users.id"), nullable=False, index=True)
    body = Column(Text, nullable=False)
    body_html = Column(Text)
    language = Column(String(10), nullable=False, default="en")
    used_in_synthesis = Column(Boolean, nullable=False, default=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    query = relationship(FieldQuery)
    author = relationship(User)

    # The reports: a period's contributions per author, and each query's first, read from
    # the index alone; routing: the authors of a set of queries' contributions, likewise.
    __table_args__ = (Index("ix_contributions_created", "created_at", "query_id", "author_id"),
                      Index("ix_contributions_query_author", "query_id", "author_id"))


class Message(Rendered, db.Model):
    """The conversation on a query; `internal` notes are for staff and assigned experts only."""

    __tablename__ = "messages"
    __markdown__ = ("body",)
    id = Column(Integer, primary_key=True)
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id = Column(ForeignKey("users.id"), nullable=False)
    visibility = Column(String(10), nullable=False, default="public")  # public | internal
    purpose = Column(String(15), nullable=False, default="note")  # note | clarification | reply
    body = Column(Text, nullable=False)
    body_html = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    author = relationship(User)


class Event(db.Model):
    """Append-only history of a query: transitions, assignments, contributions, publication."""

    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), index=True)
    actor_id = Column(ForeignKey("users.id"))
    kind = Column(String(40), nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    data = Column(JSON, nullable=False, default=dict)
    # Facilitator-only details (internal notes, assignments) are hidden from the requester.
    internal = Column(Boolean, nullable=False, default=False)

    actor = relationship(User)


class Watcher(db.Model):
    """A member who watches a query: told of its response's publication and corrections
    (when they may read it). Requesters of its duplicates watch it from the closing."""

    __tablename__ = "query_watchers"
    query_id = Column(ForeignKey("queries.id", ondelete="CASCADE"), primary_key=True)
    user_id = Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    user = relationship(User)
