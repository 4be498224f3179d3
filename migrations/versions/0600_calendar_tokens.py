"""calendars: each learner's private subscription token (only its hash), calendar invitations carried by
notifications (the iCalendar part and its method); for the catalogue search: the courses' case-folded
search column and covering indexes on class runs for the month and open-for-enrolment filters

Revision ID: 0600_calendar_tokens
Revises: 0630_online
"""
from alembic import op
import sqlalchemy as sa

import lms.db

revision = "0600_calendar_tokens"
down_revision = "0630_online"
branch_labels = None
depends_on = None

SEARCHED_FIELDS = ("code", "title_zh", "title_en", "description_zh", "description_en")


def upgrade():
    op.create_table(
        "calendar_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", lms.db.TZDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"],
                                name=op.f("fk_calendar_tokens_employee_id_employees"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_tokens")),
        sa.UniqueConstraint("employee_id", name=op.f("uq_calendar_tokens_employee_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_tokens_token_hash")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_ics", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("calendar_method", sa.String(length=16), nullable=True))
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("class_runs", schema=None) as batch_op:
        batch_op.create_index("ix_class_runs_starts_on_status_course", ["starts_on", "status", "course_id"],
                              unique=False)
        batch_op.create_index("ix_class_runs_status_window",
                              ["status", "enrol_closes_on", "enrol_opens_on", "course_id"], unique=False)
        batch_op.drop_index("ix_class_runs_starts_on")
        batch_op.drop_index("ix_class_runs_status")
    # Existing courses get the same case-folded text the model writes (courses.catalogue.models.search_text_of).
    courses = sa.table("courses", sa.column("id", sa.Integer), sa.column("search_text", sa.Text),
                       *(sa.column(name, sa.Text) for name in SEARCHED_FIELDS))
    connection = op.get_bind()
    rows = connection.execute(sa.select(courses.c.id, *(courses.c[name] for name in SEARCHED_FIELDS))).all()
    for row in rows:
        text = "\n".join(str(value or "") for value in row[1:]).casefold()
        connection.execute(courses.update().where(courses.c.id == row[0]).values(search_text=text))


def downgrade():
    with op.batch_alter_table("class_runs", schema=None) as batch_op:
        batch_op.create_index("ix_class_runs_status", ["status"], unique=False)
        batch_op.create_index("ix_class_runs_starts_on", ["starts_on"], unique=False)
        batch_op.drop_index("ix_class_runs_status_window")
        batch_op.drop_index("ix_class_runs_starts_on_status_course")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_column("search_text")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("calendar_method")
        batch_op.drop_column("calendar_ics")
    op.drop_table("calendar_tokens")
