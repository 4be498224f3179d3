"""The subsidy rules themselves: the defaults of DOMAIN.md §5, what a result is worth in CEFR and in NT$,
and the named checks a claim must pass. Pure functions of plain values (plus the claimant's other
claims, passed in), so the same checks serve submission, resubmission and approval."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courses.subsidies.models import SubsidyRuleSet, SubsidyTest, cefr_rank, format_score
from lms.templating import roc_date

# Editable defaults (DOMAIN.md §5: Tainan and Hualien rules; Kaohsiung's own figures were not found).
DEFAULT_RULES = dict(claim_deadline_months=3, budget=300_000, cap_per_claim=None, pass_rate=Decimal("1.00"),
                     failed_sit_rate=Decimal("0.50"), failed_sits_per_year=2, min_cefr="A2")
# code, Chinese, English, result kind, how the result is written, score max, {CEFR: level label or min score}
DEFAULT_TESTS = (
    ("GEPT", "全民英檢", "GEPT", "level", "初試及複試皆通過", None,
     {"A2": "初級", "B1": "中級", "B2": "中高級", "C1": "高級"}),
    ("TOEIC", "多益測驗", "TOEIC", "score", "聽力＋閱讀總分", Decimal(990),
     {"A2": Decimal(225), "B1": Decimal(550), "B2": Decimal(785), "C1": Decimal(945)}),
    ("IELTS", "雅思", "IELTS", "score", "整體級分", Decimal(9),
     {"A2": Decimal(3), "B1": Decimal(4), "B2": Decimal("5.5"), "C1": Decimal(7)}),
    ("TOEFL_IBT", "托福網路測驗", "TOEFL iBT", "score", "總分", Decimal(120),
     {"B1": Decimal(42), "B2": Decimal(72), "C1": Decimal(95)}),
)

# Rule codes and the names people see when a claim is refused.
RULE_NAMES = {
    "claim_deadline": _l("Claim deadline"),
    "one_per_level": _l("One subsidy per level"),
    "higher_level_only": _l("Only a higher level is paid again"),
    "yearly_budget": _l("Yearly budget"),
    "failed_sit_limit": _l("Failed sits per year"),
    "positive_fee": _l("Fee paid"),
    "upload": _l("Uploads"),
    "pass_threshold": _l("Pass threshold"),
}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    rule: str | None = None  # None: the input itself is missing or malformed

    @property
    def text(self) -> str:
        return _("%(rule)s: %(message)s", rule=RULE_NAMES[self.rule], message=self.message) if self.rule \
            else self.message


@dataclass(frozen=True)
class PriorClaim:
    """What the rules need to know about the claimant's other claims."""

    id: int
    outcome: str
    cefr: str | None
    test_date: date
    test_name: str
    result: str


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def claim_deadline(rule_set: SubsidyRuleSet, test_date: date) -> date:
    return add_months(test_date, rule_set.claim_deadline_months)


def cefr_for(test: SubsidyTest, level_id: int | None, score: Decimal | None) -> str | None:
    """The CEFR level a result reaches, or None when it reaches none of the test's thresholds."""
    if test.result_kind == "level":
        level = next((lv for lv in test.levels if lv.id == level_id), None)
        return level.cefr if level is not None else None
    if score is None:
        return None
    reached = [lv.cefr for lv in test.levels if lv.min_score is not None and score >= lv.min_score]
    return max(reached, key=cefr_rank) if reached else None


