"""search documents record their language (PostgreSQL's search backend stems by it)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 11:00:00

search_documents (reachback.knowledge.pg_index) gains `language`: the language facet, and the
text search configuration its tsvectors are computed in (english, french, spanish; simple for
any other). Every document indexed so far was computed in English, and every response and
library document so far is English ("en", as migration 0015 recorded): the rows stay as they
are, and documents in other languages are written in their own configuration when indexed.
(whoosh's index changes schema too: search.ensure_index rebuilds it from the database.)
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("search_documents") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(20), nullable=False,
                                      server_default="en"))
        batch_op.create_index("ix_search_documents_language", ["language"], unique=False)


def downgrade():
    with op.batch_alter_table("search_documents") as batch_op:
        batch_op.drop_index("ix_search_documents_language")
        batch_op.drop_column("language")
