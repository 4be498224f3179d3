"""data stamps: a token per group of tables, changed by triggers whenever a write to one of them commits
(the catalogue's pages are cached per web process until it changes; lms/stamps.py)

Revision ID: 0670_data_stamps
Revises: 0660_report_standings
"""
from alembic import op
import sqlalchemy as sa

from lms.stamps import drop_trigger_sql, trigger_sql


revision = '0670_data_stamps'
down_revision = '0660_report_standings'
branch_labels = None
depends_on = None

# What the catalogue search and course pages show, seats aside (counted on every page).
CATALOGUE_TABLES = ['courses', 'categories', 'topics', 'course_topics', 'course_prerequisites', 'agencies',
                    'class_runs', 'class_sessions', 'venues', 'rooms', 'instructors', 'session_instructors']


def upgrade():
    op.create_table('data_stamps',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('token', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_stamps'))
    )
    for statement in trigger_sql(op.get_bind().dialect.name, 'catalogue', CATALOGUE_TABLES):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in drop_trigger_sql(dialect, 'catalogue', CATALOGUE_TABLES):
        op.execute(statement)
    if dialect == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS bump_data_stamp()')
    op.drop_table('data_stamps')
