"""SLA: calendars and holidays, policies per priority, recorded marks, warning points

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 00:06:39.003328

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
import reachback.models_base


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# The defaults, as in reachback.sla.services.DEFAULT_TARGETS (copied: a migration must not
# change when the code does). Business hours: (triage, answer, resolution).
DEFAULT_TARGETS = {
    "urgent": (4, 16, 40),
    "high": (8, 24, 56),
    "normal": (8, 40, 96),
    "low": (16, 80, 160),
}


def _timezone() -> str:
    """The deployment's REACHBACK_TIMEZONE (app.config["TIMEZONE"]), UTC outside an app."""
    try:
        from flask import current_app

        return current_app.config.get("TIMEZONE") or "UTC"
    except RuntimeError:
        return "UTC"


def upgrade():
    calendars = op.create_table('sla_calendars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('working_days', sa.String(length=20), nullable=False),
    sa.Column('intervals', sa.String(length=200), nullable=False),
    sa.Column('updated_at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_calendars')),
    sa.UniqueConstraint('name', name=op.f('uq_sla_calendars_name'))
    )
    op.create_table('sla_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=12), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('at', reachback.models_base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_marks')),
    sa.UniqueConstraint('kind', 'object_id', 'target', 'threshold', name='uq_sla_marks_key')
    )
    op.create_table('sla_calendar_holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['sla_calendars.id'], name=op.f('fk_sla_calendar_holidays_calendar_id_sla_calendars'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_calendar_holidays')),
    sa.UniqueConstraint('calendar_id', 'day', name='uq_sla_calendar_holidays_calendar_day')
    )
    policies = op.create_table('sla_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('triage_hours', sa.Float(), nullable=False),
    sa.Column('answer_hours', sa.Float(), nullable=False),
    sa.Column('resolution_hours', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['sla_calendars.id'], name=op.f('fk_sla_policies_calendar_id_sla_calendars')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_policies')),
    sa.UniqueConstraint('priority', name=op.f('uq_sla_policies_priority'))
    )
    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_policies_calendar_id'), ['calendar_id'], unique=False)

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remind_at', reachback.models_base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('warn_at', reachback.models_base.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_assignments_status_remind', ['status', 'remind_at'], unique=False)

    with op.batch_alter_table('queries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('triage_warn_at', reachback.models_base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolution_warn_at', reachback.models_base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('sla_calendar', sa.String(length=100), nullable=True))
        batch_op.create_index('ix_queries_triage_sla', ['triage_met_at', 'triage_warn_at'], unique=False)
        batch_op.create_index('ix_queries_resolution_sla', ['resolution_met_at', 'resolution_warn_at'], unique=False)

    # Data: the default calendar (Monday to Friday, 09:00-17:00, no holidays) and the four
    # policies; reachback.sla.services.seed_sla_defaults() does the same for create_all.
    # No explicit id: on PostgreSQL that would leave the id sequence behind.
    bind = op.get_bind()
    bind.execute(calendars.insert().values(
        name="Default", timezone=_timezone(), working_days="0,1,2,3,4",
        intervals="09:00-17:00", updated_at=datetime.now(UTC)))
    calendar_id = bind.execute(
        sa.select(calendars.c.id).where(calendars.c.name == "Default")).scalar_one()
    op.bulk_insert(policies, [
        {"priority": priority, "calendar_id": calendar_id, "triage_hours": triage,
         "answer_hours": answer, "resolution_hours": resolution}
        for priority, (triage, answer, resolution) in DEFAULT_TARGETS.items()
    ])

def downgrade():
    with op.batch_alter_table('queries', schema=None) as batch_op:
        batch_op.drop_index('ix_queries_resolution_sla')
        batch_op.drop_index('ix_queries_triage_sla')
        batch_op.drop_column('sla_calendar')
        batch_op.drop_column('resolution_warn_at')
        batch_op.drop_column('triage_warn_at')

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_status_remind')
        batch_op.drop_column('warn_at')
        batch_op.drop_column('remind_at')

    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_policies_calendar_id'))

    op.drop_table('sla_policies')
    op.drop_table('sla_calendar_holidays')
    op.drop_table('sla_marks')
    op.drop_table('sla_calendars')
