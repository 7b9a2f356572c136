"""search documents record a response's standing: superseded ones sink, useful ones rise

Revision ID: 0029
Revises: 0023
Create Date: 2026-12-07 17:00:00

search_documents (reachback.knowledge.pg_index) gains `status` (a response's: "superseded"
ranks at half the score of an equal match) and `useful` (its readers' useful votes less the
not useful ones, which raise its score a little): see index_api.standing. The rows already
indexed get the defaults (no change of rank), and the responses whose standing is not the
default (superseded, or given feedback) are queued in the search outbox, which the
scheduler's job applies within seconds of the upgrade, on either backend. (whoosh's index
changes schema too: search.ensure_index rebuilds it from the database.)
"""
import sqlalchemy as sa
from alembic import op

import reachback.models_base

# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0025'
branch_labels = None
depends_on = None


def _standing_columns():
    """The two columns (new objects on each call: a column belongs to one table)."""
    return [sa.Column("status", sa.String(20), nullable=False, server_default=""),
            sa.Column("useful", sa.Integer(), nullable=False, server_default="0")]


def upgrade():
    with op.batch_alter_table("search_documents") as batch_op:
        for column in _standing_columns():
            batch_op.add_column(column)
    queries = sa.table("queries", sa.column("id", sa.Integer),
                       sa.column("reference", sa.String))
    responses = sa.table("responses", sa.column("id", sa.Integer),
                         sa.column("query_id", sa.Integer), sa.column("status", sa.String))
    feedback = sa.table("response_feedback", sa.column("response_id", sa.Integer))
    outbox = sa.table("search_outbox", sa.column("key", sa.String),
                      sa.column("action", sa.String), sa.column("created_at"))
    now = sa.literal(reachback.models_base.utcnow(), reachback.models_base.UTCDateTime())
    translations = sa.table("response_translations", sa.column("response_id", sa.Integer),
                            sa.column("language", sa.String))
    standing = sa.or_(responses.c.status == "superseded",
                      sa.and_(responses.c.status == "published",
                              sa.exists().where(feedback.c.response_id == responses.c.id)))
    joined = responses.join(queries, responses.c.query_id == queries.c.id)
    for key, source in (
            (sa.literal("response:", sa.String) + queries.c.reference, joined),
            # a translation has its response's standing
            (sa.literal("translation:", sa.String) + queries.c.reference
             + sa.literal("/", sa.String) + translations.c.language,
             joined.join(translations, translations.c.response_id == responses.c.id))):
        op.execute(outbox.insert().from_select(
            ["key", "action", "created_at"],
            sa.select(key, sa.literal("upsert", sa.String), now).select_from(source)
            .where(standing)))


def downgrade():
    with op.batch_alter_table("search_documents") as batch_op:
        for column in reversed(_standing_columns()):
            batch_op.drop_column(column.name)
