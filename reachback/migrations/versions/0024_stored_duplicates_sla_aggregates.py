"""Issue 23: duplicate candidates stored per open query (query_duplicates,
duplicate_candidates), and the SLA dashboard's compliance figures as daily aggregates
(sla_compliance_days, sla_compliance_dirty, sla_compliance_state), with the indexes its
direct counts use.

Nothing is backfilled here: the search outbox job computes the candidates of the open queries
that have none (DUPLICATES_PER_RUN a run, the newest first; the query page says they are
still being looked for meanwhile), and the SLA job's first run counts the last 91 days into
the aggregates (the dashboard counts directly until then).

Revision ID: 0024
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

revision = '0024'
down_revision = '0029'
branch_labels = None
depends_on = None


INDEXES = (  # the SLA dashboard's direct counts: met in an interval, or not met and due
    ("ix_queries_triage_decided", "queries", ["triage_met_at", "triage_due_at"]),
    ("ix_queries_resolution_decided", "queries", ["resolution_met_at", "resolution_due_at"]),
    ("ix_assignments_decided", "assignments", ["answered_at", "due_at"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.create_table(
        "query_duplicates",
        sa.Column("query_id", sa.Integer(), sa.ForeignKey("queries.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_query_duplicates_stale", "query_duplicates", ["stale"])
    op.create_table(
        "duplicate_candidates",
        sa.Column("query_id", sa.Integer(), sa.ForeignKey("queries.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("title", sa.String(300), nullable=False, server_default=""),
        sa.Column("score", sa.Float(), nullable=False, server_default="0"),
    )
    op.create_index("ix_duplicate_candidates_key", "duplicate_candidates", ["key"])
    op.create_table(
        "sla_compliance_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("target", sa.String(12), primary_key=True),
        sa.Column("dimension", sa.String(10), primary_key=True),
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("met", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("decided", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "sla_compliance_dirty",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
    )
    op.create_index("ix_sla_compliance_dirty_day", "sla_compliance_dirty", ["day"])
    op.create_table(
        "sla_compliance_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
    )


def downgrade():
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_table("sla_compliance_state")
    op.drop_index("ix_sla_compliance_dirty_day", table_name="sla_compliance_dirty")
    op.drop_table("sla_compliance_dirty")
    op.drop_table("sla_compliance_days")
    op.drop_index("ix_duplicate_candidates_key", table_name="duplicate_candidates")
    op.drop_table("duplicate_candidates")
    op.drop_index("ix_query_duplicates_stale", table_name="query_duplicates")
    op.drop_table("query_duplicates")
