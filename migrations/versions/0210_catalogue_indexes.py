"""catalogue search indexes: courses by (archived, code) so the search page reads its first page in
code order instead of sorting every course; the lone index on the archived flag goes (the composite
index starts with it, and planners picked it for a whole-table read)

Revision ID: 0210_catalogue_indexes
Revises: 0200_catalogue
"""
from alembic import op

revision = "0210_catalogue_indexes"
down_revision = "0200_catalogue"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index("ix_courses_archived_code", ["archived", "code"], unique=False)
        batch_op.drop_index("ix_courses_archived")


def downgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index("ix_courses_archived", ["archived"], unique=False)
        batch_op.drop_index("ix_courses_archived_code")
