"""Indexes for the community pages' lists (issue 23).

- community_events (status, ends_at, starts_at, visibility, group_id): the calendar's
  upcoming events by their end; the past events' count and their page's ids, latest
  first, read the index alone, for every reader (visibility and group: what a member who
  is not staff may see).
- users (lower(name), id, active): the member directory's first page reads 25 index
  entries instead of sorting every member, and its count reads the index alone.

Revision ID: 0036
Revises: 0035
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_community_events_status_ends", "community_events",
                    ["status", "ends_at", "starts_at", "visibility", "group_id"])
    op.create_index("ix_users_lower_name", "users", [sa.text("lower(name)"), "id", "active"])


def downgrade():
    op.drop_index("ix_users_lower_name", table_name="users")
    op.drop_index("ix_community_events_status_ends", table_name="community_events")
