"""online courses: content packages, units, registrations, unit progress; xAPI launch credentials

Revision ID: 0630_online
Revises: 0640_xapi_indexes
"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '0630_online'
down_revision = '0640_xapi_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_launch_credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('fetch_hash', sa.String(length=64), nullable=True),
    sa.Column('secret_hash', sa.String(length=64), nullable=True),
    sa.Column('actor', sa.Text(), nullable=False),
    sa.Column('agent_hash', sa.String(length=40), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('activity_id', sa.Text(), nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('expires_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('fetched_at', lms.db.TZDateTime(), nullable=True),
    sa.Column('terminated_at', lms.db.TZDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_launch_credentials')),
    sa.UniqueConstraint('fetch_hash', name=op.f('uq_xapi_launch_credentials_fetch_hash')),
    sa.UniqueConstraint('key', name=op.f('uq_xapi_launch_credentials_key'))
    )
    with op.batch_alter_table('xapi_launch_credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_launch_credentials_registration'), ['registration'], unique=False)

    op.create_table('online_packages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('storage_prefix', sa.String(length=120), nullable=False),
    sa.Column('publisher_id', sa.String(length=500), nullable=False),
    sa.Column('title_zh', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('file_count', sa.Integer(), nullable=False),
    sa.Column('total_bytes', sa.BigInteger(), nullable=False),
    sa.Column('completion_rule', sa.String(length=16), nullable=False),
    sa.Column('last_page', sa.String(length=500), nullable=False),
    sa.Column('watched_percent', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_online_packages_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_online_packages_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_packages')),
    sa.UniqueConstraint('course_id', name=op.f('uq_online_packages_course_id'))
    )
    op.create_table('online_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('publisher_id', sa.String(length=500), nullable=False),
    sa.Column('title_zh', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('launch_method', sa.String(length=16), nullable=False),
    sa.Column('move_on', sa.String(length=24), nullable=False),
    sa.Column('mastery_score', sa.Float(), nullable=True),
    sa.Column('launch_parameters', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['online_packages.id'], name=op.f('fk_online_units_package_id_online_packages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_units')),
    sa.UniqueConstraint('package_id', 'position', name='uq_online_units_position')
    )
    op.create_table('online_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('last_launched_at', lms.db.TZDateTime(), nullable=True),
    sa.Column('satisfied_at', lms.db.TZDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_online_registrations_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_online_registrations_employee_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_registrations')),
    sa.UniqueConstraint('course_id', 'employee_id', name='uq_online_registrations_learner'),
    sa.UniqueConstraint('registration', name=op.f('uq_online_registrations_registration'))
    )
    with op.batch_alter_table('online_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_online_registrations_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_online_registrations_employee_id'), ['employee_id'], unique=False)

    op.create_table('online_unit_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('launched_at', lms.db.TZDateTime(), nullable=True),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('failed', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('pages_seen', sa.Text(), nullable=False),
    sa.Column('watched_percent', sa.Integer(), nullable=False),
    sa.Column('satisfied_at', lms.db.TZDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['online_registrations.id'], name=op.f('fk_online_unit_progress_registration_id_online_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['online_units.id'], name=op.f('fk_online_unit_progress_unit_id_online_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_online_unit_progress')),
    sa.UniqueConstraint('registration_id', 'unit_id', name='uq_online_unit_progress')
    )


def downgrade():
    op.drop_table('online_unit_progress')
    with op.batch_alter_table('online_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_online_registrations_employee_id'))
        batch_op.drop_index(batch_op.f('ix_online_registrations_course_id'))
    op.drop_table('online_registrations')
    op.drop_table('online_units')
    op.drop_table('online_packages')
    with op.batch_alter_table('xapi_launch_credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_launch_credentials_registration'))
    op.drop_table('xapi_launch_credentials')
