"""English test-fee subsidy tables: the yearly rule set with its tests and CEFR thresholds, the claims,
and the payout batches that pay approved claims."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin, TZDateTime, utcnow
from lms.extensions import db

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
# How a test reports its result: a named level (GEPT 中級) or a score (TOEIC L+R total, IELTS band).
RESULT_KINDS = ("level", "score")
OUTCOMES = ("passed", "failed_sat")
CLAIM_STATUSES = ("submitted", "correction_requested", "approved", "rejected", "paid")
# Claims that still count against the per-level and failed-sit rules (a rejected one does not).
LIVE_STATUSES = ("submitted", "correction_requested", "approved", "paid")
# Claims whose amount is taken from the year's budget.
RESERVED_STATUSES = ("approved", "paid")
REVIEWABLE_STATUSES = ("submitted", "correction_requested")


def format_score(score: Decimal | None) -> str:
    """785.0 -> "785", 5.5 -> "5.5" (Decimal.normalize would turn 100 into "1E+2")."""
    if score is None:
        return ""
    score = Decimal(score)
    return str(int(score)) if score == score.to_integral_value() else str(score.quantize(Decimal("0.1")))


def cefr_rank(level: str | None) -> int:
    return CEFR_LEVELS.index(level) if level in CEFR_LEVELS else -1


class SubsidyRuleSet(TimestampMixin, db.Model):
    """The rules of one year. Every figure is an editable default (DOMAIN.md §5), never a constant."""

    __tablename__ = "subsidy_rule_sets"

    id = sa.Column(sa.Integer, primary_key=True)
    year = sa.Column(sa.Integer, nullable=False, unique=True)
    claim_deadline_months = sa.Column(sa.Integer, nullable=False, default=3)
    budget = sa.Column(sa.Integer, nullable=False, default=0)                 # NT$
    cap_per_claim = sa.Column(sa.Integer, nullable=True)                      # NT$, None = no cap
    pass_rate = sa.Column(sa.Numeric(3, 2), nullable=False, default=Decimal("1.00"))
    failed_sit_rate = sa.Column(sa.Numeric(3, 2), nullable=False, default=Decimal("0.50"))
    failed_sits_per_year = sa.Column(sa.Integer, nullable=False, default=2)
    min_cefr = sa.Column(sa.String(2), nullable=False, default="A2")

    tests = relationship("SubsidyTest", back_populates="rule_set", order_by="SubsidyTest.sort_order, SubsidyTest.id",
                         cascade="all, delete-orphan")


class SubsidyTest(db.Model):
    __tablename__ = "subsidy_tests"
    __table_args__ = (sa.UniqueConstraint("rule_set_id", "code", name="uq_subsidy_tests_rule_set_code"),)

    id = sa.Column(sa.Integer, primary_key=True)
    rule_set_id = sa.Column(sa.Integer, sa.ForeignKey("subsidy_rule_sets.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    code = sa.Column(sa.String(20), nullable=False)
    name_zh = sa.Column(sa.String(80), nullable=False)
    name_en = sa.Column(sa.String(120), nullable=False, default="")
    result_kind = sa.Column(sa.String(8), nullable=False, default="level")
    score_label = sa.Column(sa.String(80), nullable=False, default="")        # e.g. "聽力＋閱讀總分"
    score_max = sa.Column(sa.Numeric(6, 1), nullable=True)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    sort_order = sa.Column(sa.Integer, nullable=False, default=0)

    rule_set = relationship("SubsidyRuleSet", back_populates="tests")
    levels = relationship("SubsidyTestLevel", back_populates="test", cascade="all, delete-orphan",
                          order_by="SubsidyTestLevel.cefr")

    def name(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") and self.name_en else self.name_zh


class SubsidyTestLevel(db.Model):
    """One CEFR threshold of a test: the named level that maps to it, or the lowest score that reaches it."""

    __tablename__ = "subsidy_test_levels"
    __table_args__ = (sa.UniqueConstraint("test_id", "cefr", name="uq_subsidy_test_levels_test_cefr"),)

    id = sa.Column(sa.Integer, primary_key=True)
    test_id = sa.Column(sa.Integer, sa.ForeignKey("subsidy_tests.id", ondelete="CASCADE"), nullable=False, index=True)
    cefr = sa.Column(sa.String(2), nullable=False)
    label = sa.Column(sa.String(40), nullable=False, default="")
    min_score = sa.Column(sa.Numeric(6, 1), nullable=True)

    test = relationship("SubsidyTest", back_populates="levels")


class SubsidyPayoutBatch(db.Model):
    __tablename__ = "subsidy_payout_batches"

    id = sa.Column(sa.Integer, primary_key=True)
    rule_set_id = sa.Column(sa.Integer, sa.ForeignKey("subsidy_rule_sets.id"), nullable=False, index=True)
    reference = sa.Column(sa.String(24), nullable=False, unique=True)
    paid_on = sa.Column(sa.Date, nullable=False)
    claim_count = sa.Column(sa.Integer, nullable=False, default=0)
    total = sa.Column(sa.Integer, nullable=False, default=0)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    created_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)

    rule_set = relationship("SubsidyRuleSet")
    claims = relationship("SubsidyClaim", back_populates="payout_batch", order_by="SubsidyClaim.id")


class SubsidyClaim(TimestampMixin, db.Model):
    __tablename__ = "subsidy_claims"
    __table_args__ = (sa.Index("ix_subsidy_claims_rule_set_status", "rule_set_id", "status"),)

    id = sa.Column(sa.Integer, primary_key=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False, index=True)
    rule_set_id = sa.Column(sa.Integer, sa.ForeignKey("subsidy_rule_sets.id"), nullable=False)
    test_id = sa.Column(sa.Integer, sa.ForeignKey("subsidy_tests.id"), nullable=False, index=True)
    level_id = sa.Column(sa.Integer, sa.ForeignKey("subsidy_test_levels.id"), nullable=True)   # level tests
    score = sa.Column(sa.Numeric(6, 1), nullable=True)                                          # score tests
    outcome = sa.Column(sa.String(12), nullable=False, default="passed")
    cefr = sa.Column(sa.String(2), nullable=True)        # the level certified by a pass; None for a failed sit
    test_date = sa.Column(sa.Date, nullable=False)
    fee_paid = sa.Column(sa.Integer, nullable=False)     # NT$
    rate = sa.Column(sa.Numeric(3, 2), nullable=False)
    amount = sa.Column(sa.Integer, nullable=False)       # NT$ payable
    status = sa.Column(sa.String(24), nullable=False, default="submitted", index=True)
    note = sa.Column(sa.Text, nullable=False, default="")  # the reviewer's reason or correction request
    claimed_on = sa.Column(sa.Date, nullable=False)    # local date of the first submission: the deadline's
    submitted_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    resubmitted_at = sa.Column(TZDateTime(), nullable=True)
    decided_at = sa.Column(TZDateTime(), nullable=True)
    decided_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    paid_at = sa.Column(TZDateTime(), nullable=True)
    payout_batch_id = sa.Column(sa.Integer, sa.ForeignKey("subsidy_payout_batches.id"), nullable=True, index=True)
    score_report_key = sa.Column(sa.String(200), nullable=False)
    score_report_name = sa.Column(sa.String(200), nullable=False, default="")
    score_report_type = sa.Column(sa.String(80), nullable=False, default="")
    receipt_key = sa.Column(sa.String(200), nullable=False)
    receipt_name = sa.Column(sa.String(200), nullable=False, default="")
    receipt_type = sa.Column(sa.String(80), nullable=False, default="")

    employee = relationship("Employee")
    rule_set = relationship("SubsidyRuleSet")
    test = relationship("SubsidyTest")
    level = relationship("SubsidyTestLevel")
    decided_by = relationship("User")
    payout_batch = relationship("SubsidyPayoutBatch", back_populates="claims")

    @property
    def result_text(self) -> str:
        """The result as the test states it: a level label or a score."""
        if self.level is not None:
            return self.level.label
        return format_score(self.score)

    def upload(self, kind: str) -> tuple[str, str, str]:
        """(storage key, original file name, MIME type) of the "score_report" or the "receipt"."""
        return getattr(self, f"{kind}_key"), getattr(self, f"{kind}_name"), getattr(self, f"{kind}_type")
