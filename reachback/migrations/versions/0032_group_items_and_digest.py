"""Sub-groups, part 2: library documents and calendar events of a group, the group digest

Revision ID: 0032
Revises: 0028
Create Date: 2026-12-07 20:10:00

- documents.group_id and community_events.group_id: the group an item belongs to (its
  visibility `group` reads it: the group's active members, plus staff). No ON DELETE
  action (restrict), as queries.group_id: a group is never deleted behind its items'
  back, so no item silently changes readers.
- group_memberships.digest: the member receives the group's weekly digest (true; the
  digest's one-click unsubscribe turns it off).
- groups.digest_sent_at: when the group's last digest went out (the next one tells what
  is new since; None: never).
"""
import sqlalchemy as sa
from alembic import op

from reachback.models_base import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0028'
branch_labels = None
depends_on = None

ITEMS = (("documents", "ix_documents_group_id", "fk_documents_group_id_groups"),
         ("community_events", "ix_community_events_group_id",
          "fk_community_events_group_id_groups"))


def upgrade():
    for table, index, fk in ITEMS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
            batch_op.create_index(index, ["group_id"])
            batch_op.create_foreign_key(fk, "groups", ["group_id"], ["id"])
    with op.batch_alter_table("group_memberships") as batch_op:
        batch_op.add_column(sa.Column("digest", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table("groups") as batch_op:
        batch_op.add_column(sa.Column("digest_sent_at", UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("groups") as batch_op:
        batch_op.drop_column("digest_sent_at")
    with op.batch_alter_table("group_memberships") as batch_op:
        batch_op.drop_column("digest")
    for table, index, fk in reversed(ITEMS):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(fk, type_="foreignkey")
            batch_op.drop_index(index)
            batch_op.drop_column("group_id")
