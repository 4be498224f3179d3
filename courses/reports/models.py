"""What the reports have sent: one row per reminder or monthly report, so sending twice sends once."""
from __future__ import annotations

import sqlalchemy as sa

from lms.db import TZDateTime, utcnow
from lms.extensions import db

# ReportDispatch.kind: a reminder to a person behind (period = the day), or the monthly report to a
# supervisor (period = YYYY-MM).
REMINDER, MONTHLY = "reminder", "monthly"


class ReportDispatch(db.Model):
    __tablename__ = "report_dispatches"
    __table_args__ = (sa.UniqueConstraint("kind", "employee_id", "period", name="uq_report_dispatches_kind_employee_period"),)

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(16), nullable=False)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id", ondelete="CASCADE"), nullable=False, index=True)
    period = sa.Column(sa.String(10), nullable=False)
    sent_by_user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
