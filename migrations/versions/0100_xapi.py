"""xapi: the Learning Record Store (statements, links, activities, documents, attachments, clients) and the outbox

Revision ID: 0100_xapi
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

import lms.db


revision = "0100_xapi"
down_revision = "0300_enrollment"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('next_attempt_at', lms.db.TZDateTime(), nullable=True),
    sa.Column('delivered_at', lms.db.TZDateTime(), nullable=True),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_outbox')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_outbox_statement_id'))
    )
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_outbox_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('xapi_activities',
    sa.Column('id_hash', sa.String(length=40), nullable=False),
    sa.Column('activity_id', sa.Text(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('updated_at', lms.db.TZDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_xapi_activities'))
    )
    op.create_table('xapi_attachments',
    sa.Column('sha2', sa.String(length=128), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('length', sa.BigInteger(), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha2', name=op.f('pk_xapi_attachments'))
    )
    op.create_table('xapi_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('can_write', sa.Boolean(), nullable=False),
    sa.Column('created_at', lms.db.TZDateTime(), nullable=False),
    sa.Column('revoked_at', lms.db.TZDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_clients')),
    sa.UniqueConstraint('key', name=op.f('uq_xapi_clients_key'))
    )
    op.create_table('xapi_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('activity_hash', sa.String(length=40), nullable=False),
    sa.Column('agent_hash', sa.String(length=40), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('doc_id', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('etag', sa.String(length=42), nullable=False),
    sa.Column('updated', lms.db.TZDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_documents')),
    sa.UniqueConstraint('kind', 'activity_hash', 'agent_hash', 'registration', 'doc_id', name='uq_xapi_documents_identity')
    )
    op.create_table('xapi_statements',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('verb_hash', sa.String(length=40), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=True),
    sa.Column('ref_statement_id', sa.String(length=36), nullable=True),
    sa.Column('stored', lms.db.TZDateTime(), nullable=False),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('is_voiding', sa.Boolean(), nullable=False),
    sa.Column('has_attachments', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_xapi_statements')),
    sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_statements_statement_id'))
    )
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_statements_ref_statement_id'), ['ref_statement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_xapi_statements_registration'), ['registration'], unique=False)
        batch_op.create_index('ix_xapi_statements_stored_seq', ['stored', 'seq'], unique=False)
        batch_op.create_index('ix_xapi_statements_verb_stored', ['verb_hash', 'stored'], unique=False)

    op.create_table('xapi_statement_links',
    sa.Column('statement_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.SmallInteger(), nullable=False),
    sa.Column('key_hash', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['statement_seq'], ['xapi_statements.seq'], name=op.f('fk_xapi_statement_links_statement_seq_xapi_statements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('statement_seq', 'kind', 'key_hash', name=op.f('pk_xapi_statement_links'))
    )
    with op.batch_alter_table('xapi_statement_links', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_statement_links_lookup', ['key_hash', 'kind', 'statement_seq'], unique=False)


def downgrade():
    with op.batch_alter_table('xapi_statement_links', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_statement_links_lookup')

    op.drop_table('xapi_statement_links')
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_statements_verb_stored')
        batch_op.drop_index('ix_xapi_statements_stored_seq')
        batch_op.drop_index(batch_op.f('ix_xapi_statements_registration'))
        batch_op.drop_index(batch_op.f('ix_xapi_statements_ref_statement_id'))

    op.drop_table('xapi_statements')
    op.drop_table('xapi_documents')
    op.drop_table('xapi_clients')
    op.drop_table('xapi_attachments')
    op.drop_table('xapi_activities')
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_outbox_status_next')

    op.drop_table('xapi_outbox')
