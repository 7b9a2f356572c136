"""two-factor sign-in, recovery codes, invitations, password reset, rate limits

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 03:30:00

Users get a TOTP secret (active, and one waiting for its first code), the last code step
accepted (a code works once), and the growing lockout (failed sign-ins in a row, locked
until). Recovery codes (SHA-256 only) and invitations get their tables. Password reset links
need no table: they carry a stamp of the password hash. Rate-limit counters are not in the
database (flask-limiter's store).
"""
from alembic import op
import sqlalchemy as sa
import reachback.models_base


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

USER_COLUMNS = ('totp_secret', 'totp_pending_secret', 'totp_last_step', 'failed_logins',
                'locked_until')


def upgrade():
    # Plain ALTER TABLE ... ADD COLUMN (never a batch copy of users: see 0006).
    op.add_column('users', sa.Column('totp_secret', sa.String(length=64), nullable=True))
    op.add_column('users', sa.Column('totp_pending_secret', sa.String(length=64),
                                     nullable=True))
    op.add_column('users', sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.add_column('users', sa.Column('failed_logins', sa.Integer(), nullable=False,
                                     server_default='0'))
    op.add_column('users', sa.Column('locked_until', reachback.models_base.UTCDateTime(),
                                     nullable=True))

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('used_at', reachback.models_base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('accepted_at', reachback.models_base.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', reachback.models_base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_invitations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_invited_by_id'), ['invited_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_invited_by_id'))
    op.drop_table('invitations')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    for column in reversed(USER_COLUMNS):
        op.drop_column('users', column)
