"""mail in: Reply-To addresses on the outbox, bouncing addresses, answers to unknown senders,
and queries whose country the facilitator sets at triage

Revision ID: 0022
Revises: 0017
Create Date: 2026-12-07 13:30:00

- outbound_emails.reply_to: the signed reply address an e-mail carries (reachback.mailin.tokens).
- mail_bounces: addresses a delivery status notification reported as failing (/admin/outbox).
- mail_refusals: when mail from an unknown address was last answered (its SHA-256 only).
- queries.country becomes nullable: a query sent by e-mail has none until triage sets it.
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.String(254), nullable=True))
    with op.batch_alter_table("queries") as batch_op:
        batch_op.alter_column("country", existing_type=sa.String(2), nullable=True)
    op.create_table(
        "mail_bounces",
        sa.Column("address", sa.String(254), primary_key=True),
        sa.Column("first_at", UTCDateTime(), nullable=False),
        sa.Column("last_at", UTCDateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("diagnostic", sa.Text(), nullable=True),
    )
    op.create_table(
        "mail_refusals",
        sa.Column("address_hash", sa.String(64), primary_key=True),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
    )


def downgrade():
    op.drop_table("mail_refusals")
    op.drop_table("mail_bounces")
    if op.get_bind().scalar(sa.text("SELECT count(*) FROM queries WHERE country IS NULL")):
        raise RuntimeError("Some queries have no country yet: set one at triage first.")
    with op.batch_alter_table("queries") as batch_op:
        batch_op.alter_column("country", existing_type=sa.String(2), nullable=False)
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.drop_column("reply_to")
