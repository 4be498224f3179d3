"""Enrolment tables: the per-run policy (approval, quotas, completion rules, deadlines), each person's
Enrollment in a run (status, arrival sequence, result, hours) and the Certificate issued for it."""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin, TZDateTime
from lms.extensions import db

# pending = waiting for the supervisor; seated = 正取; waitlisted = 備取.
ACTIVE_STATUSES = ("pending", "seated", "waitlisted")
STATUSES = ACTIVE_STATUSES + ("cancelled", "declined", "expired")
OUTCOMES = ("completed", "not_completed", "failed")
VIA = ("self", "nomination", "import")


class RunPolicy(db.Model):
    """The enrolment and completion rules of one run, kept beside the scheduling tables.
    Created with defaults on first use, so every run has one without a change to scheduling."""

    __tablename__ = "run_policies"

    run_id = sa.Column(sa.Integer, sa.ForeignKey("class_runs.id", ondelete="CASCADE"), primary_key=True)
    approval_required = sa.Column(sa.Boolean, nullable=False, default=False)
    approval_days = sa.Column(sa.Integer, nullable=False, default=7)
    cancel_days_before = sa.Column(sa.Integer, nullable=False, default=3)
    # Seats one agency (its top-level 機關 with every unit under it) may hold; None = no cap.
    agency_quota = sa.Column(sa.Integer, nullable=True)
    supervisors_only = sa.Column(sa.Boolean, nullable=False, default=False)
    # Comma-separated Employee.rank_class values; empty = every rank.
    rank_classes = sa.Column(sa.String(100), nullable=False, default="")
    min_attendance_share = sa.Column(sa.Float, nullable=False, default=0.8)
    online_required = sa.Column(sa.Boolean, nullable=False, default=True)
    pass_mark = sa.Column(sa.Float, nullable=True)
    prework_days_before = sa.Column(sa.Integer, nullable=False, default=3)

    run = relationship("ClassRun")


class Enrollment(TimestampMixin, db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "employee_id", name="uq_enrollments_run_employee"),
        sa.Index("ix_enrollments_run_status_seq", "run_id", "status", "seq"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    run_id = sa.Column(sa.Integer, sa.ForeignKey("class_runs.id", ondelete="CASCADE"), nullable=False)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False, index=True)
    status = sa.Column(sa.String(16), nullable=False, index=True)
    # Arrival order within the run, given under the run's row lock: seats and the waitlist follow it.
    seq = sa.Column(sa.Integer, nullable=False)
    via = sa.Column(sa.String(16), nullable=False, default="self")
    nominated_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    requested_at = sa.Column(TZDateTime(), nullable=False)
    seated_at = sa.Column(TZDateTime(), nullable=True)
    approval_due_at = sa.Column(TZDateTime(), nullable=True)
    decided_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    decided_at = sa.Column(TZDateTime(), nullable=True)
    decision_reason = sa.Column(sa.String(400), nullable=False, default="")
    cancelled_at = sa.Column(TZDateTime(), nullable=True)
    cancel_reason = sa.Column(sa.String(400), nullable=False, default="")
    prework_done_at = sa.Column(TZDateTime(), nullable=True)
    # The result (完訓): outcome, exam score, minutes attended, hours credited split 數位/實體.
    outcome = sa.Column(sa.String(16), nullable=True, index=True)
    score = sa.Column(sa.Float, nullable=True)
    minutes_attended = sa.Column(sa.Integer, nullable=False, default=0)
    digital_hours = sa.Column(sa.Float, nullable=False, default=0)
    physical_hours = sa.Column(sa.Float, nullable=False, default=0)
    no_show = sa.Column(sa.Boolean, nullable=False, default=False)
    completed_at = sa.Column(TZDateTime(), nullable=True)
    reminded_on = sa.Column(sa.Date, nullable=True)

    run = relationship("ClassRun", lazy="joined")
    employee = relationship("Employee", lazy="joined")

    @property
    def credited_hours(self) -> float:
        return round((self.digital_hours or 0) + (self.physical_hours or 0), 1)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


def new_certificate_code() -> str:
    return secrets.token_urlsafe(12)


class Certificate(TimestampMixin, db.Model):
    """A certificate of completion (結業證書): a readable number and a secret code for the public check."""

    __tablename__ = "certificates"

    id = sa.Column(sa.Integer, primary_key=True)
    enrollment_id = sa.Column(sa.Integer, sa.ForeignKey("enrollments.id", ondelete="CASCADE"),
                              nullable=False, unique=True)
    number = sa.Column(sa.String(40), nullable=False, unique=True)
    code = sa.Column(sa.String(32), nullable=False, unique=True, default=new_certificate_code)
    issued_at = sa.Column(TZDateTime(), nullable=True)
    storage_key = sa.Column(sa.String(200), nullable=True)
    revoked = sa.Column(sa.Boolean, nullable=False, default=False)

    enrollment = relationship("Enrollment", lazy="joined")
