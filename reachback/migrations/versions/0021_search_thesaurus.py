"""the search thesaurus as admins edit it

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-07 13:30:00

search_thesaurus holds the thesaurus an admin saved at /admin/thesaurus (YAML, one row);
without a row the repository's reachback/data/thesaurus.yaml is used. The same on SQLite and
PostgreSQL (pg_trgm, which fuzzy matching uses, was created by 0007 with search_words).
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_thesaurus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("search_thesaurus")
