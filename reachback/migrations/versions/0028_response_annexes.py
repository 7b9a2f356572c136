"""response annexes: an attachment may belong to a consolidated response

Revision ID: 0028
Revises: 0023
Create Date: 2026-12-07 17:00:00

attachments gains response_id (the response whose annex it is, deleted with it); the check
constraint ck_attachments_one_owner counts it among the owners, so that an attachment still
has exactly one.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

OWNERS = ("query_id", "message_id", "contribution_id", "document_id")


def _one_owner(columns) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def upgrade():
    with op.batch_alter_table("attachments") as batch_op:
        batch_op.add_column(sa.Column("response_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_attachments_response_id_responses"), "responses",
                                    ["response_id"], ["id"], ondelete="CASCADE")
        batch_op.create_index(batch_op.f("ix_attachments_response_id"), ["response_id"],
                              unique=False)
        batch_op.drop_constraint(op.f("ck_attachments_one_owner"), type_="check")
        batch_op.create_check_constraint(op.f("ck_attachments_one_owner"),
                                         _one_owner((*OWNERS, "response_id")))


def downgrade():
    op.execute("DELETE FROM attachments WHERE response_id IS NOT NULL")
    with op.batch_alter_table("attachments") as batch_op:
        batch_op.drop_constraint(op.f("ck_attachments_one_owner"), type_="check")
        batch_op.create_check_constraint(op.f("ck_attachments_one_owner"), _one_owner(OWNERS))
        batch_op.drop_index(batch_op.f("ix_attachments_response_id"))
        batch_op.drop_constraint(op.f("fk_attachments_response_id_responses"),
                                 type_="foreignkey")
        batch_op.drop_column("response_id")
