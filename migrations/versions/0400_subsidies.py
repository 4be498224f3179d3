"""English test-fee subsidy: yearly rule sets with tests and CEFR thresholds, claims, payout batches

Revision ID: 0400_subsidies
Revises: 0001_foundation
Create Date: 2026-11-25 16:56:41.413464

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '0400_subsidies'
down_revision = '0210_catalogue_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subsidy_rule_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('claim_deadline_months', sa.Integer(), nullable=False),
    sa.Column('budget', sa.Integer(), nullable=False),
    sa.Column('cap_per_claim', sa.Integer(), nullable=True),
    sa.Column('pass_rate', sa.Numeric(precision=3, scale=2), nullable=False),
    sa.Column('failed_sit_rate', sa.Numeric(precision=3, scale=2), nullable=False),
    sa.Column('failed_sits_per_year', sa.Integer(), nullable=False),
    sa.Column('min_cefr', sa.String(length=2), nullable=False),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('updated_at', lms.db.TZDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_rule_sets')),
    sa.UniqueConstraint('year', name=op.f('uq_subsidy_rule_sets_year'))
    )
    op.create_table('subsidy_tests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_zh', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('result_kind', sa.String(length=8), nullable=False),
    sa.Column('score_label', sa.String(length=80), nullable=False),
    sa.Column('score_max', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rule_set_id'], ['subsidy_rule_sets.id'], name=op.f('fk_subsidy_tests_rule_set_id_subsidy_rule_sets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_tests')),
    sa.UniqueConstraint('rule_set_id', 'code', name='uq_subsidy_tests_rule_set_code')
    )
    with op.batch_alter_table('subsidy_tests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_tests_rule_set_id'), ['rule_set_id'], unique=False)

    op.create_table('subsidy_test_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('cefr', sa.String(length=2), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('min_score', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.ForeignKeyConstraint(['test_id'], ['subsidy_tests.id'], name=op.f('fk_subsidy_test_levels_test_id_subsidy_tests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_test_levels')),
    sa.UniqueConstraint('test_id', 'cefr', name='uq_subsidy_test_levels_test_cefr')
    )
    with op.batch_alter_table('subsidy_test_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_test_levels_test_id'), ['test_id'], unique=False)

    op.create_table('subsidy_payout_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=24), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('claim_count', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_subsidy_payout_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['rule_set_id'], ['subsidy_rule_sets.id'], name=op.f('fk_subsidy_payout_batches_rule_set_id_subsidy_rule_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_payout_batches')),
    sa.UniqueConstraint('reference', name=op.f('uq_subsidy_payout_batches_reference'))
    )
    with op.batch_alter_table('subsidy_payout_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_payout_batches_rule_set_id'), ['rule_set_id'], unique=False)

    op.create_table('subsidy_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.Integer(), nullable=False),
    sa.Column('test_id', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Numeric(precision=6, scale=1), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('cefr', sa.String(length=2), nullable=True),
    sa.Column('test_date', sa.Date(), nullable=False),
    sa.Column('fee_paid', sa.Integer(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=3, scale=2), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('claimed_on', sa.Date(), nullable=False),
    sa.Column('submitted_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('resubmitted_at', lms.db.TZDateTime(), nullable=True),
    sa.Column('decided_at', lms.db.TZDateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_at', lms.db.TZDateTime(), nullable=True),
    sa.Column('payout_batch_id', sa.Integer(), nullable=True),
    sa.Column('score_report_key', sa.String(length=200), nullable=False),
    sa.Column('score_report_name', sa.String(length=200), nullable=False),
    sa.Column('score_report_type', sa.String(length=80), nullable=False),
    sa.Column('receipt_key', sa.String(length=200), nullable=False),
    sa.Column('receipt_name', sa.String(length=200), nullable=False),
    sa.Column('receipt_type', sa.String(length=80), nullable=False),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('updated_at', lms.db.TZDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_subsidy_claims_decided_by_id_users')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_subsidy_claims_employee_id_employees')),
    sa.ForeignKeyConstraint(['level_id'], ['subsidy_test_levels.id'], name=op.f('fk_subsidy_claims_level_id_subsidy_test_levels')),
    sa.ForeignKeyConstraint(['payout_batch_id'], ['subsidy_payout_batches.id'], name=op.f('fk_subsidy_claims_payout_batch_id_subsidy_payout_batches')),
    sa.ForeignKeyConstraint(['rule_set_id'], ['subsidy_rule_sets.id'], name=op.f('fk_subsidy_claims_rule_set_id_subsidy_rule_sets')),
    sa.ForeignKeyConstraint(['test_id'], ['subsidy_tests.id'], name=op.f('fk_subsidy_claims_test_id_subsidy_tests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claims'))
    )
    with op.batch_alter_table('subsidy_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_claims_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claims_payout_batch_id'), ['payout_batch_id'], unique=False)
        batch_op.create_index('ix_subsidy_claims_rule_set_status', ['rule_set_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claims_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claims_test_id'), ['test_id'], unique=False)



def downgrade():
    with op.batch_alter_table('subsidy_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_claims_test_id'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claims_status'))
        batch_op.drop_index('ix_subsidy_claims_rule_set_status')
        batch_op.drop_index(batch_op.f('ix_subsidy_claims_payout_batch_id'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claims_employee_id'))

    op.drop_table('subsidy_claims')
    with op.batch_alter_table('subsidy_payout_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_payout_batches_rule_set_id'))

    op.drop_table('subsidy_payout_batches')
    with op.batch_alter_table('subsidy_test_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_test_levels_test_id'))

    op.drop_table('subsidy_test_levels')
    with op.batch_alter_table('subsidy_tests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_tests_rule_set_id'))

    op.drop_table('subsidy_tests')
    op.drop_table('subsidy_rule_sets')
