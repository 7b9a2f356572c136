"""mail out: a stable Message-ID and extra headers per e-mail; subscriptions (the listserv)

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-07 13:30:00

Each outbox row keeps the Message-ID it is sent with (a retry sends the same one) and the
headers it carries (threading, List-Unsubscribe...); rows queued before have neither and get
a Message-ID when sent. Members' subscriptions to themes and countries, and the responses
sent to each subscriber, are new tables: nothing to fill.
"""
import sqlalchemy as sa
from alembic import op

import reachback.models_base

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbound_emails') as batch:
        batch.add_column(sa.Column('message_id', sa.String(length=250), nullable=True))
        batch.add_column(sa.Column('headers', sa.JSON(), nullable=True))
    op.create_table('subscriptions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('countries', sa.JSON(), nullable=False),
    sa.Column('frequency', sa.String(length=12), nullable=False),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_subscriptions'))
    )
    op.create_table('subscription_deliveries',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_subscription_deliveries_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subscription_deliveries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'response_id', name=op.f('pk_subscription_deliveries'))
    )


def downgrade():
    op.drop_table('subscription_deliveries')
    op.drop_table('subscriptions')
    with op.batch_alter_table('outbound_emails') as batch:
        batch.drop_column('headers')
        batch.drop_column('message_id')
