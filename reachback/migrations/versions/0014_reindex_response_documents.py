"""re-index every published response: their search documents held their queries' text

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 10:00:00

A response's search document used to carry its query's title, question, context and purpose
under the response's readers, so a public response let anyone find (and see the title of) a
restricted query. The code now indexes the response alone; the documents already in an
index (whoosh's files or PostgreSQL's search_documents) are rewritten by queueing one
search outbox row per published response, which the scheduler's job applies within seconds
of the upgrade, on either backend. No schema change.
"""
import sqlalchemy as sa
from alembic import op

import reachback.models_base

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    queries = sa.table("queries", sa.column("id", sa.Integer),
                       sa.column("reference", sa.String))
    responses = sa.table("responses", sa.column("query_id", sa.Integer),
                         sa.column("status", sa.String))
    outbox = sa.table("search_outbox", sa.column("key", sa.String),
                      sa.column("action", sa.String), sa.column("created_at"))
    now = sa.literal(reachback.models_base.utcnow(), reachback.models_base.UTCDateTime())
    published = (
        sa.select(sa.literal("response:", sa.String) + queries.c.reference,
                  sa.literal("upsert", sa.String), now)
        .select_from(responses.join(queries, responses.c.query_id == queries.c.id))
        .where(responses.c.status == "published"))
    op.execute(outbox.insert().from_select(["key", "action", "created_at"], published))


def downgrade():
    pass  # the queued rows only rewrite documents from the database: nothing to undo
