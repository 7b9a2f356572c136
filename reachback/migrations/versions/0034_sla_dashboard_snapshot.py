"""Issue 23: the SLA dashboard as the SLA job leaves it (sla_dashboard: its figures, computed
once a run instead of on every view), and indexes that find the open targets from the few
open queries (and read them from the index alone) for the job and those figures.

Nothing is backfilled: the dashboard counts directly until the job's next run stores them.

Revision ID: 0034
Revises: 0033
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

NEW = (
    ("ix_queries_triage_open", "queries",
     ["status", "paused_at", "triage_met_at", "triage_warn_at", "triage_due_at"]),
    ("ix_queries_resolution_open", "queries",
     ["status", "paused_at", "resolution_met_at", "resolution_warn_at", "resolution_due_at"]),
    ("ix_assignments_sla_open", "assignments",
     ["status", "answered_at", "remind_at", "warn_at", "due_at"]),
    ("ix_assignments_decided", "assignments", ["answered_at", "due_at", "status", "query_id"]),
    ("ix_assignments_query_sla", "assignments",
     ["query_id", "status", "answered_at", "due_at", "warn_at"]),
)
OLD = (
    ("ix_queries_triage_sla", "queries", ["triage_met_at", "triage_warn_at"]),
    ("ix_queries_resolution_sla", "queries", ["resolution_met_at", "resolution_warn_at"]),
    ("ix_assignments_status_remind", "assignments", ["status", "remind_at"]),
    ("ix_assignments_decided", "assignments", ["answered_at", "due_at"]),
)


def _analyze(names) -> None:
    """SQLite plans from the statistics of its indexes: give the new ones theirs (the
    scheduler refreshes them hourly; PostgreSQL keeps its own)."""
    if op.get_bind().dialect.name == "sqlite":
        for name in names:
            op.execute(f"ANALYZE {name}")


def upgrade():
    for name, table, _columns in OLD:
        op.drop_index(name, table_name=table)
    for name, table, columns in NEW:
        op.create_index(name, table, columns)
    _analyze(name for name, _t, _c in NEW)
    op.create_table(
        "sla_dashboard",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
    )


def downgrade():
    op.drop_table("sla_dashboard")
    for name, table, _columns in NEW:
        op.drop_index(name, table_name=table)
    for name, table, columns in OLD:
        op.create_index(name, table, columns)
