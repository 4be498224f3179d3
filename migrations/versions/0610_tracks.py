"""Certification tracks: tracks, levels, requirements, memberships, holdings with reminders, exam results
per subject and external licences

Revision ID: 0610_tracks
Revises: 0500_personnel
Create Date: 2026-11-25 19:15:00

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '0610_tracks'
down_revision = '0500_personnel'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tracks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('description_zh', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('updated_at', lms.db.TZDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracks')),
    sa.UniqueConstraint('code', name=op.f('uq_tracks_code'))
    )
    op.create_table('track_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('prerequisite_id', sa.Integer(), nullable=True),
    sa.Column('validity_kind', sa.String(length=12), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['prerequisite_id'], ['track_levels.id'], name=op.f('fk_track_levels_prerequisite_id_track_levels')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_track_levels_track_id_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_levels')),
    sa.UniqueConstraint('code', name=op.f('uq_track_levels_code')),
    sa.UniqueConstraint('track_id', 'rank', name='uq_track_levels_track_rank')
    )
    op.create_index(op.f('ix_track_levels_track_id'), 'track_levels', ['track_id'], unique=False)
    op.create_table('track_holdings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('certificate_no', sa.String(length=60), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('renewed_on', sa.Date(), nullable=True),
    sa.Column('lapsed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_track_holdings_employee_id_employees')),
    sa.ForeignKeyConstraint(['level_id'], ['track_levels.id'], name=op.f('fk_track_holdings_level_id_track_levels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_holdings')),
    sa.UniqueConstraint('certificate_no', name=op.f('uq_track_holdings_certificate_no')),
    sa.UniqueConstraint('level_id', 'employee_id', name='uq_track_holdings_level_employee')
    )
    op.create_index(op.f('ix_track_holdings_employee_id'), 'track_holdings', ['employee_id'], unique=False)
    op.create_index(op.f('ix_track_holdings_level_id'), 'track_holdings', ['level_id'], unique=False)
    op.create_index('ix_track_holdings_status_valid_until', 'track_holdings', ['status', 'valid_until'], unique=False)
    op.create_table('track_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('label_zh', sa.String(length=200), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('topic_codes', sa.String(length=200), nullable=False),
    sa.Column('hours', sa.Float(), nullable=True),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('pass_mark', sa.Float(), nullable=True),
    sa.Column('no_zero', sa.Boolean(), nullable=False),
    sa.Column('max_absence_share', sa.Float(), nullable=True),
    sa.Column('licence_kind', sa.String(length=16), nullable=False),
    sa.Column('licence_level', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_track_requirements_course_id_courses')),
    sa.ForeignKeyConstraint(['level_id'], ['track_levels.id'], name=op.f('fk_track_requirements_level_id_track_levels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_requirements'))
    )
    op.create_index(op.f('ix_track_requirements_level_id'), 'track_requirements', ['level_id'], unique=False)
    op.create_table('track_exam_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('percent', sa.Float(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_track_exam_results_employee_id_employees')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_track_exam_results_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['requirement_id'], ['track_requirements.id'], name=op.f('fk_track_exam_results_requirement_id_track_requirements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_exam_results'))
    )
    op.create_index('ix_track_exam_results_employee_requirement', 'track_exam_results', ['employee_id', 'requirement_id'], unique=False)
    op.create_table('track_licences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('groups', sa.String(length=20), nullable=False),
    sa.Column('structure', sa.String(length=16), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('updated_at', lms.db.TZDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_track_licences_employee_id_employees')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_track_licences_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_licences')),
    sa.UniqueConstraint('number', name=op.f('uq_track_licences_number'))
    )
    op.create_index(op.f('ix_track_licences_employee_id'), 'track_licences', ['employee_id'], unique=False)
    op.create_table('track_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('via', sa.String(length=16), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=True),
    sa.Column('joined_at', lms.db.TZDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_track_memberships_employee_id_employees')),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['users.id'], name=op.f('fk_track_memberships_nominated_by_id_users')),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_track_memberships_track_id_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_memberships')),
    sa.UniqueConstraint('track_id', 'employee_id', name='uq_track_memberships_track_employee')
    )
    op.create_index(op.f('ix_track_memberships_employee_id'), 'track_memberships', ['employee_id'], unique=False)
    op.create_index(op.f('ix_track_memberships_track_id'), 'track_memberships', ['track_id'], unique=False)
    op.create_table('track_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holding_id', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('sent_at', lms.db.TZDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['holding_id'], ['track_holdings.id'], name=op.f('fk_track_reminders_holding_id_track_holdings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_track_reminders')),
    sa.UniqueConstraint('holding_id', 'threshold', 'valid_until', name='uq_track_reminders_holding_threshold_until')
    )


def downgrade():
    op.drop_table('track_reminders')
    op.drop_index(op.f('ix_track_memberships_track_id'), table_name='track_memberships')
    op.drop_index(op.f('ix_track_memberships_employee_id'), table_name='track_memberships')
    op.drop_table('track_memberships')
    op.drop_index(op.f('ix_track_licences_employee_id'), table_name='track_licences')
    op.drop_table('track_licences')
    op.drop_index('ix_track_exam_results_employee_requirement', table_name='track_exam_results')
    op.drop_table('track_exam_results')
    op.drop_index(op.f('ix_track_requirements_level_id'), table_name='track_requirements')
    op.drop_table('track_requirements')
    op.drop_index('ix_track_holdings_status_valid_until', table_name='track_holdings')
    op.drop_index(op.f('ix_track_holdings_level_id'), table_name='track_holdings')
    op.drop_index(op.f('ix_track_holdings_employee_id'), table_name='track_holdings')
    op.drop_table('track_holdings')
    op.drop_index(op.f('ix_track_levels_track_id'), table_name='track_levels')
    op.drop_table('track_levels')
    op.drop_table('tracks')
