"""languages: the member's interface language is a choice, content records its language

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 10:00:00

users.language was "en" for everyone and nothing read it; it becomes the interface language
a member chose, NULL meaning "as my browser asks" (reachback/i18n.py), so every existing
member now follows their browser. Queries, contributions and responses record the language
they are written in; what exists was written in English. An outgoing e-mail records its
language too (its Content-Language header).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

CONTENT = ("queries", "contributions", "responses")


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("language", existing_type=sa.String(10), nullable=True)
    op.execute("UPDATE users SET language = NULL")
    for table in CONTENT:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("language", sa.String(10), nullable=False,
                                          server_default="en"))
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(10)))


def downgrade():
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.drop_column("language")
    for table in CONTENT:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("language")
    op.execute("UPDATE users SET language = 'en'")
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("language", existing_type=sa.String(10), nullable=False)
