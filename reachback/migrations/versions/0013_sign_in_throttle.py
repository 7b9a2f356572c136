"""sign-in delays per account and client address; rate-limit counters in the database

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 05:00:00

The lockout of a whole account (users.failed_logins, users.locked_until) let anyone lock a
real user out; it becomes growing delays per pair of account and client address
(sign_in_throttles, accounts/lockout.py), and users.sign_in_alert_at says when the owner and
the admins were last told of repeated failures. flask-limiter's counters move from each
process's memory into rate_limit_counters (accounts/limit_store.py), shared by every worker.
A run of failures in progress is not carried over: the delays start afresh.
"""
import sqlalchemy as sa
from alembic import op

import reachback.models_base

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_throttles',
        sa.Column('account', sa.String(length=64), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', reachback.models_base.UTCDateTime(), nullable=False),
        sa.Column('wait_until', reachback.models_base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('account', 'address', name=op.f('pk_sign_in_throttles')))
    op.create_index(op.f('ix_sign_in_throttles_last_failure_at'), 'sign_in_throttles',
                    ['last_failure_at'], unique=False)
    op.create_table(
        'rate_limit_counters',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counters')))
    op.create_index(op.f('ix_rate_limit_counters_expires_at'), 'rate_limit_counters',
                    ['expires_at'], unique=False)
    # Plain ALTER TABLE ... ADD/DROP COLUMN (SQLite >= 3.35 and PostgreSQL), never a batch
    # copy of users (see 0006).
    op.add_column('users', sa.Column('sign_in_alert_at', reachback.models_base.UTCDateTime(),
                                     nullable=True))
    op.drop_column('users', 'locked_until')
    op.drop_column('users', 'failed_logins')


def downgrade():
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), nullable=False,
                                     server_default='0'))
    op.add_column('users', sa.Column('locked_until', reachback.models_base.UTCDateTime(),
                                     nullable=True))
    op.drop_column('users', 'sign_in_alert_at')
    op.drop_index(op.f('ix_rate_limit_counters_expires_at'), table_name='rate_limit_counters')
    op.drop_table('rate_limit_counters')
    op.drop_index(op.f('ix_sign_in_throttles_last_failure_at'), table_name='sign_in_throttles')
    op.drop_table('sign_in_throttles')
