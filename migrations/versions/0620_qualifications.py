"""qualifications in the personnel record (projected from awarded/approved statements) and the HR
system's bearer tokens for the JSON export

Revision ID: 0620_qualifications
Revises: 0600_calendar_tokens
"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '0620_qualifications'
down_revision = '0600_calendar_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('qualifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_ref', sa.String(length=64), nullable=False),
    sa.Column('statement_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('updated_at', lms.db.TZDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_qualifications_employee_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualifications')),
    sa.UniqueConstraint('source_ref', name=op.f('uq_qualifications_source_ref'))
    )
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.create_index('ix_qualifications_employee_kind', ['employee_id', 'kind'], unique=False)

    op.create_table('hr_api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('last_used_at', lms.db.TZDateTime(), nullable=True),
    sa.Column('revoked_at', lms.db.TZDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['users.id'],
                            name=op.f('fk_hr_api_tokens_created_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_hr_api_tokens_token_hash'))
    )


def downgrade():
    op.drop_table('hr_api_tokens')
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.drop_index('ix_qualifications_employee_kind')
    op.drop_table('qualifications')
