"""Read side of the subsidy: rule sets, a learner's claims, the reviewers' queue, the payout register,
the budget and pass counts for the dashboard, and an employee's certified English level."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, selectinload

from courses.subsidies.models import (RESERVED_STATUSES, SubsidyClaim, SubsidyPayoutBatch, SubsidyRuleSet,
                                      SubsidyTest, SubsidyTestLevel, cefr_rank, format_score)
from courses.subsidies.rules import PriorClaim
from lms.agencies.models import Agency
from lms.auth.models import User
from lms.auth.permissions import Scope
from lms.events.models import DomainEvent
from lms.events.queries import for_object
from lms.db import utcnow
from lms.extensions import db
from lms.people.models import Employee
from lms.people.queries import Page
from lms.templating import TAIPEI

PAGE_SIZE = 30


def local_today() -> date:
    return utcnow().astimezone(TAIPEI).date()


def rule_set_for_year(year: int) -> SubsidyRuleSet | None:
    return db.session.execute(
        db.select(SubsidyRuleSet).filter_by(year=year)
        .options(selectinload(SubsidyRuleSet.tests).selectinload(SubsidyTest.levels))).scalar_one_or_none()


def get_rule_set(rule_set_id: int) -> SubsidyRuleSet | None:
    return db.session.get(SubsidyRuleSet, rule_set_id)


def list_rule_sets() -> list[SubsidyRuleSet]:
    return list(db.session.execute(db.select(SubsidyRuleSet).order_by(SubsidyRuleSet.year.desc())).scalars())


def get_test(test_id: int) -> SubsidyTest | None:
    return db.session.get(SubsidyTest, test_id)


def get_claim(claim_id: int) -> SubsidyClaim | None:
    return db.session.execute(
        db.select(SubsidyClaim).filter_by(id=claim_id)
        .options(joinedload(SubsidyClaim.test), joinedload(SubsidyClaim.level),
                 joinedload(SubsidyClaim.employee))).scalar_one_or_none()


def _with_details(stmt):
    return stmt.options(joinedload(SubsidyClaim.test), joinedload(SubsidyClaim.level),
                        joinedload(SubsidyClaim.employee), joinedload(SubsidyClaim.payout_batch))


def claims_of(employee_id: int) -> list[SubsidyClaim]:
    stmt = _with_details(db.select(SubsidyClaim).filter_by(employee_id=employee_id))
    return list(db.session.execute(stmt.order_by(SubsidyClaim.submitted_at.desc(), SubsidyClaim.id.desc()))
                .scalars())


def prior_claims(employee_id: int, statuses: tuple[str, ...], exclude_id: int | None = None) -> list[PriorClaim]:
    stmt = (db.select(SubsidyClaim.id, SubsidyClaim.outcome, SubsidyClaim.cefr, SubsidyClaim.test_date,
                      SubsidyTest.name_zh, SubsidyTestLevel.label, SubsidyClaim.score)
            .join(SubsidyTest, SubsidyClaim.test_id == SubsidyTest.id)
            .outerjoin(SubsidyTestLevel, SubsidyClaim.level_id == SubsidyTestLevel.id)
            .where(SubsidyClaim.employee_id == employee_id, SubsidyClaim.status.in_(statuses)))
    if exclude_id is not None:
        stmt = stmt.where(SubsidyClaim.id != exclude_id)
    return [PriorClaim(id=row.id, outcome=row.outcome, cefr=row.cefr, test_date=row.test_date,
                       test_name=row.name_zh, result=row.label or format_score(row.score))
            for row in db.session.execute(stmt)]


def reserved_amount(rule_set_id: int) -> int:
    """NT$ the year's approved and paid claims take from its budget."""
    return int(db.session.execute(
        db.select(db.func.coalesce(db.func.sum(SubsidyClaim.amount), 0))
        .where(SubsidyClaim.rule_set_id == rule_set_id, SubsidyClaim.status.in_(RESERVED_STATUSES))).scalar_one())


@dataclass(frozen=True)
class CertifiedLevel:
    cefr: str
    test_code: str
    test_name: str
    result: str
    test_date: date
    claim_id: int


def certified_english_level(employee_id: int) -> CertifiedLevel | None:
    """The highest CEFR level an approved (or paid) pass certifies for the employee, or None."""
    best = None
    for claim in db.session.execute(
            db.select(SubsidyClaim).where(SubsidyClaim.employee_id == employee_id, SubsidyClaim.cefr.is_not(None),
                                          SubsidyClaim.outcome == "passed",
                                          SubsidyClaim.status.in_(RESERVED_STATUSES))
            .options(joinedload(SubsidyClaim.test), joinedload(SubsidyClaim.level))).scalars():
        if best is None or (cefr_rank(claim.cefr), claim.test_date) > (cefr_rank(best.cefr), best.test_date):
            best = claim
    if best is None:
        return None
    return CertifiedLevel(cefr=best.cefr, test_code=best.test.code, test_name=best.test.name_zh,
                          result=best.result_text, test_date=best.test_date, claim_id=best.id)


def _scoped(stmt, scope: Scope):
    stmt = stmt.join(Employee, SubsidyClaim.employee_id == Employee.id).join(Agency, Employee.agency_id == Agency.id)
    clause = scope.clause(Agency.path)
    return stmt if clause is None else stmt.where(clause)


