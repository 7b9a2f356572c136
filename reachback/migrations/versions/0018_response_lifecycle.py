"""response lifecycle: reviews, corrections, supersede and retract, watchers, ratings,
feedback and follow-ups

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 14:00:00

A published response lives on. Responses record the revision readers see (a correction's
draft is a later one until published), the newer response that supersedes them, and why
they were retracted; what is published now is its latest revision. New tables: the
corrections published, review requests, the members who watch a query, the requesters'
ratings (responses remember the reminder to rate), readers' feedback, facilitators'
"See also" links; a query may follow up another.
"""
import sqlalchemy as sa
from alembic import op

import reachback.models_base

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(sa.Column("published_revision", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("retracted_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("retracted_at", reachback.models_base.UTCDateTime(),
                                      nullable=True))
        batch_op.create_foreign_key(op.f("fk_responses_superseded_by_id_responses"),
                                    "responses", ["superseded_by_id"], ["id"],
                                    ondelete="SET NULL")
    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(sa.Column("rating_reminded_at", reachback.models_base.UTCDateTime(),
                                      nullable=True))
    with op.batch_alter_table("queries") as batch_op:
        batch_op.add_column(sa.Column("follows_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_queries_follows_id_queries"), "queries",
                                    ["follows_id"], ["id"])
        batch_op.create_index(op.f("ix_queries_follows_id"), ["follows_id"], unique=False)
    op.execute("UPDATE responses SET published_revision = revision "
               "WHERE status = 'published'")
    op.create_table('response_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('previous_revision', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_response_corrections_author_id_users')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_response_corrections_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_corrections'))
    )
    op.create_index(op.f('ix_response_corrections_response_id'), 'response_corrections', ['response_id'], unique=False)
    op.create_table('review_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query_id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('answer_note', sa.Text(), nullable=False),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('answered_at', reachback.models_base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['query_id'], ['queries.id'], name=op.f('fk_review_requests_query_id_queries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_review_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_review_requests_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_review_requests_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_requests'))
    )
    op.create_index(op.f('ix_review_requests_query_id'), 'review_requests', ['query_id'], unique=False)
    op.create_index('ix_review_requests_reviewer', 'review_requests', ['reviewer_id', 'status'], unique=False)
    op.create_table('query_watchers',
    sa.Column('query_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['query_id'], ['queries.id'], name=op.f('fk_query_watchers_query_id_queries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_query_watchers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('query_id', 'user_id', name=op.f('pk_query_watchers'))
    )
    op.create_index(op.f('ix_query_watchers_user_id'), 'query_watchers', ['user_id'], unique=False)
    op.create_table('response_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('query_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('used_for', sa.Text(), nullable=False),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['query_id'], ['queries.id'], name=op.f('fk_response_ratings_query_id_queries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_response_ratings_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_ratings')),
    sa.UniqueConstraint('query_id', name=op.f('uq_response_ratings_query_id'))
    )
    op.create_table('response_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('useful', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('outdated', sa.Boolean(), nullable=False),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_response_feedback_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_response_feedback_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_feedback')),
    sa.UniqueConstraint('response_id', 'user_id', name='uq_response_feedback_reader')
    )
    op.create_index('ix_response_feedback_outdated', 'response_feedback', ['outdated', 'response_id'], unique=False)
    op.create_table('response_links',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_response_links_added_by_id_users')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_response_links_response_id_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['responses.id'], name=op.f('fk_response_links_target_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'target_id', name=op.f('pk_response_links'))
    )


def downgrade():
    op.drop_table('response_links')
    op.drop_index('ix_response_feedback_outdated', table_name='response_feedback')
    op.drop_table('response_feedback')
    op.drop_table('response_ratings')
    op.drop_index(op.f('ix_query_watchers_user_id'), table_name='query_watchers')
    op.drop_table('query_watchers')
    op.drop_index('ix_review_requests_reviewer', table_name='review_requests')
    op.drop_index(op.f('ix_review_requests_query_id'), table_name='review_requests')
    op.drop_table('review_requests')
    op.drop_index(op.f('ix_response_corrections_response_id'), table_name='response_corrections')
    op.drop_table('response_corrections')
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_constraint(op.f("fk_responses_superseded_by_id_responses"),
                                 type_="foreignkey")
        for column in ("rating_reminded_at", "retracted_at", "retracted_reason",
                       "superseded_by_id", "published_revision"):
            batch_op.drop_column(column)
    with op.batch_alter_table("queries") as batch_op:
        batch_op.drop_index(op.f("ix_queries_follows_id"))
        batch_op.drop_constraint(op.f("fk_queries_follows_id_queries"), type_="foreignkey")
        batch_op.drop_column("follows_id")
