"""Markdown rendered when written (<field>_html columns); an index covering the
knowledge base's permission filter

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 16:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# Rows written before this revision keep NULL and are rendered when shown, until
# `reachback rerender` fills them (rendering every text here would make the upgrade of a
# large site take many minutes).
COLUMNS = {
    "queries": ("question_html", "context_html", "purpose_html"),
    "contributions": ("body_html",),
    "messages": ("body_html",),
    "responses": ("summary_html", "body_html"),
}


def upgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.add_column(sa.Column(column, sa.Text(), nullable=True))
    op.create_index("ix_responses_visible", "responses", ["status", "visibility", "query_id"])


def downgrade():
    op.drop_index("ix_responses_visible", table_name="responses")
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column)
