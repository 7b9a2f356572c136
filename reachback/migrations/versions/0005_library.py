"""library: documents (with their themes, countries and extracted text) and attachments

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:30:00

An attachment belongs to exactly one owner (a query, a message, a contribution or a
document: the check constraint ck_attachments_one_owner); its bytes live under
<instance>/uploads/ab/cd/<sha256>, not in the database.
"""
from alembic import op
import sqlalchemy as sa
import reachback.models_base


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('visibility', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_documents_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index('ix_documents_kind', ['kind'], unique=False)
        batch_op.create_index('ix_documents_visibility_date', ['visibility', 'date'], unique=False)

    op.create_table('document_countries',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_countries_document_id_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'country', name=op.f('pk_document_countries'))
    )
    with op.batch_alter_table('document_countries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_countries_country'), ['country'], unique=False)

    op.create_table('document_themes',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_themes_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_document_themes_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'theme_id', name=op.f('pk_document_themes'))
    )
    with op.batch_alter_table('document_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_themes_theme_id'), ['theme_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('query_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('contribution_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(CASE WHEN query_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN message_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN contribution_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN document_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_attachments_one_owner')),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_attachments_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_attachments_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_attachments_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['query_id'], ['queries.id'], name=op.f('fk_attachments_query_id_queries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_contribution_id'), ['contribution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_query_id'), ['query_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_uploaded_by_id'), ['uploaded_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachments_query_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_message_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_document_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_contribution_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('document_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_themes_theme_id'))

    op.drop_table('document_themes')
    with op.batch_alter_table('document_countries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_countries_country'))

    op.drop_table('document_countries')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_visibility_date')
        batch_op.drop_index('ix_documents_kind')
        batch_op.drop_index(batch_op.f('ix_documents_created_by_id'))

    op.drop_table('documents')