def review_queue(scope: Scope, statuses: tuple[str, ...], year: int | None = None, page: int = 1,
                 per_page: int = PAGE_SIZE) -> Page:
    """Claims of the staff the reviewer oversees, oldest first (first come, first served)."""
    stmt = _scoped(db.select(SubsidyClaim), scope).where(SubsidyClaim.status.in_(statuses))
    if year is not None:
        stmt = stmt.join(SubsidyRuleSet, SubsidyClaim.rule_set_id == SubsidyRuleSet.id).where(
            SubsidyRuleSet.year == year)
    total = db.session.execute(stmt.with_only_columns(db.func.count(SubsidyClaim.id))).scalar_one()
    page = max(1, page)
    items = db.session.execute(_with_details(stmt).order_by(SubsidyClaim.submitted_at, SubsidyClaim.id)
                               .limit(per_page).offset((page - 1) * per_page)).scalars()
    return Page(list(items), total, page, per_page)


def approved_unpaid(rule_set_id: int) -> list[SubsidyClaim]:
    stmt = _with_details(db.select(SubsidyClaim).filter_by(rule_set_id=rule_set_id, status="approved"))
    return list(db.session.execute(stmt.order_by(SubsidyClaim.decided_at, SubsidyClaim.id)).scalars())


def payout_batches(rule_set_id: int) -> list[SubsidyPayoutBatch]:
    return list(db.session.execute(db.select(SubsidyPayoutBatch).filter_by(rule_set_id=rule_set_id)
                                   .order_by(SubsidyPayoutBatch.id.desc())).scalars())


def get_batch(batch_id: int) -> SubsidyPayoutBatch | None:
    return db.session.get(SubsidyPayoutBatch, batch_id)


def batch_claims(batch_id: int) -> list[SubsidyClaim]:
    stmt = _with_details(db.select(SubsidyClaim).filter_by(payout_batch_id=batch_id))
    return list(db.session.execute(
        stmt.options(joinedload(SubsidyClaim.employee).joinedload(Employee.agency)).order_by(SubsidyClaim.id))
        .scalars())


@dataclass(frozen=True)
class BudgetSummary:
    year: int
    budget: int
    approved: int      # reserved, not yet paid
    paid: int
    pending_count: int
    pending_amount: int  # claims waiting for review (not reserved)

    @property
    def used(self) -> int:
        return self.approved + self.paid

    @property
    def remaining(self) -> int:
        return self.budget - self.used

    @property
    def used_percent(self) -> float:
        return round(100 * self.used / self.budget, 1) if self.budget else 0.0


def budget_summary(rule_set: SubsidyRuleSet) -> BudgetSummary:
    amount = db.func.coalesce(db.func.sum(SubsidyClaim.amount), 0)
    rows = db.session.execute(
        db.select(SubsidyClaim.status, db.func.count(SubsidyClaim.id), amount)
        .where(SubsidyClaim.rule_set_id == rule_set.id).group_by(SubsidyClaim.status)).all()
    by_status = {status: (count, int(amount)) for status, count, amount in rows}
    pending = [by_status.get(s, (0, 0)) for s in ("submitted", "correction_requested")]
    return BudgetSummary(year=rule_set.year, budget=rule_set.budget, approved=by_status.get("approved", (0, 0))[1],
                         paid=by_status.get("paid", (0, 0))[1], pending_count=sum(c for c, _a in pending),
                         pending_amount=sum(a for _c, a in pending))


@dataclass(frozen=True)
class PassCount:
    test_code: str
    test_name: str
    cefr: str
    count: int


def pass_counts(rule_set_id: int, scope: Scope) -> list[PassCount]:
    """Approved or paid passes by test and CEFR level, within the reviewer's scope."""
    stmt = _scoped(db.select(SubsidyTest.code, SubsidyTest.name_zh, SubsidyTest.sort_order, SubsidyClaim.cefr,
                             db.func.count(SubsidyClaim.id)).select_from(SubsidyClaim), scope)
    stmt = (stmt.join(SubsidyTest, SubsidyClaim.test_id == SubsidyTest.id)
            .where(SubsidyClaim.rule_set_id == rule_set_id, SubsidyClaim.outcome == "passed",
                   SubsidyClaim.status.in_(RESERVED_STATUSES))
            .group_by(SubsidyTest.code, SubsidyTest.name_zh, SubsidyTest.sort_order, SubsidyClaim.cefr))
    rows = sorted(db.session.execute(stmt), key=lambda r: (r.sort_order, r.code, cefr_rank(r.cefr)))
    return [PassCount(r.code, r.name_zh, r.cefr, r[4]) for r in rows]


def failed_sit_count(rule_set_id: int, scope: Scope) -> int:
    stmt = _scoped(db.select(db.func.count(SubsidyClaim.id)).select_from(SubsidyClaim), scope)
    return db.session.execute(stmt.where(SubsidyClaim.rule_set_id == rule_set_id,
                                         SubsidyClaim.outcome == "failed_sat",
                                         SubsidyClaim.status.in_(RESERVED_STATUSES))).scalar_one()


def claims_by_ids(claim_ids: list[int]) -> list[SubsidyClaim]:
    if not claim_ids:
        return []
    return list(db.session.execute(_with_details(db.select(SubsidyClaim).where(SubsidyClaim.id.in_(claim_ids))))
                .scalars())


@dataclass(frozen=True)
class HistoryEntry:
    event: DomainEvent
    actor: str


def claim_history(claim_id: int) -> list[HistoryEntry]:
    """The claim's audit trail: every decision with who made it."""
    events = for_object("SubsidyClaim", claim_id)
    actor_ids = {e.actor_user_id for e in events if e.actor_user_id}
    users = {u.id: u for u in db.session.execute(db.select(User).where(User.id.in_(actor_ids))).scalars()} \
        if actor_ids else {}
    return [HistoryEntry(e, users[e.actor_user_id].display_name if e.actor_user_id in users else "")
            for e in events]
