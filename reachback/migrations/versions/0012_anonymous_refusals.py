"""refused access of anonymous visitors: one audit row per client address and minute

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 10:00:00

anonymous_refusals holds the (minute, address) pairs already recorded in the audit log, so
that a flood of anonymous 404s writes one row a minute per address, across every worker
(accounts/refusals.py). Only the current minute's rows matter; older ones are deleted as
new ones come.
"""
import sqlalchemy as sa
from alembic import op

import reachback.models_base

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('anonymous_refusals',
    sa.Column('minute', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('minute', 'address', name=op.f('pk_anonymous_refusals'))
    )


def downgrade():
    op.drop_table('anonymous_refusals')
