"""Long lists read from indexes: the admins' outbox, each status newest first,
ix_outbound_emails_status_created (status, created_at, id); the library's documents newest
first with who may read them, ix_documents_listing (date, id, visibility, group_id); the
newsletter's recipients counted, ix_users_active_email (active, email). (The users by name,
case ignored, read 0036's ix_users_lower_name.)

Revision ID: 0037
Revises: 0036

Without them the outbox page sorted every e-mail ever queued (22 000 at 100 000 queries) on
each view, the users page read every user's whole row (5 000) to sort them, and the library
read every document's row (their extracted text with them) to list, count and date them.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_outbound_emails_status_created", "outbound_emails",
                    ["status", "created_at", "id"])
    op.create_index("ix_documents_listing", "documents", ["date", "id", "visibility", "group_id"])
    op.create_index("ix_users_active_email", "users", ["active", "email"])


def downgrade():
    op.drop_index("ix_users_active_email", table_name="users")
    op.drop_index("ix_documents_listing", table_name="documents")
    op.drop_index("ix_outbound_emails_status_created", table_name="outbound_emails")
