"""The community calendar (events, their themes) and the blackboard (notices).

Revision ID: 0026
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "community_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text()),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("online_url", sa.String(500), nullable=False),
        sa.Column("visibility", sa.String(12), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("organiser_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("approved_by_id", sa.Integer(),
                  sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_community_events_organiser_id", "community_events", ["organiser_id"])
    op.create_index("ix_community_events_status_starts", "community_events",
                    ["status", "starts_at"])
    op.create_table(
        "community_event_themes",
        sa.Column("event_id", sa.Integer(),
                  sa.ForeignKey("community_events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("theme_id", sa.Integer(), sa.ForeignKey("themes.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_index("ix_community_event_themes_theme_id", "community_event_themes",
                    ["theme_id"])
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text()),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("approved_by_id", sa.Integer(),
                  sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_notices_author_id", "notices", ["author_id"])
    op.create_index("ix_notices_status_expires", "notices", ["status", "expires_on"])


def downgrade():
    op.drop_table("notices")
    op.drop_table("community_event_themes")
    op.drop_table("community_events")
