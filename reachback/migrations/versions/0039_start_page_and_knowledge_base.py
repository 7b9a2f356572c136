"""The start page and the knowledge base at 100 000 queries (issue 23): indexes, and the
similar responses kept for a response's page.

Revision ID: 0039
Revises: 0038

- ix_responses_listing: the knowledge base's pages newest first, walked backwards and
  filtered from the index alone (no sort of every published response);
- ix_responses_query_status: a response's status and visibility by its query, without reading
  its row (the country's count of the knowledge base, search's superseded marks);
- ix_queries_requester_status: a member's open queries, counted and sorted from the index;
- similar_responses: a response's similar ones, found once per change of the knowledge base
  rather than searched on every view of its page.
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_responses_listing", "responses",
     ["published_at", "id", "status", "visibility", "query_id"]),
    ("ix_responses_query_status", "responses", ["query_id", "status", "visibility"]),
    ("ix_queries_requester_status", "queries",
     ["requester_id", "status", "resolution_due_at", "created_at"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.create_table(
        "similar_responses",
        sa.Column("response_id", sa.Integer(),
                  sa.ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("refs", sa.Text(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
    )


def downgrade():
    op.drop_table("similar_responses")
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
