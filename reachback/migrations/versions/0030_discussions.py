"""E-discussions: discussions, their weekly questions, posts and participants (issue 21).

Revision ID: 0030
Revises: 0031

- discussions: title, framing (Markdown), starts_on/ends_on, the group (none: the
  community), closed_at (its summary published), summary_document_id (the library document).
- discussion_questions: one guiding question a week, released_at once sent.
- discussion_posts: posts, replies (reply_to_id) and weekly summaries (kind), hidden ones
  with who hid them and why.
- discussion_participants: invited resource people and members who get posts by e-mail.
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "discussions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_html", sa.Text(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("groups.id", ondelete="CASCADE"),
                  nullable=True, index=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("summary_document_id", sa.Integer(),
                  sa.ForeignKey("documents.id", ondelete="SET NULL"), nullable=True),
    )
    op.create_index("ix_discussions_starts_on", "discussions", ["starts_on"])
    op.create_table(
        "discussion_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("discussion_id", sa.Integer(),
                  sa.ForeignKey("discussions.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "discussion_posts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("discussion_id", sa.Integer(),
                  sa.ForeignKey("discussions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False,
                  index=True),
        sa.Column("reply_to_id", sa.Integer(),
                  sa.ForeignKey("discussion_posts.id", ondelete="CASCADE"), nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("hidden_at", UTCDateTime(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(),
                  sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_discussion_posts_discussion", "discussion_posts",
                    ["discussion_id", "created_at"])
    op.create_table(
        "discussion_participants",
        sa.Column("discussion_id", sa.Integer(),
                  sa.ForeignKey("discussions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  primary_key=True, index=True),
        sa.Column("invited", sa.Boolean(), nullable=False),
        sa.Column("email_posts", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade():
    op.drop_table("discussion_participants")
    op.drop_index("ix_discussion_posts_discussion", table_name="discussion_posts")
    op.drop_table("discussion_posts")
    op.drop_table("discussion_questions")
    op.drop_index("ix_discussions_starts_on", table_name="discussions")
    op.drop_table("discussions")
