"""The reports' monthly figures: report_months (one report's merged parts of one month, or
of a span of whole months); ix_assignments_status_expert (the open assignments per expert).

Revision ID: 0035
Revises: 0034
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_months",
        sa.Column("report", sa.String(40), primary_key=True),
        sa.Column("month", sa.String(16), primary_key=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_assignments_status_expert", "assignments", ["status", "expert_id"])


def downgrade():
    op.drop_index("ix_assignments_status_expert", table_name="assignments")
    op.drop_table("report_months")
