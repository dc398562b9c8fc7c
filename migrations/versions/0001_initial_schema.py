"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('cohorts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('workspace_id', sa.String(length=64), nullable=False),
    sa.Column('channel_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('prompt_time', sa.Time(), nullable=False),
    sa.Column('study_days', sa.String(length=40), nullable=False),
    sa.Column('reminder_day', sa.Integer(), nullable=False),
    sa.Column('review_day', sa.Integer(), nullable=False),
    sa.Column('digest_day', sa.Integer(), nullable=False),
    sa.Column('inactivity_days', sa.Integer(), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohorts')),
    sa.UniqueConstraint('platform', 'workspace_id', 'channel_id', name=op.f('uq_cohorts_platform'))
    )
    op.create_table('cohort_admins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_admins_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_admins')),
    sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_cohort_admins_cohort_id'))
    )
    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('track', sa.String(length=40), nullable=False),
    sa.Column('budget', sa.String(length=20), nullable=False),
    sa.Column('target_role', sa.String(length=120), nullable=True),
    sa.Column('plan_start', sa.Date(), nullable=False),
    sa.Column('prompt_time', sa.Time(), nullable=True),
    sa.Column('study_days', sa.String(length=40), nullable=True),
    sa.Column('quiet_start', sa.Time(), nullable=True),
    sa.Column('quiet_end', sa.Time(), nullable=True),
    sa.Column('delivery', sa.String(length=10), nullable=False),
    sa.Column('checkins_public', sa.Boolean(), nullable=False),
    sa.Column('leaderboard', sa.Boolean(), nullable=False),
    sa.Column('reminders_off', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('snoozed_until', sa.DateTime(), nullable=True),
    sa.Column('last_nudges', sa.JSON(), nullable=False),
    sa.Column('last_checkin_on', sa.Date(), nullable=True),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("delivery in ('dm', 'channel')", name=op.f('ck_members_delivery')),
    sa.CheckConstraint("status in ('active', 'paused', 'left')", name=op.f('ck_members_status')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_members_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_members_cohort_id'))
    )
    op.create_table('rest_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_rest_days_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rest_days')),
    sa.UniqueConstraint('cohort_id', 'day', name=op.f('uq_rest_days_cohort_id'))
    )
    op.create_table('away_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_away_periods_order')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_away_periods_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_away_periods'))
    )
    with op.batch_alter_table('away_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_away_periods_member_id'), ['member_id'], unique=False)

    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('did', sa.Text(), nullable=False),
    sa.Column('next', sa.Text(), nullable=True),
    sa.Column('blockers', sa.Text(), nullable=True),
    sa.Column('mood', sa.Integer(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('posted_channel', sa.String(length=64), nullable=True),
    sa.Column('posted_message_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('mood is null or mood between 1 and 5', name=op.f('ck_checkins_mood')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_checkins_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins')),
    sa.UniqueConstraint('member_id', 'local_date', name=op.f('uq_checkins_member_id'))
    )
    op.create_table('hour_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("category in ('learning', 'building', 'networking')", name=op.f('ck_hour_logs_category')),
    sa.CheckConstraint('minutes > 0 and minutes <= 960', name=op.f('ck_hour_logs_minutes')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_hour_logs_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hour_logs'))
    )
    with op.batch_alter_table('hour_logs', schema=None) as batch_op:
        batch_op.create_index('ix_hour_logs_member_date', ['member_id', 'local_date'], unique=False)

    op.create_table('milestone_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('milestone', sa.String(length=60), nullable=False),
    sa.Column('awarded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_milestone_awards_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_awards')),
    sa.UniqueConstraint('member_id', 'milestone', name=op.f('uq_milestone_awards_member_id'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('nudge_id', sa.String(length=60), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('claimed_by', sa.String(length=80), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('platform_message_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status in ('pending', 'sending', 'sent', 'failed', 'skipped')", name=op.f('ck_outbox_status')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_outbox_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_outbox_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_outbox_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_index('ix_outbox_due_at', ['due_at'], unique=False)

    op.create_table('plan_weeks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('goal', sa.Text(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('week between 1 and 4', name=op.f('ck_plan_weeks_week')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_plan_weeks_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_weeks')),
    sa.UniqueConstraint('member_id', 'week', name=op.f('uq_plan_weeks_member_id'))
    )
    op.create_table('sprints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('iso_week', sa.String(length=8), nullable=False),
    sa.Column('target_learning', sa.Integer(), nullable=False),
    sa.Column('target_building', sa.Integer(), nullable=False),
    sa.Column('target_networking', sa.Integer(), nullable=False),
    sa.Column('review', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_sprints_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sprints')),
    sa.UniqueConstraint('member_id', 'iso_week', name=op.f('uq_sprints_member_id'))
    )
    op.create_table('sprint_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sprint_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['sprint_id'], ['sprints.id'], name=op.f('fk_sprint_goals_sprint_id_sprints'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sprint_goals')),
    sa.UniqueConstraint('sprint_id', 'position', name=op.f('uq_sprint_goals_sprint_id'))
    )
    


def downgrade() -> None:
    
    op.drop_table('sprint_goals')
    op.drop_table('sprints')
    op.drop_table('plan_weeks')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due_at')
        batch_op.drop_index('ix_outbox_status_due')
        batch_op.drop_index(batch_op.f('ix_outbox_member_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_cohort_id'))

    op.drop_table('outbox')
    op.drop_table('milestone_awards')
    with op.batch_alter_table('hour_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_hour_logs_member_date')

    op.drop_table('hour_logs')
    op.drop_table('checkins')
    with op.batch_alter_table('away_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_away_periods_member_id'))

    op.drop_table('away_periods')
    op.drop_table('rest_days')
    op.drop_table('members')
    op.drop_table('cohort_admins')
    op.drop_table('cohorts')
    
