"""response translations: a published response in other languages

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 11:00:00

A facilitator adds a translated version of a published response (one per language, never
in the response's own); it is read by the readers of the original and indexed as a search
document of its own. A new table: nothing to fill.
"""
import sqlalchemy as sa
from alembic import op

import reachback.models_base

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('response_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('summary_html', sa.Text(), nullable=True),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('translator_id', sa.Integer(), nullable=False),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_response_translations_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['translator_id'], ['users.id'], name=op.f('fk_response_translations_translator_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_translations')),
    sa.UniqueConstraint('response_id', 'language', name='uq_response_translations_language')
    )


def downgrade():
    op.drop_table('response_translations')
