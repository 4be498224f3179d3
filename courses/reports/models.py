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


# --- the stored standing ---------------------------------------------------------------------------
# The standing of every active person against a year's rules, computed for the whole city in one
# set-based pass (queries.standing) and stored, so that a report over thousands of people reads rows
# instead of summing a million ledger rows per page. A snapshot is valid for the rule set it was
# computed with (`signature`); the beat task refreshes it, a report older than REPORTS_MAX_AGE_SECONDS
# asks for a refresh, and the page says how old its figures are.


class ReportSnapshot(db.Model):
    __tablename__ = "report_snapshots"

    year = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    signature = sa.Column(sa.String(64), nullable=False)     # of the rules computed with
    as_of = sa.Column(sa.Date, nullable=False)               # the day the projections were made on
    refreshed_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    people = sa.Column(sa.Integer, nullable=False, default=0)
    seconds = sa.Column(sa.Float, nullable=False, default=0.0)  # how long the refresh took


class ReportStanding(db.Model):
    """One person's summary for the year (the per-rule figures are in ReportStandingRule)."""

    __tablename__ = "report_standings"
    __table_args__ = (sa.Index("ix_report_standings_year_compliant", "year", "compliant", "at_risk", "met"),)

    year = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True,
                            autoincrement=False)
    enrolments = sa.Column(sa.Integer, nullable=False, default=0)
    completions = sa.Column(sa.Integer, nullable=False, default=0)
    met = sa.Column(sa.Integer, nullable=False, default=0)          # rules met
    owed = sa.Column(sa.Integer, nullable=False, default=0)         # rules that apply
    compliant = sa.Column(sa.Integer, nullable=False, default=0)    # 1 when met == owed
    at_risk = sa.Column(sa.Integer, nullable=False, default=0)      # 1 when projected to miss a rule
    hours = sa.Column(sa.Float, nullable=False, default=0.0)        # certified + pending of the first rule


class ReportStandingRule(db.Model):
    """One person's figures for the rule at `rule_index` of the year's rules (NULL required: the rule
    does not apply to them)."""

    __tablename__ = "report_standing_rules"

    year = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id", ondelete="CASCADE"), primary_key=True,
                            autoincrement=False)
    rule_index = sa.Column(sa.Integer, primary_key=True, autoincrement=False)
    certified = sa.Column(sa.Float, nullable=False, default=0.0)
    pending = sa.Column(sa.Float, nullable=False, default=0.0)
    required = sa.Column(sa.Float, nullable=True)
    booked = sa.Column(sa.Float, nullable=False, default=0.0)
    projected = sa.Column(sa.Float, nullable=False, default=0.0)
