"""an index that counts and sorts an expert's queue on its own

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 16:10:00
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # Replaces (expert_id, status), a prefix of it.
    op.create_index("ix_assignments_expert_queue", "assignments",
                    ["expert_id", "status", "due_at", "query_id"])
    op.drop_index("ix_assignments_expert_status", table_name="assignments")


def downgrade():
    op.create_index("ix_assignments_expert_status", "assignments", ["expert_id", "status"])
    op.drop_index("ix_assignments_expert_queue", table_name="assignments")
