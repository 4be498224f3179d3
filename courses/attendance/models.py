"""Attendance rows: one per learner and session, with the minutes actually attended and how it was taken."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin, TZDateTime
from lms.extensions import db

METHODS = ("code", "manual", "csv")
# 出勤上課狀況: present, or absent on leave of a kind the portal export names.
LEAVE_TYPES = ("", "personal", "sick", "bereavement", "absent")


class Attendance(TimestampMixin, db.Model):
    __tablename__ = "attendances"
    __table_args__ = (sa.UniqueConstraint("session_id", "enrollment_id", name="uq_attendances_session_enrollment"),)

    id = sa.Column(sa.Integer, primary_key=True)
    session_id = sa.Column(sa.Integer, sa.ForeignKey("class_sessions.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    enrollment_id = sa.Column(sa.Integer, sa.ForeignKey("enrollments.id", ondelete="CASCADE"), nullable=False,
                              index=True)
    minutes = sa.Column(sa.Integer, nullable=False, default=0)
    method = sa.Column(sa.String(16), nullable=False, default="manual")
    checked_in_at = sa.Column(TZDateTime(), nullable=True)
    leave_type = sa.Column(sa.String(16), nullable=False, default="")

    enrollment = relationship("Enrollment")
    session = relationship("ClassSession")
