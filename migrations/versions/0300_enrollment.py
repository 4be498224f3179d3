"""enrollment, attendance and evaluation: run policies, enrolments, certificates, attendance, surveys

Revision ID: 0300_enrollment
Revises: 0200_catalogue
"""
from alembic import op
import sqlalchemy as sa

import lms.db

revision = "0300_enrollment"
down_revision = "0400_subsidies"
branch_labels = None
depends_on = None


def _timestamps():
    return [sa.Column("created_at", lms.db.TZDateTime(), nullable=False),
            sa.Column("updated_at", lms.db.TZDateTime(), nullable=False)]


def upgrade():
    op.create_table(
        "run_policies",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("approval_required", sa.Boolean(), nullable=False),
        sa.Column("approval_days", sa.Integer(), nullable=False),
        sa.Column("cancel_days_before", sa.Integer(), nullable=False),
        sa.Column("agency_quota", sa.Integer(), nullable=True),
        sa.Column("supervisors_only", sa.Boolean(), nullable=False),
        sa.Column("rank_classes", sa.String(length=100), nullable=False),
        sa.Column("min_attendance_share", sa.Float(), nullable=False),
        sa.Column("online_required", sa.Boolean(), nullable=False),
        sa.Column("pass_mark", sa.Float(), nullable=True),
        sa.Column("prework_days_before", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["class_runs.id"], name=op.f("fk_run_policies_run_id_class_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_policies")),
    )
    op.create_table(
        "enrollments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("nominated_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", lms.db.TZDateTime(), nullable=False),
        sa.Column("seated_at", lms.db.TZDateTime(), nullable=True),
        sa.Column("approval_due_at", lms.db.TZDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", lms.db.TZDateTime(), nullable=True),
        sa.Column("decision_reason", sa.String(length=400), nullable=False),
        sa.Column("cancelled_at", lms.db.TZDateTime(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=400), nullable=False),
        sa.Column("prework_done_at", lms.db.TZDateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("minutes_attended", sa.Integer(), nullable=False),
        sa.Column("digital_hours", sa.Float(), nullable=False),
        sa.Column("physical_hours", sa.Float(), nullable=False),
        sa.Column("no_show", sa.Boolean(), nullable=False),
        sa.Column("completed_at", lms.db.TZDateTime(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_enrollments_decided_by_id_users")),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name=op.f("fk_enrollments_employee_id_employees")),
        sa.ForeignKeyConstraint(["nominated_by_id"], ["users.id"], name=op.f("fk_enrollments_nominated_by_id_users")),
        sa.ForeignKeyConstraint(["run_id"], ["class_runs.id"], name=op.f("fk_enrollments_run_id_class_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrollments")),
        sa.UniqueConstraint("run_id", "employee_id", name="uq_enrollments_run_employee"),
    )
    op.create_index(op.f("ix_enrollments_employee_id"), "enrollments", ["employee_id"])
    op.create_index(op.f("ix_enrollments_status"), "enrollments", ["status"])
    op.create_index(op.f("ix_enrollments_outcome"), "enrollments", ["outcome"])
    op.create_index("ix_enrollments_run_status_seq", "enrollments", ["run_id", "status", "seq"])
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("issued_at", lms.db.TZDateTime(), nullable=True),
        sa.Column("storage_key", sa.String(length=200), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"],
                                name=op.f("fk_certificates_enrollment_id_enrollments"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
        sa.UniqueConstraint("enrollment_id", name=op.f("uq_certificates_enrollment_id")),
        sa.UniqueConstraint("number", name=op.f("uq_certificates_number")),
    )
    op.create_table(
        "attendances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("checked_in_at", lms.db.TZDateTime(), nullable=True),
        sa.Column("leave_type", sa.String(length=16), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"],
                                name=op.f("fk_attendances_enrollment_id_enrollments"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["class_sessions.id"],
                                name=op.f("fk_attendances_session_id_class_sessions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendances")),
        sa.UniqueConstraint("session_id", "enrollment_id", name="uq_attendances_session_enrollment"),
    )
    op.create_index(op.f("ix_attendances_enrollment_id"), "attendances", ["enrollment_id"])
    op.create_index(op.f("ix_attendances_session_id"), "attendances", ["session_id"])
    op.create_table(
        "reaction_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=False),
        sa.Column("usefulness", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"],
                                name=op.f("fk_reaction_responses_enrollment_id_enrollments"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reaction_responses")),
        sa.UniqueConstraint("enrollment_id", name=op.f("uq_reaction_responses_enrollment_id")),
    )
    op.create_table(
        "follow_up_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", lms.db.TZDateTime(), nullable=True),
        sa.Column("answered_at", lms.db.TZDateTime(), nullable=True),
        sa.Column("improved", sa.Boolean(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        *_timestamps(),
        sa.ForeignKeyConstraint(["enrollment_id"], ["enrollments.id"],
                                name=op.f("fk_follow_up_surveys_enrollment_id_enrollments"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supervisor_id"], ["employees.id"],
                                name=op.f("fk_follow_up_surveys_supervisor_id_employees")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_surveys")),
        sa.UniqueConstraint("enrollment_id", name=op.f("uq_follow_up_surveys_enrollment_id")),
    )
    op.create_index(op.f("ix_follow_up_surveys_due_on"), "follow_up_surveys", ["due_on"])
    op.create_index(op.f("ix_follow_up_surveys_supervisor_id"), "follow_up_surveys", ["supervisor_id"])


def downgrade():
    op.drop_table("follow_up_surveys")
    op.drop_table("reaction_responses")
    op.drop_table("attendances")
    op.drop_table("certificates")
    op.drop_table("enrollments")
    op.drop_table("run_policies")
