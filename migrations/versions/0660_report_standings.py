"""reports: the stored standing of every person against a year's rules (refreshed in the background,
read by the supervisor reports instead of summing the ledger per page)

Revision ID: 0660_report_standings
Revises: 0650_reports
"""
from alembic import op
import sqlalchemy as sa

import lms.db


revision = '0660_report_standings'
down_revision = '0650_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_snapshots',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('refreshed_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_report_snapshots'))
    )
    op.create_table('report_standings',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('employee_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('enrolments', sa.Integer(), nullable=False),
    sa.Column('completions', sa.Integer(), nullable=False),
    sa.Column('met', sa.Integer(), nullable=False),
    sa.Column('owed', sa.Integer(), nullable=False),
    sa.Column('compliant', sa.Integer(), nullable=False),
    sa.Column('at_risk', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_report_standings_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('year', 'employee_id', name=op.f('pk_report_standings'))
    )
    with op.batch_alter_table('report_standings', schema=None) as batch_op:
        batch_op.create_index('ix_report_standings_year_compliant', ['year', 'compliant', 'at_risk', 'met'], unique=False)
    op.create_table('report_standing_rules',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('employee_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('rule_index', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('certified', sa.Float(), nullable=False),
    sa.Column('pending', sa.Float(), nullable=False),
    sa.Column('required', sa.Float(), nullable=True),
    sa.Column('booked', sa.Float(), nullable=False),
    sa.Column('projected', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_report_standing_rules_employee_id_employees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('year', 'employee_id', 'rule_index', name=op.f('pk_report_standing_rules'))
    )


def downgrade():
    op.drop_table('report_standing_rules')
    op.drop_table('report_standings')
    op.drop_table('report_snapshots')
