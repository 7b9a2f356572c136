"""The monthly newsletter: newsletters and their items.

Revision ID: 0031
Revises: 0032

A member's opt-out is a notification preference (kind "newsletter", mode "off"): no column.
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "newsletters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("month", sa.String(7), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("editorial", sa.Text(), nullable=False),
        sa.Column("editorial_html", sa.Text()),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("visibility", sa.String(12), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("sent_at", UTCDateTime()),
        sa.Column("recipients", sa.Integer(), nullable=False),
    )
    op.create_index("ix_newsletters_created_by_id", "newsletters", ["created_by_id"])
    op.create_index("ix_newsletters_status_month", "newsletters", ["status", "month"])
    op.create_table(
        "newsletter_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("newsletter_id", sa.Integer(),
                  sa.ForeignKey("newsletters.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("blurb", sa.Text(), nullable=False),
        sa.Column("url", sa.String(300), nullable=False),
        sa.Column("visibility", sa.String(12), nullable=False),
        sa.Column("included", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_newsletter_items_newsletter_id", "newsletter_items", ["newsletter_id"])


def downgrade():
    op.drop_table("newsletter_items")
    op.drop_table("newsletters")
