"""Sub-groups: groups, their members (and facilitators), and the group a query belongs to.

Revision ID: 0027
Revises: 0023

- groups, group_themes, group_memberships (role member|facilitator, status active|pending).
- queries.group_id: the group of a query (confidentiality "group": its members and staff).
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(60), nullable=False, unique=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("max_per_organisation", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "group_themes",
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("theme_id", sa.Integer(), sa.ForeignKey("themes.id", ondelete="CASCADE"),
                  primary_key=True, index=True),
    )
    op.create_table(
        "group_memberships",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("group_id", "user_id"),
    )
    with op.batch_alter_table("queries") as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_queries_group_id", ["group_id"])
        batch_op.create_foreign_key("fk_queries_group_id_groups", "groups", ["group_id"], ["id"])


def downgrade():
    with op.batch_alter_table("queries") as batch_op:
        batch_op.drop_constraint("fk_queries_group_id_groups", type_="foreignkey")
        batch_op.drop_index("ix_queries_group_id")
        batch_op.drop_column("group_id")
    op.drop_table("group_memberships")
    op.drop_table("group_themes")
    op.drop_table("groups")
