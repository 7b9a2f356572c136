"""A member's calendar feed address can be replaced: users.feed_generation.

Revision ID: 0033
Revises: 0030

Addresses made before this revision (the member's id alone, signed) stop working: members
copy theirs again from the calendar page.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("feed_generation", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("feed_generation")
