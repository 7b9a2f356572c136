"""indexes for the large-community benchmark

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 03:30:00
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Lists sorted newest first over every query (the API's query list) read this index
    # backwards instead of sorting 100 000 rows per page (bench/results/latest.md).
    op.create_index("ix_queries_created", "queries", ["created_at", "id"])


def downgrade():
    op.drop_index("ix_queries_created", table_name="queries")
