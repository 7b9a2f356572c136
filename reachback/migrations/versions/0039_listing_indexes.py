"""Indexes for the start page and the knowledge base at 100 000 queries (issue 23).

Revision ID: 0039
Revises: 0033

- ix_responses_listing: the knowledge base's pages newest first, walked backwards and
  filtered from the index alone (no sort of every published response);
- ix_community_events_status_ends: the events not yet over (the start page);
- ix_queries_requester_status: a member's open queries, counted and sorted from the index.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0039'
down_revision = '0033'
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_responses_listing", "responses",
     ["published_at", "id", "status", "visibility", "query_id"]),
    ("ix_community_events_status_ends", "community_events", ["status", "ends_at"]),
    ("ix_queries_requester_status", "queries",
     ["requester_id", "status", "resolution_due_at", "created_at"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
