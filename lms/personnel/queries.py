"""Read side of the ledger: evaluating requirements (set-based, for one employee or thousands in one
query), yearly history, qualifications, the review queue, external learning, the push reconciliation
and the HR system's tokens."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from lms.agencies.models import Agency, subtree_clause
from lms.auth.permissions import Scope
from lms.extensions import db
from lms.people.models import Employee
from lms.personnel.models import (
    CERTIFIED, PENDING, REJECTED, SUBMITTED, ExternalLearning, HrApiToken, HrPushItem, HrPushRun, LearningRecord,
    Qualification, RequirementRule, RequirementSet,
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


def _topic_match(topics: list[str], lr=LearningRecord):
    return sa.or_(*(lr.topic_codes.like(f"%,{t},%") for t in topics))


def counts_towards(rule: RequirementRule, year: int, lr=LearningRecord):
    """Which of an employee's (not rejected) records count towards `rule` in `year` (the reports reuse it)."""
    conditions = [lr.year.between(year - max(1, rule.period_years) + 1, year)]
    if topics := rule.split(rule.topics):
        conditions.append(_topic_match(topics, lr))
    if excluded := rule.split(rule.exclude_topics):
        conditions.append(sa.not_(_topic_match(excluded, lr)))
    if rule.job_related_only:
        conditions.append(lr.job_related.is_(True))
    return sa.and_(*conditions)


def rule_applies_to(rule: RequirementRule, e=Employee) -> list:
    """The conditions on an employee under which `rule` applies to them (the reports reuse it)."""
    conditions = []
    if ranks := rule.split(rule.rank_classes):
        conditions.append(e.rank_class.in_(ranks))
    if roles := rule.split(rule.cyber_roles):
        conditions.append(e.cyber_role.in_(roles))
    if rule.agency is not None:
        conditions.append(e.agency_id.in_(sa.select(Agency.id).where(subtree_clause(Agency.path,
                                                                                    rule.agency.path))))
    return conditions


def _hours_sum(status: str, counted=None, lr=LearningRecord):
    condition = lr.status == status if counted is None else sa.and_(lr.status == status, counted)
    return sa.func.coalesce(sa.func.sum(sa.case((condition, lr.hours), else_=0)), 0)


def rule_signature(rule: RequirementRule) -> tuple:
    """Every field of a rule that decides who owes it and which records count (the reports reuse it)."""
    return (rule.period_years, rule.topics, rule.exclude_topics, rule.job_related_only, rule.rank_classes,
            rule.cyber_roles, rule.agency.path if rule.agency is not None else None)


# Built statements by (year, rule signatures, one employee?): building ~30 expressions took most of a
# summary's time, and a reused statement keeps SQLAlchemy's memoised cache key. Plain SQL expressions,
# no ORM instances; cleared when it grows (rule sets change a few times a year).
_PIVOTS: dict[tuple, sa.Select] = {}
_E, _R = aliased(Employee, name="e"), aliased(LearningRecord, name="r")  # short names: a shorter SQL text


def _pivot(rules: list[RequirementRule], year: int, one_employee: bool) -> sa.Select:
    """Per employee and status (certified, pending; None without records): a flag per rule saying
    whether it applies to the employee and the hours that count towards it."""
    key = (year, one_employee, tuple(rule_signature(rule) for rule in rules))
    query = _PIVOTS.get(key)
    if query is None:
        first_year = year - max(max(1, rule.period_years) for rule in rules) + 1
        zero, one = sa.literal_column("0"), sa.literal_column("1")
        columns = [_E.id, _R.status]
        for i, rule in enumerate(rules):
            applies = rule_applies_to(rule, _E)
            columns += [(sa.func.max(sa.case((sa.and_(*applies), one), else_=zero)) if applies else one).label(f"a{i}"),
                        sa.func.sum(sa.case((counts_towards(rule, year, _R), _R.hours), else_=zero)).label(f"h{i}")]
        query = (sa.select(*columns).select_from(_E)
                 .outerjoin(_R, sa.and_(_R.employee_id == _E.id, _R.year.between(first_year, year),
                                        _R.status != REJECTED))
                 .group_by(_E.id, _R.status))
        if one_employee:
            query = query.where(_E.id == sa.bindparam("employee_id"))
        if len(_PIVOTS) > 64:
            _PIVOTS.clear()
        _PIVOTS[key] = query
    return query


def evaluate(rules: list[RequirementRule], year: int, employees) -> dict[int, list[RuleResult]]:
    """Every applicable rule's required / certified / pending hours for the employees selected by
    `employees` (a SQL condition on Employee, or one employee's id), in ONE query whatever their number:
    one pass over each employee's records of the longest period, summed per rule by conditional
    aggregation, grouped by employee and status."""
    if not rules:
        return {}
    if isinstance(employees, int):
        rows = db.session.execute(_pivot(rules, year, True), {"employee_id": employees})
    else:
        employee_ids = sa.select(Employee.id).where(employees)
        rows = db.session.execute(_pivot(rules, year, False).where(_E.id.in_(employee_ids)))
    totals: dict[int, tuple[list, list, list]] = {}  # employee -> (applies, certified, pending) per rule
    for row in rows:
        applies, certified, pending = totals.setdefault(row[0], ([0] * len(rules), [0.0] * len(rules),
                                                                 [0.0] * len(rules)))
        sums = certified if row[1] == CERTIFIED else pending if row[1] == PENDING else None
        for i in range(len(rules)):
            applies[i] = applies[i] or row[2 + 2 * i]
            if sums is not None:
                sums[i] += float(row[3 + 2 * i] or 0)
    results: dict[int, list[RuleResult]] = {}
    for employee_id, (applies, certified, pending) in totals.items():
        items = [RuleResult(rule, float(rule.hours), round(certified[i], 2), round(pending[i], 2))
                 for i, rule in enumerate(rules) if applies[i]]
        if items:
            items.sort(key=lambda r: (r.rule.position, r.rule.id or 0))
            results[employee_id] = items
    return results


def _rules_of_year(year: int) -> list[RequirementRule]:
    """The year's rules with their agencies in one query."""
    return list(db.session.execute(
        sa.select(RequirementRule).join(RequirementSet, RequirementRule.set_id == RequirementSet.id)
        .where(RequirementSet.year == year).order_by(RequirementRule.position, RequirementRule.id)).scalars())


def employee_summary(employee_id: int, year: int) -> list[RuleResult]:
    """One employee's standing against each rule of the year that applies to them."""
    return evaluate(_rules_of_year(year), year, employee_id).get(employee_id, [])


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


def qualifications_of(employee_id: int) -> list[Qualification]:
    """The employee's qualifications, newest first."""
    return list(db.session.execute(sa.select(Qualification).where(Qualification.employee_id == employee_id)
                                   .order_by(Qualification.awarded_on.desc(), Qualification.id.desc())).scalars())


def hr_tokens() -> list[HrApiToken]:
    return list(db.session.execute(sa.select(HrApiToken).order_by(HrApiToken.revoked_at.is_not(None),
                                                                  HrApiToken.created_at.desc())).scalars())
