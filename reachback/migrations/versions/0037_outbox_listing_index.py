"""The admins' outbox lists each status newest first from an index:
ix_outbound_emails_status_created (status, created_at, id).

Revision ID: 0037
Revises: 0033

Without it the outbox page sorted every e-mail ever queued (22 000 at 100 000 queries) on
each view.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_outbound_emails_status_created", "outbound_emails",
                    ["status", "created_at", "id"])


def downgrade():
    op.drop_index("ix_outbound_emails_status_created", table_name="outbound_emails")
