"""Read side of the ledger: evaluating requirements (set-based, for one employee or thousands in one
query), yearly history, the review queue, external learning and the push reconciliation."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from lms.agencies.models import Agency, subtree_clause
from lms.auth.permissions import Scope
from lms.extensions import db
from lms.people.models import Employee
from lms.personnel.models import (
    CERTIFIED, PENDING, REJECTED, SUBMITTED, ExternalLearning, HrPushItem, HrPushRun, LearningRecord,
    RequirementRule, RequirementSet,
)


@dataclass(frozen=True)
class RuleResult:
    rule: RequirementRule
    required: float
    certified: float
    pending: float

    @property
    def met(self) -> bool:
        return self.certified + 1e-9 >= self.required

    @property
    def missing(self) -> float:
        return max(0.0, round(self.required - self.certified, 2))


def requirement_set(year: int) -> RequirementSet | None:
    return db.session.execute(sa.select(RequirementSet).where(RequirementSet.year == year)).scalar_one_or_none()


def requirement_sets() -> list[RequirementSet]:
    return list(db.session.execute(sa.select(RequirementSet).order_by(RequirementSet.year.desc())).scalars())


def _topic_match(topics: list[str]):
    return sa.or_(*(LearningRecord.topic_codes.like(f"%,{t},%") for t in topics))


def _record_conditions(rule: RequirementRule, year: int) -> list:
    conditions = [LearningRecord.employee_id == Employee.id, LearningRecord.status != REJECTED,
                  LearningRecord.year.between(year - max(1, rule.period_years) + 1, year)]
    if topics := rule.split(rule.topics):
        conditions.append(_topic_match(topics))
    if excluded := rule.split(rule.exclude_topics):
        conditions.append(sa.not_(_topic_match(excluded)))
    if rule.job_related_only:
        conditions.append(LearningRecord.job_related.is_(True))
    return conditions


def _applies(rule: RequirementRule) -> list:
    conditions = []
    if ranks := rule.split(rule.rank_classes):
        conditions.append(Employee.rank_class.in_(ranks))
    if roles := rule.split(rule.cyber_roles):
        conditions.append(Employee.cyber_role.in_(roles))
    if rule.agency is not None:
        conditions.append(Employee.agency_id.in_(sa.select(Agency.id).where(subtree_clause(Agency.path,
                                                                                          rule.agency.path))))
    return conditions


def _hours_sum(status: str):
    return sa.func.coalesce(sa.func.sum(sa.case((LearningRecord.status == status, LearningRecord.hours), else_=0)), 0)


def evaluate(rules: list[RequirementRule], year: int, employees) -> dict[int, list[RuleResult]]:
    """Every applicable rule's required / certified / pending hours for the employees selected by
    `employees` (a SQL condition on Employee), in ONE query whatever their number."""
    if not rules:
        return {}
    parts = [
        sa.select(Employee.id.label("employee_id"), sa.literal(i).label("rule_index"),
                  _hours_sum(CERTIFIED).label("certified"), _hours_sum(PENDING).label("pending"))
        .select_from(Employee).outerjoin(LearningRecord, sa.and_(*_record_conditions(rule, year)))
        .where(employees, *_applies(rule)).group_by(Employee.id)
        for i, rule in enumerate(rules)
    ]
    query = parts[0] if len(parts) == 1 else sa.union_all(*parts)
    results: dict[int, list[RuleResult]] = {}
    for employee_id, index, certified, pending in db.session.execute(query):
        rule = rules[index]
        results.setdefault(employee_id, []).append(
            RuleResult(rule, float(rule.hours), round(float(certified), 2), round(float(pending), 2)))
    for items in results.values():
        items.sort(key=lambda r: (r.rule.position, r.rule.id or 0))
    return results


def employee_summary(employee_id: int, year: int) -> list[RuleResult]:
    """One employee's standing against each rule of the year that applies to them."""
    rule_set = requirement_set(year)
    if rule_set is None:
        return []
    return evaluate(list(rule_set.rules), year, Employee.id == employee_id).get(employee_id, [])


