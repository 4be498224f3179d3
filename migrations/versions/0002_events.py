"""domain events: the audit trail and the hook for xAPI statements

Revision ID: 0002_events
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

import lms.db

revision = '0002_events'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'domain_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', lms.db.TZDateTime(), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('actor_user_id', sa.Integer(), nullable=True),
        sa.Column('employee_id', sa.Integer(), nullable=True),
        sa.Column('object_type', sa.String(length=60), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_domain_events_actor_user_id_users')),
        sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_domain_events_employee_id_employees')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_events')),
    )
    with op.batch_alter_table('domain_events', schema=None) as batch_op:
        batch_op.create_index('ix_domain_events_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_domain_events_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_domain_events_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_domain_events_occurred_at'), ['occurred_at'], unique=False)


def downgrade():
    op.drop_table('domain_events')
