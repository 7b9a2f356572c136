"""reports: the channel a query came by, search terms per day, response reads per day

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-07 13:30:00

queries gain `channel` (web, email or api; every query so far came through the pages: web).
search_terms counts the knowledge base's searches per normalised text and day (how often,
how many found nothing, the most results found) and response_views the reads of each
published response per day: neither records who searched or read. Three covering
indexes let the reports read a period's reads, contributions and invitations alone.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_terms",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("term", sa.String(100), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("empty", sa.Integer(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "term", name=op.f("pk_search_terms")),
    )
    op.create_table(
        "response_views",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE",
                                name=op.f("fk_response_views_response_id_responses")),
        sa.PrimaryKeyConstraint("response_id", "day", name=op.f("pk_response_views")),
    )
    op.create_index("ix_response_views_day", "response_views", ["day", "response_id", "views"],
                    unique=False)
    # The reports read a period's contributions and invitations from these alone.
    op.create_index("ix_contributions_created", "contributions",
                    ["created_at", "query_id", "author_id"], unique=False)
    op.create_index("ix_assignments_created", "assignments",
                    ["created_at", "expert_id", "status"], unique=False)
    with op.batch_alter_table("queries") as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(10), nullable=False,
                                      server_default="web"))


def downgrade():
    op.drop_index("ix_assignments_created", table_name="assignments")
    op.drop_index("ix_contributions_created", table_name="contributions")
    op.drop_index("ix_response_views_day", table_name="response_views")
    op.drop_table("response_views")
    op.drop_table("search_terms")
    with op.batch_alter_table("queries") as batch_op:
        batch_op.drop_column("channel")
