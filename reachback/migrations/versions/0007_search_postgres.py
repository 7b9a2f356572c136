"""PostgreSQL full-text search backend (search_documents)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 03:30:00

The tables of reachback.knowledge.pg_index (SEARCH_BACKEND "postgresql", the default on a
PostgreSQL database): the indexed documents with their tsvector, the words for spelling
suggestions, and the row saying the index was built. They are created on every database so
that the schema is one schema (on SQLite they stay empty: whoosh is used there); the GIN
indexes and pg_trgm, which only PostgreSQL has, are created on PostgreSQL only. The index
starts unbuilt: the scheduler's job (or `reachback reindex`) fills it from the database.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
import reachback.models_base


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TEXT_ARRAY = postgresql.ARRAY(sa.Text()).with_variant(sa.JSON(), "sqlite")


def upgrade():
    on_postgresql = op.get_bind().dialect.name == "postgresql"
    if on_postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('search_documents',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('ref', sa.String(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('themes', TEXT_ARRAY, nullable=False),
    sa.Column('countries', TEXT_ARRAY, nullable=False),
    sa.Column('principals', TEXT_ARRAY, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('date', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('head', postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), nullable=False),
    sa.Column('document', postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"),
              nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_search_documents'))
    )
    op.create_index('ix_search_documents_date', 'search_documents', ['date'], unique=False)
    op.create_table('search_words',
    sa.Column('word', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words'))
    )
    op.create_table('search_index_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('built_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_index_state'))
    )
    if on_postgresql:
        # Ranking reads the heads of thousands of matches: keep them in the row, not TOAST.
        op.execute("ALTER TABLE search_documents ALTER COLUMN head SET STORAGE MAIN")
        op.create_index('ix_search_documents_document', 'search_documents', ['document'],
                        unique=False, postgresql_using='gin')
        op.create_index('ix_search_words_trigrams', 'search_words', ['word'], unique=False,
                        postgresql_using='gin', postgresql_ops={'word': 'gin_trgm_ops'})


def downgrade():
    # pg_trgm stays: other databases objects may have come to use it.
    op.drop_table('search_index_state')
    op.drop_table('search_words')
    op.drop_index('ix_search_documents_date', table_name='search_documents')
    op.drop_table('search_documents')
