"""xapi indexes: statement links keyed in lookup order (no rowid on SQLite), partial indexes on the
mostly-empty registration and StatementRef columns of statements

Revision ID: 0640_xapi_indexes
Revises: 0610_tracks
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0640_xapi_indexes'
down_revision = '0610_tracks'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _links_table(name, key_order, *, with_rowid):
    op.create_table(name,
    sa.Column('statement_seq', BigId, nullable=False),
    sa.Column('kind', sa.SmallInteger(), nullable=False),
    sa.Column('key_hash', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['statement_seq'], ['xapi_statements.seq'],
                            name='fk_xapi_statement_links_statement_seq_xapi_statements', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint(*key_order, name='pk_xapi_statement_links'),
    sqlite_with_rowid=with_rowid,
    )


def _rebuild_links(key_order, *, with_rowid):
    """SQLite cannot change a table's key or drop its rowid in place: copy into a new table."""
    _links_table('xapi_statement_links_new', key_order, with_rowid=with_rowid)
    op.execute('INSERT INTO xapi_statement_links_new (statement_seq, kind, key_hash) '
               'SELECT DISTINCT statement_seq, kind, key_hash FROM xapi_statement_links')
    op.drop_table('xapi_statement_links')
    op.rename_table('xapi_statement_links_new', 'xapi_statement_links')


def _statement_indexes(partial):
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.drop_index('ix_xapi_statements_registration')
        batch_op.drop_index('ix_xapi_statements_ref_statement_id')
    for column in ('registration', 'ref_statement_id'):
        where = sa.text(f'{column} IS NOT NULL') if partial else None
        op.create_index(f'ix_xapi_statements_{column}', 'xapi_statements', [column], unique=False,
                        sqlite_where=where, postgresql_where=where)


def upgrade():
    _statement_indexes(partial=True)
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_index('ix_xapi_statement_links_lookup', table_name='xapi_statement_links')
        _rebuild_links(('key_hash', 'kind', 'statement_seq'), with_rowid=False)
    else:
        op.drop_constraint('pk_xapi_statement_links', 'xapi_statement_links', type_='primary')
        op.drop_index('ix_xapi_statement_links_lookup', table_name='xapi_statement_links')
        op.create_primary_key('pk_xapi_statement_links', 'xapi_statement_links',
                              ['key_hash', 'kind', 'statement_seq'])


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_links(('statement_seq', 'kind', 'key_hash'), with_rowid=True)
    else:
        op.drop_constraint('pk_xapi_statement_links', 'xapi_statement_links', type_='primary')
        op.create_primary_key('pk_xapi_statement_links', 'xapi_statement_links',
                              ['statement_seq', 'kind', 'key_hash'])
    op.create_index('ix_xapi_statement_links_lookup', 'xapi_statement_links',
                    ['key_hash', 'kind', 'statement_seq'], unique=False)
    _statement_indexes(partial=False)