def compliance_report(year: int, scope: Scope) -> dict[int, list[RuleResult]]:
    """The standing of every active employee in `scope` (supervisor and officer reports)."""
    rule_set = requirement_set(year)
    if rule_set is None:
        return {}
    condition = Employee.is_active.is_(True)
    if (clause := scope.clause(Agency.path)) is not None:
        condition = sa.and_(condition, Employee.agency_id.in_(sa.select(Agency.id).where(clause)))
    return evaluate(list(rule_set.rules), year, condition)


@dataclass(frozen=True)
class YearTotal:
    year: int
    certified: float
    pending: float


def yearly_totals(employee_id: int) -> list[YearTotal]:
    rows = db.session.execute(
        sa.select(LearningRecord.year, _hours_sum(CERTIFIED), _hours_sum(PENDING))
        .where(LearningRecord.employee_id == employee_id).group_by(LearningRecord.year)
        .order_by(LearningRecord.year.desc())).all()
    return [YearTotal(y, round(float(c), 2), round(float(p), 2)) for y, c, p in rows]


def records_of(employee_id: int, year: int | None = None) -> list[LearningRecord]:
    stmt = sa.select(LearningRecord).where(LearningRecord.employee_id == employee_id)
    if year is not None:
        stmt = stmt.where(LearningRecord.year == year)
    return list(db.session.execute(stmt.order_by(LearningRecord.completed_on.desc(), LearningRecord.id.desc()))
                .scalars())


def _in_scope(scope: Scope):
    clause = scope.clause(Agency.path)
    return Employee.agency_id.in_(sa.select(Agency.id).where(clause)) if clause is not None else sa.true()


def review_queue(scope: Scope, page: int = 1, per_page: int = 50):
    """Pending ledger records of the employees (current agency) an officer oversees."""
    stmt = (sa.select(LearningRecord).join(Employee, LearningRecord.employee_id == Employee.id)
            .where(LearningRecord.status == PENDING, _in_scope(scope))
            .options(joinedload(LearningRecord.employee))
            .order_by(LearningRecord.completed_on, LearningRecord.id))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def records_in_scope(record_ids: list[int], scope: Scope) -> list[LearningRecord]:
    return list(db.session.execute(
        sa.select(LearningRecord).join(Employee, LearningRecord.employee_id == Employee.id)
        .where(LearningRecord.id.in_(record_ids), _in_scope(scope))
        .options(joinedload(LearningRecord.employee))).scalars().unique())


def external_queue(scope: Scope) -> list[ExternalLearning]:
    return list(db.session.execute(
        sa.select(ExternalLearning).join(Employee, ExternalLearning.employee_id == Employee.id)
        .where(ExternalLearning.status == SUBMITTED, _in_scope(scope))
        .order_by(ExternalLearning.created_at)).scalars())


def external_of(employee_id: int) -> list[ExternalLearning]:
    return list(db.session.execute(sa.select(ExternalLearning).where(ExternalLearning.employee_id == employee_id)
                                   .order_by(ExternalLearning.created_at.desc())).scalars())


def push_summary() -> dict[str, int]:
    counts = dict(db.session.execute(sa.select(HrPushItem.state, sa.func.count()).group_by(HrPushItem.state)).all())
    return counts


def push_runs(limit: int = 20) -> list[HrPushRun]:
    return list(db.session.execute(sa.select(HrPushRun).order_by(HrPushRun.id.desc()).limit(limit)).scalars())


def rejected_push_items(limit: int = 200) -> list[HrPushItem]:
    from lms.personnel.models import PUSH_REJECTED

    return list(db.session.execute(sa.select(HrPushItem).where(HrPushItem.state == PUSH_REJECTED)
                                   .order_by(HrPushItem.last_sent_at.desc()).limit(limit)).scalars())
