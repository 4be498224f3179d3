"""reports: what reminders and monthly report e-mails were sent (idempotency)

Revision ID: 0650_reports
Revises: 0620_qualifications
"""
from alembic import op
import sqlalchemy as sa

import lms.db


revision = '0650_reports'
down_revision = '0620_qualifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_dispatches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('sent_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_report_dispatches_employee_id_employees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_user_id'], ['users.id'], name=op.f('fk_report_dispatches_sent_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_dispatches')),
    sa.UniqueConstraint('kind', 'employee_id', 'period', name='uq_report_dispatches_kind_employee_period')
    )
    with op.batch_alter_table('report_dispatches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_dispatches_employee_id'), ['employee_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_dispatches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_dispatches_employee_id'))
    op.drop_table('report_dispatches')
