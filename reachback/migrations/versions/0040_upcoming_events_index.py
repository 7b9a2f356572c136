"""An index on community_events (status, ends_at): the upcoming events of every home page.

Revision ID: 0040
Revises: 0039

Without it the block read every published event (years of them) to find the few not over.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_community_events_status_ends", "community_events", ["status", "ends_at"])


def downgrade():
    op.drop_index("ix_community_events_status_ends", table_name="community_events")