def payable(rule_set: SubsidyRuleSet, outcome: str, fee_paid: int) -> tuple[Decimal, int]:
    rate = Decimal(rule_set.pass_rate if outcome == "passed" else rule_set.failed_sit_rate)
    amount = int((Decimal(fee_paid) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if rule_set.cap_per_claim is not None:
        amount = min(amount, rule_set.cap_per_claim)
    return rate, amount


def lowest_pass(test: SubsidyTest, rule_set: SubsidyRuleSet) -> str:
    """How the lowest counted level of a test is written, for messages ("A2: 225")."""
    counted = [lv for lv in test.levels if cefr_rank(lv.cefr) >= cefr_rank(rule_set.min_cefr)]
    if not counted:
        return rule_set.min_cefr
    first = min(counted, key=lambda lv: cefr_rank(lv.cefr))
    return f"{first.cefr}: {first.label or format_score(first.min_score)}"


def check_pass(rule_set: SubsidyRuleSet, test: SubsidyTest, cefr: str | None, outcome: str) -> list[Problem]:
    if outcome != "passed" or cefr_rank(cefr) >= cefr_rank(rule_set.min_cefr):
        return []
    field = "level" if test.result_kind == "level" else "score"
    return [Problem(field, _("This result does not reach the lowest level that counts (%(lowest)s). "
                             "If you sat the whole test, claim it as a failed sit.",
                             lowest=lowest_pass(test, rule_set)), "pass_threshold")]


def check_deadline(rule_set: SubsidyRuleSet, test_date: date, claimed_on: date) -> list[Problem]:
    deadline = claim_deadline(rule_set, test_date)
    if claimed_on <= deadline:
        return []
    return [Problem("test_date", _("Claims are due within %(months)s months of the test date (by %(deadline)s).",
                                   months=rule_set.claim_deadline_months, deadline=roc_date(deadline)),
                    "claim_deadline")]


def check_levels(cefr: str | None, outcome: str, others: Iterable[PriorClaim]) -> list[Problem]:
    """One subsidy per level: the same level in any test is not paid twice, a lower one not at all."""
    if outcome != "passed" or cefr is None:
        return []
    passes = [c for c in others if c.outcome == "passed" and c.cefr]
    if not passes:
        return []
    best = max(passes, key=lambda c: cefr_rank(c.cefr))
    details = dict(cefr=cefr, previous=best.cefr, test=best.test_name, result=best.result,
                   date=roc_date(best.test_date))
    if cefr_rank(cefr) == cefr_rank(best.cefr):
        return [Problem("level", _("CEFR %(cefr)s has already been claimed with %(test)s %(result)s (%(date)s).",
                                   **details), "one_per_level")]
    if cefr_rank(cefr) < cefr_rank(best.cefr):
        return [Problem("level", _("CEFR %(cefr)s is below the %(previous)s already claimed with %(test)s "
                                   "%(result)s (%(date)s).", **details), "higher_level_only")]
    return []


def check_failed_sits(rule_set: SubsidyRuleSet, outcome: str, test_date: date,
                      others: Iterable[PriorClaim]) -> list[Problem]:
    if outcome != "failed_sat":
        return []
    used = sum(1 for c in others if c.outcome == "failed_sat" and c.test_date.year == test_date.year)
    if used < rule_set.failed_sits_per_year:
        return []
    return [Problem("outcome", _("A failed but fully sat test is paid at most %(n)s times a year; %(year)s's "
                                 "have been claimed.", n=rule_set.failed_sits_per_year, year=test_date.year),
                    "failed_sit_limit")]


def check_fee(fee_paid: int | None) -> list[Problem]:
    if fee_paid is None:
        return [Problem("fee_paid", _("Enter the registration fee you paid."))]
    if fee_paid <= 0:
        return [Problem("fee_paid", _("The fee must be more than NT$0."), "positive_fee")]
    return []


def check_budget(rule_set: SubsidyRuleSet, amount: int, reserved: int) -> list[Problem]:
    remaining = rule_set.budget - reserved
    if amount <= remaining:
        return []
    return [Problem("fee_paid", _("The %(year)s budget has NT$%(remaining)s left, less than the NT$%(amount)s "
                                  "this claim needs.", year=rule_set.year, remaining=f"{max(remaining, 0):,}",
                                  amount=f"{amount:,}"), "yearly_budget")]
