"""Read side of the reports, set-based: one SQL statement per table whatever the number of people.

The standing of each person against the year's rules reuses the hours ledger's rule semantics
(`lms.personnel.queries`: which records count for a rule, who owes it). The ledger rows in scope are
first summed per (person, year, topics, job-related, status); the rule conditions are then evaluated
once per distinct (year, topics, job-related) combination, and one pivot gives every rule's hours per
person. A unit, its roll-up to sub-units, the forecast and the exports all read that one query.
Sub-units are found with the agency tree's materialised path (`Agency.path`, one indexed LIKE).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.util import ClauseAdapter

from courses.catalogue.models import DELIVERY_MODES, Course, Topic, course_topics
from courses.enrollment.models import ACTIVE_STATUSES, Enrollment
from courses.evaluation.models import FollowUpSurvey, ReactionResponse
from courses.reports.models import MONTHLY, ReportDispatch, ReportSnapshot, ReportStanding, ReportStandingRule
from courses.reports.forecast import Horizon, projected
from courses.scheduling.models import LOCAL_TZ, ClassRun
from lms.agencies.models import Agency, subtree_clause
from lms.auth.permissions import Scope
from lms.extensions import db
from lms.people.models import Employee
from lms.personnel import queries as ledger
from lms.personnel.models import CERTIFIED, PENDING, REJECTED, LearningRecord, Qualification, RequirementRule

# Rule semantics of the hours ledger, reused (see the module docstring): which records count for a
# rule and who owes it.
_counted = ledger.counts_towards
_applies = ledger.rule_applies_to


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


def get_agency(agency_id: int) -> Agency | None:
    return db.session.get(Agency, agency_id)


def get_employee(employee_id: int) -> Employee | None:
    return db.session.get(Employee, employee_id)


def scope_roots(scope: Scope) -> list[Agency]:
    """The agencies a report starts from: the city's root(s), or the top of each subtree in scope."""
    stmt = sa.select(Agency).order_by(Agency.path)
    stmt = stmt.where(Agency.parent_id.is_(None)) if scope.city_wide else stmt.where(Agency.path.in_(scope.paths))
    return list(db.session.execute(stmt).scalars())


def ancestors(agency: Agency, scope: Scope) -> list[Agency]:
    """The breadcrumb from the top of the user's scope down to `agency` (excluded)."""
    parts = agency.path.split("/")
    paths = ["/".join(parts[:i]) for i in range(1, len(parts))]
    rows = db.session.execute(sa.select(Agency).where(Agency.path.in_(paths)).order_by(Agency.path)).scalars()
    return [a for a in rows if scope.covers(a)]


def children(agency: Agency) -> list[Agency]:
    return list(db.session.execute(sa.select(Agency).where(Agency.parent_id == agency.id)
                                   .order_by(Agency.code)).scalars())


# --- the standing of every person against the year's rules ---------------------------------------


@dataclass(frozen=True)
class Standing:
    """The pivoted standing query of `rules` and its column names per rule."""

    rules: list[RequirementRule]
    year: int
    horizon: Horizon
    query: sa.Select
    # The stored snapshot's narrow rows (no per-rule columns: employee_id, staff_no, agency_id,
    # agency_path, met, compliant, at_risk, hours), which the unit roll-up and the paging read instead
    # of pivoting every person's rule rows. None for the live computation.
    summary: sa.Select | None = None


def _in_subtree(path: str):
    return Employee.agency_id.in_(sa.select(Agency.id).where(subtree_clause(Agency.path, path)))


def _sql_larger(a, b):
    return sa.case((a >= b, a), else_=b)


def _booked(rules: list[RequirementRule], year: int, today: date, people_in_scope):
    """Per person: credited hours of runs they are seated in that start after today, this year, per rule."""
    run_hours = ClassRun.days * ClassRun.hours_per_day

    def tagged(codes: list[str]):
        return sa.exists(sa.select(1).select_from(course_topics.join(Topic, Topic.id == course_topics.c.topic_id))
                         .where(course_topics.c.course_id == ClassRun.course_id, Topic.code.in_(codes)))

    columns = [Enrollment.employee_id.label("employee_id")]
    for i, rule in enumerate(rules):
        conditions = []
        if topics := rule.split(rule.topics):
            conditions.append(tagged(topics))
        if excluded := rule.split(rule.exclude_topics):
            conditions.append(sa.not_(tagged(excluded)))
        hours = sa.case((sa.and_(*conditions), run_hours), else_=0) if conditions else run_hours
        columns.append(sa.func.sum(hours).label(f"b{i}"))
    return (sa.select(*columns).select_from(Enrollment).join(ClassRun, Enrollment.run_id == ClassRun.id)
            .where(Enrollment.employee_id.in_(people_in_scope), Enrollment.status == "seated",
                   Enrollment.outcome.is_(None), ClassRun.year == year,
                   ClassRun.starts_on > today, ClassRun.status != "cancelled")
            .group_by(Enrollment.employee_id).subquery("booked"))


def _activity(year: int, people_in_scope):
    """Per person: enrolments (active or completed) and completions in this year's runs."""
    enrolled = sa.or_(Enrollment.status.in_(ACTIVE_STATUSES), Enrollment.outcome.is_not(None))
    return (sa.select(Enrollment.employee_id.label("employee_id"),
                      sa.func.sum(sa.case((enrolled, 1), else_=0)).label("enrolments"),
                      sa.func.sum(sa.case((Enrollment.outcome == "completed", 1), else_=0)).label("completions"))
            .select_from(Enrollment).join(ClassRun, Enrollment.run_id == ClassRun.id)
            .where(Enrollment.employee_id.in_(people_in_scope), ClassRun.year == year)
            .group_by(Enrollment.employee_id).subquery("activity"))


def activity_of_everyone(year: int):
    """Enrolments and completions in `year`'s runs of every active person (a subquery)."""
    return _activity(year, sa.select(Employee.id).where(Employee.is_active.is_(True)))


def standing(year: int, path: str | None, scope: Scope, today: date | None = None,
             employee_id: int | None = None) -> Standing | None:
    """Active people in the subtree at `path` (None = the scope) with, per rule i: certified c{i},
    pending p{i}, required r{i} (NULL when the rule does not apply to them), booked b{i}, projected f{i};
    and enrolments, completions, met/owed counts, `compliant` and `at_risk` (0/1). None without rules."""
    rule_set = ledger.requirement_set(year)
    if rule_set is None or not rule_set.rules:
        return None
    rules = list(rule_set.rules)
    horizon = Horizon(year, today or local_today())
    longest = max(max(1, r.period_years) for r in rules)
    where = _people_where(path, scope)
    if employee_id is not None:
        where.append(Employee.id == employee_id)
    # 1. The ledger rows in scope summed per (person, year, topics, job-related, status): one cheap pass.
    people_in_scope = sa.select(Employee.id).where(*where)
    lr = LearningRecord
    keys = (lr.employee_id, lr.year, lr.topic_codes, lr.job_related, lr.status)
    grouped = (sa.select(*keys, sa.func.sum(sa.cast(lr.hours, sa.Float)).label("hours"))
               .where(lr.employee_id.in_(people_in_scope), lr.status != REJECTED,
                      lr.year.between(year - longest + 1, year))
               .group_by(*keys).cte("grouped"))
    # 2. Which rules each distinct (year, topics, job-related) combination counts for: the ledger's own
    #    rule conditions, evaluated on a few dozen combinations instead of on every row.
    combo_keys = (grouped.c.year, grouped.c.topic_codes, grouped.c.job_related)
    combos = sa.select(*combo_keys).group_by(*combo_keys).subquery("combos")
    adapt = ClauseAdapter(combos).traverse
    kinds = sa.select(combos, *(sa.case((adapt(_counted(rule, year)), 1), else_=0).label(f"k{i}")
                                for i, rule in enumerate(rules))).subquery("kinds")
    # 3. One row per person: certified and pending hours per rule, and the hours the rule requires of them.
    pivot = [Employee.id.label("employee_id")]
    for i, rule in enumerate(rules):
        for kind, status in (("c", CERTIFIED), ("p", PENDING)):
            counted = sa.and_(kinds.c[f"k{i}"] == 1, grouped.c.status == status)
            pivot.append(sa.func.coalesce(sa.func.sum(sa.case((counted, grouped.c.hours), else_=0)), 0)
                         .label(f"{kind}{i}"))
        applies = _applies(rule)
        required = sa.literal(float(rule.hours), sa.Float)
        pivot.append((sa.case((sa.and_(*applies), required), else_=sa.null()) if applies else required).label(f"r{i}"))
    inner = (sa.select(*pivot).select_from(Employee)
             .outerjoin(grouped, grouped.c.employee_id == Employee.id)
             .outerjoin(kinds, sa.and_(kinds.c.year == grouped.c.year, kinds.c.topic_codes == grouped.c.topic_codes,
                                       kinds.c.job_related == grouped.c.job_related))
             .where(*where).group_by(Employee.id).subquery("pivot"))
    booked, activity = _booked(rules, year, horizon.today, people_in_scope), _activity(year, people_in_scope)
    figures = []
    for i in range(len(rules)):
        certified, pending, required = inner.c[f"c{i}"], inner.c[f"p{i}"], inner.c[f"r{i}"]
        booked_hours = sa.func.coalesce(booked.c[f"b{i}"], 0)
        figures.append((certified, pending, required, booked_hours,
                        projected(certified + pending, booked_hours, horizon, _sql_larger)))
    query = (_standing_select(inner.c.employee_id, figures, sa.func.coalesce(activity.c.enrolments, 0),
                              sa.func.coalesce(activity.c.completions, 0))
             .select_from(inner).join(Employee, Employee.id == inner.c.employee_id)
             .join(Agency, Agency.id == Employee.agency_id)
             .outerjoin(booked, booked.c.employee_id == inner.c.employee_id)
             .outerjoin(activity, activity.c.employee_id == inner.c.employee_id))
    return Standing(rules, year, horizon, query)


def _standing_select(employee_id, figures: list[tuple], enrolments, completions) -> sa.Select:
    """The standing row of a person from their figures per rule i (certified, pending, required, booked,
    projected): the columns c{i} p{i} r{i} b{i} f{i}, and met/owed counts, `compliant` and `at_risk`.
    Shared by the live computation and the stored snapshot, so both answer in the same columns."""
    columns, met, owed, risks = [], [], [], []
    for i, (certified, pending, required, booked, future) in enumerate(figures):
        columns += [certified.label(f"c{i}"), pending.label(f"p{i}"), required.label(f"r{i}"),
                    booked.label(f"b{i}"), future.label(f"f{i}")]
        met.append(sa.case((sa.and_(required.is_not(None), certified >= required), 1), else_=0))
        owed.append(sa.case((required.is_not(None), 1), else_=0))
        risks.append(sa.and_(required.is_not(None), certified < required, future < required))
    met_count, owed_count = sum(met[1:], met[0]), sum(owed[1:], owed[0])
    return sa.select(employee_id.label("employee_id"), Employee.staff_no, Employee.name_zh, Employee.name_en,
                     Employee.agency_id, Agency.code.label("agency_code"), Agency.name_zh.label("agency_zh"),
                     Agency.name_en.label("agency_en"), Agency.path.label("agency_path"), *columns,
                     enrolments.label("enrolments"), completions.label("completions"),
                     met_count.label("met"), owed_count.label("owed"), (figures[0][0] + figures[0][1]).label("hours"),
                     sa.case((met_count == owed_count, 1), else_=0).label("compliant"),
                     sa.case((sa.or_(*risks), 1), else_=0).label("at_risk"))


# --- the stored standing (see courses.reports.models) -------------------------------------------


def rules_signature(rules: list[RequirementRule]) -> str:
    """Identifies what a snapshot was computed with: the rules, their order and every field that
    changes who owes what (an edited rule makes the stored figures wrong, not only old)."""
    parts = [(rule.id, float(rule.hours), *ledger.rule_signature(rule)) for rule in rules]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def snapshot(year: int) -> ReportSnapshot | None:
    return db.session.get(ReportSnapshot, year)


def _people_where(path: str | None, scope: Scope) -> list:
    where = [Employee.is_active.is_(True)]
    if path is not None:
        where.append(_in_subtree(path))
    if (clause := scope.clause(Agency.path)) is not None:
        where.append(Employee.agency_id.in_(sa.select(Agency.id).where(clause)))
    return where


def stored_rules_query(year: int, rules: list[RequirementRule], where: list, activity=None) -> sa.Select:
    """The standing query (same columns as `standing()`) over the stored per-rule rows of the people
    selected by `where`; enrolments and completions from the stored person rows, or from `activity`
    (a subquery keyed by employee_id) while those are being written."""
    r = ReportStandingRule
    pivot_columns = [r.employee_id]
    for i in range(len(rules)):
        at = r.rule_index == i
        pivot_columns += [sa.func.max(sa.case((at, column))).label(f"{name}{i}") for name, column in
                          (("c", r.certified), ("p", r.pending), ("r", r.required), ("b", r.booked), ("f", r.projected))]
    pivot = (sa.select(*pivot_columns).where(r.year == year, r.employee_id.in_(sa.select(Employee.id).where(*where)))
             .group_by(r.employee_id).subquery("stored"))
    figures = [tuple(pivot.c[f"{name}{i}"] for name in "cprbf") for i in range(len(rules))]
    if activity is None:
        person = ReportStanding
        counts, join = (person.enrolments, person.completions), (
            person, sa.and_(person.year == year, person.employee_id == pivot.c.employee_id))
    else:
        counts = (sa.func.coalesce(activity.c.enrolments, 0), sa.func.coalesce(activity.c.completions, 0))
        join = (activity, activity.c.employee_id == pivot.c.employee_id)
    return (_standing_select(pivot.c.employee_id, figures, *counts)
            .select_from(pivot).join(Employee, Employee.id == pivot.c.employee_id)
            .join(Agency, Agency.id == Employee.agency_id).outerjoin(*join))


def stored_standing(year: int, rules: list[RequirementRule], path: str | None, scope: Scope,
                    snap: ReportSnapshot) -> Standing:
    """The standing of `standing()`, read from the snapshot computed with `rules`: people still active
    in the subtree at `path` and in the scope now (a transfer shows under the new unit at once)."""
    where = _people_where(path, scope)
    person = ReportStanding
    summary = (sa.select(person.employee_id, Employee.staff_no, Employee.agency_id, Agency.path.label("agency_path"),
                         person.met, person.compliant, person.at_risk, person.hours)
               .join(Employee, Employee.id == person.employee_id).join(Agency, Agency.id == Employee.agency_id)
               .where(person.year == year, *where))
    return Standing(rules, year, Horizon(year, snap.as_of), stored_rules_query(year, rules, where), summary)


# People filters on the standing query
PEOPLE_FILTERS = ("all", "behind", "at_risk")


def _only(stmt, sub, only: str):
    if only == "behind":
        return stmt.where(sub.c.compliant == 0)
    if only == "at_risk":
        return stmt.where(sub.c.at_risk == 1)
    return stmt


def _people_order(sub) -> tuple:
    return sub.c.compliant, sub.c.at_risk.desc(), sub.c.met, sub.c.staff_no


def people(st: Standing, only: str = "all", page: int = 1, per_page: int | None = 50) -> list:
    """A page of the standing rows (behind first, then by staff number); per_page None = every row.
    With a stored snapshot the page is chosen on the narrow person rows and only its people's rule
    rows are pivoted."""
    source = (st.summary if st.summary is not None else st.query).subquery("standing")
    stmt = _only(sa.select(source), source, only).order_by(*_people_order(source))
    if per_page is not None:
        stmt = stmt.limit(per_page).offset((max(1, page) - 1) * per_page)
    if st.summary is None:
        return db.session.execute(stmt).all()
    ids = [row.employee_id for row in db.session.execute(stmt)]
    if not ids:
        return []
    wide = st.query.subquery("standing")
    found = {row.employee_id: row for row in db.session.execute(sa.select(wide).where(wide.c.employee_id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def stream_people(st: Standing, only: str = "all"):
    """Every standing row, fetched in batches (exports of tens of thousands of rows)."""
    sub = st.query.subquery("standing")
    stmt = _only(sa.select(sub), sub, only).order_by(sub.c.agency_code, sub.c.staff_no)
    yield from db.session.execute(stmt.execution_options(yield_per=2000))


@dataclass(frozen=True)
class UnitRow:
    agency_id: int | None
    code: str
    name_zh: str
    name_en: str
    people: int
    compliant: int
    at_risk: int
    hours: float       # certified + pending of the first (total) rule, summed

    @property
    def behind(self) -> int:
        return self.people - self.compliant

    @property
    def rate(self) -> float:
        return round(100 * self.compliant / self.people, 1) if self.people else 0.0

    def name(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") and self.name_en else self.name_zh


def _rollup(measures: dict, sub, parent: Agency, row) -> tuple[list[UnitRow], UnitRow]:
    """Group the people rows of `sub` (columns agency_id, agency_path) by the children of `parent`
    (each child's whole subtree) in one statement; the people placed directly in `parent` find no
    child and form one more row. The children and the direct row partition the subtree, so the total
    is their sum."""
    child = aliased(Agency)
    # Which child each agency of the subtree lies under: a few dozen rows, so the people rows meet it in
    # an equi-join (a LIKE join straight on the people rows made the planner recompute them per child).
    member = aliased(Agency)
    under = (sa.select(member.id.label("agency_id"), child.id.label("child_id"))
             .join(child, sa.or_(member.path == child.path, member.path.like(child.path + "/%")))
             .where(child.parent_id == parent.id).subquery("under"))
    found = db.session.execute(
        sa.select(child.id, child.code, child.name_zh, child.name_en,
                  *(expr.label(name) for name, expr in measures.items()))
        .select_from(sub).outerjoin(under, under.c.agency_id == sub.c.agency_id)
        .outerjoin(child, child.id == under.c.child_id).where(subtree_clause(sub.c.agency_path, parent.path))
        .group_by(child.id, child.code, child.name_zh, child.name_en)).all()
    rows = sorted((row(r) if r[0] is not None else row((None, parent.code, parent.name_zh, parent.name_en, *r[4:]))
                   for r in found), key=lambda u: (u.agency_id is None, u.code))
    total = UnitRow(parent.id, parent.code, parent.name_zh, parent.name_en, sum(r.people for r in rows),
                    sum(r.compliant for r in rows), sum(r.at_risk for r in rows), round(sum(r.hours for r in rows), 1))
    return rows, total


def unit_rows(st: Standing, parent: Agency) -> tuple[list[UnitRow], UnitRow]:
    """Compliance of each sub-unit of `parent` (its whole subtree) and of `parent` in total."""
    sub = (st.summary if st.summary is not None else st.query).subquery("standing")
    measures = {"people": sa.func.count(), "compliant": sa.func.sum(sub.c.compliant),
                "at_risk": sa.func.sum(sub.c.at_risk), "hours": sa.func.sum(sub.c.hours)}
    return _rollup(measures, sub, parent, _unit_row)


def _unit_row(values) -> UnitRow:
    agency_id, code, zh, en, people_count, compliant, at_risk, hours = values
    return UnitRow(agency_id, code, zh, en, int(people_count or 0), int(compliant or 0), int(at_risk or 0),
                   round(float(hours or 0), 1))


@dataclass(frozen=True)
class RuleGap:
    rule: RequirementRule
    owed: int          # people the rule applies to
    met: int           # people who meet it now
    will_meet: int     # people projected to meet it by 31 December
    missing_hours: float

    @property
    def met_rate(self) -> float:
        return round(100 * self.met / self.owed, 1) if self.owed else 100.0

    @property
    def projected_rate(self) -> float:
        return round(100 * self.will_meet / self.owed, 1) if self.owed else 100.0


def rule_gaps(st: Standing) -> list[RuleGap]:
    """Per rule (mandated topic): how many owe it, meet it, will meet it, and the hours still missing;
    furthest behind (lowest projected rate) first."""
    sub = st.query.subquery("standing")
    columns = []
    for i in range(len(st.rules)):
        required, certified = sub.c[f"r{i}"], sub.c[f"c{i}"]
        columns += [sa.func.count(required), sa.func.sum(sa.case((certified >= required, 1), else_=0)),
                    sa.func.sum(sa.case((sub.c[f"f{i}"] >= required, 1), else_=0)),
                    sa.func.sum(sa.case((certified < required, required - certified), else_=0))]
    values = db.session.execute(sa.select(*columns)).one()
    gaps = [RuleGap(rule, int(values[4 * i] or 0), int(values[4 * i + 1] or 0), int(values[4 * i + 2] or 0),
                    round(float(values[4 * i + 3] or 0), 1)) for i, rule in enumerate(st.rules)]
    return sorted((g for g in gaps if g.owed), key=lambda g: (g.projected_rate, g.met_rate))


def person_row(st: Standing, employee_id: int):
    sub = st.query.subquery("standing")
    return db.session.execute(sa.select(sub).where(sub.c.employee_id == employee_id)).one_or_none()


def behind_ids(st: Standing) -> list[int]:
    sub = (st.summary if st.summary is not None else st.query).subquery("standing")
    return list(db.session.execute(sa.select(sub.c.employee_id).where(sub.c.compliant == 0)).scalars())


# A qualification whose validity ends within this many days counts as expiring (the tracks' first reminder).
EXPIRING_DAYS = 90


@dataclass(frozen=True)
class Certifications:
    held: int       # qualifications valid today
    expiring: int   # of which valid for at most EXPIRING_DAYS more days


def certifications_of(employee_ids: list[int], today: date) -> dict[int, Certifications]:
    """Per person of `employee_ids` (a page of a report): qualifications held and expiring soon."""
    if not employee_ids:
        return {}
    q = Qualification
    valid = sa.or_(q.valid_until.is_(None), q.valid_until >= today)
    soon = sa.and_(q.valid_until >= today, q.valid_until <= today + timedelta(days=EXPIRING_DAYS))
    rows = db.session.execute(
        sa.select(q.employee_id, sa.func.sum(sa.case((valid, 1), else_=0)), sa.func.sum(sa.case((soon, 1), else_=0)))
        .where(q.employee_id.in_(employee_ids)).group_by(q.employee_id))
    return {employee_id: Certifications(int(held or 0), int(expiring or 0)) for employee_id, held, expiring in rows}


def enrolments_of(employee_id: int, year: int) -> list[Enrollment]:
    return list(db.session.execute(
        sa.select(Enrollment).join(ClassRun, Enrollment.run_id == ClassRun.id)
        .where(Enrollment.employee_id == employee_id, ClassRun.year == year)
        .order_by(ClassRun.starts_on.desc())).scalars())


def pending_approvals(scope: Scope) -> int:
    """Enrolment requests waiting for a supervisor's answer within `scope`."""
    stmt = (sa.select(sa.func.count(Enrollment.id)).join(Employee, Enrollment.employee_id == Employee.id)
            .join(Agency, Employee.agency_id == Agency.id).where(Enrollment.status == "pending"))
    if (clause := scope.clause(Agency.path)) is not None:
        stmt = stmt.where(clause)
    return db.session.execute(stmt).scalar_one()


def supervisors_owed(period: str) -> list[int]:
    """Active supervisors who have not yet had the monthly report of `period`."""
    sent = sa.select(ReportDispatch.employee_id).where(ReportDispatch.kind == MONTHLY, ReportDispatch.period == period)
    return list(db.session.execute(
        sa.select(Employee.id).where(Employee.is_supervisor.is_(True), Employee.is_active.is_(True),
                                     Employee.id.not_in(sent)).order_by(Employee.id)).scalars())


# --- topic campaigns ----------------------------------------------------------------------------


def campaign_rows(topic: str, year: int, parent: Agency, course_code: str = "") -> tuple[list[UnitRow], UnitRow]:
    """Share of active staff with a completion of `topic` (or of `course_code`) in `year`, for `parent`
    and per sub-unit. `at_risk` is unused (0); `hours` is the hours learnt on the topic."""
    lr = LearningRecord
    match = lr.course_code == course_code if course_code else lr.topic_codes.like(f"%,{topic},%")
    done = (sa.select(lr.employee_id.label("employee_id"), sa.func.sum(lr.hours).label("hours"))
            .where(lr.year == year, lr.status != REJECTED, match).group_by(lr.employee_id).subquery("done"))
    sub = (sa.select(Employee.agency_id, Agency.path.label("agency_path"),
                     sa.case((done.c.employee_id.is_not(None), 1), else_=0).label("completed"),
                     sa.func.coalesce(done.c.hours, 0).label("hours"))
           .select_from(Employee).join(Agency, Agency.id == Employee.agency_id)
           .outerjoin(done, done.c.employee_id == Employee.id)
           .where(Employee.is_active.is_(True), _in_subtree(parent.path)).subquery("campaign"))
    measures = {"people": sa.func.count(), "compliant": sa.func.sum(sub.c.completed), "at_risk": sa.literal(0),
                "hours": sa.func.sum(sub.c.hours)}
    return _rollup(measures, sub, parent, _unit_row)


def topics() -> list[Topic]:
    return list(db.session.execute(sa.select(Topic).order_by(Topic.id)).scalars())


# --- the administrators' dashboard ---------------------------------------------------------------


def _utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as [local midnight of start, local midnight after end) — stored times are UTC."""
    return (datetime.combine(start, time(), LOCAL_TZ),
            datetime.combine(end + timedelta(days=1), time(), LOCAL_TZ))


@dataclass(frozen=True)
class ModeRow:
    mode: str
    selections: int
    completions: int
    hours: float


def by_delivery_mode(start: date, end: date) -> list[ModeRow]:
    """Enrolments requested, completions and credited hours in the period, per delivery mode."""
    since, until = _utc_bounds(start, end)
    requested = sa.and_(Enrollment.requested_at >= since, Enrollment.requested_at < until)
    completed = sa.and_(Enrollment.outcome == "completed", Enrollment.completed_at >= since,
                        Enrollment.completed_at < until)
    rows = db.session.execute(
        sa.select(Course.delivery_mode, sa.func.sum(sa.case((requested, 1), else_=0)),
                  sa.func.sum(sa.case((completed, 1), else_=0)),
                  sa.func.sum(sa.case((completed, Enrollment.digital_hours + Enrollment.physical_hours), else_=0)))
        .select_from(Enrollment).join(ClassRun, Enrollment.run_id == ClassRun.id)
        .join(Course, Course.id == ClassRun.course_id).where(sa.or_(requested, completed))
        .group_by(Course.delivery_mode)).all()
    found = {mode: ModeRow(mode, int(s or 0), int(c or 0), round(float(h or 0), 1)) for mode, s, c, h in rows}
    return [found.get(mode, ModeRow(mode, 0, 0, 0.0)) for mode in DELIVERY_MODES]


@dataclass(frozen=True)
class LedgerTotals:
    people: int
    records: int
    hours: float
    digital_hours: float
    physical_hours: float


def ledger_totals(start: date, end: date) -> LedgerTotals:
    """Hours credited in the period from every source (classes, the e-learning portal, external)."""
    lr = LearningRecord
    row = db.session.execute(
        sa.select(sa.func.count(sa.distinct(lr.employee_id)), sa.func.count(lr.id),
                  sa.func.coalesce(sa.func.sum(lr.hours), 0), sa.func.coalesce(sa.func.sum(lr.digital_hours), 0),
                  sa.func.coalesce(sa.func.sum(lr.physical_hours), 0))
        .where(lr.completed_on.between(start, end), lr.status != REJECTED)).one()
    return LedgerTotals(int(row[0]), int(row[1]), round(float(row[2]), 1), round(float(row[3]), 1),
                        round(float(row[4]), 1))


def run_fill_query(start: date, end: date) -> sa.Select:
    """Runs starting in the period (not cancelled): capacity, seats taken, waitlist, fill rate."""
    seated = sa.func.sum(sa.case((Enrollment.status == "seated", 1), else_=0))
    waiting = sa.func.sum(sa.case((Enrollment.status == "waitlisted", 1), else_=0))
    return (sa.select(ClassRun.id, ClassRun.code, Course.title_zh, Course.title_en, Course.delivery_mode,
                      ClassRun.starts_on, ClassRun.capacity, sa.func.coalesce(seated, 0).label("seated"),
                      sa.func.coalesce(waiting, 0).label("waitlisted"))
            .select_from(ClassRun).join(Course, Course.id == ClassRun.course_id)
            .outerjoin(Enrollment, Enrollment.run_id == ClassRun.id)
            .where(ClassRun.starts_on.between(start, end), ClassRun.status != "cancelled")
            .group_by(ClassRun.id, ClassRun.code, Course.title_zh, Course.title_en, Course.delivery_mode,
                      ClassRun.starts_on, ClassRun.capacity)
            .order_by(ClassRun.starts_on, ClassRun.code))


@dataclass(frozen=True)
class FillSummary:
    runs: int
    capacity: int
    seated: int
    waitlisted: int
    runs_with_waitlist: int
    buckets: dict[str, int]   # fill-rate bands -> number of runs

    @property
    def rate(self) -> float:
        return round(100 * self.seated / self.capacity, 1) if self.capacity else 0.0


FILL_BANDS = ("<50%", "50–79%", "80–99%", "100%")


def fill_summary(start: date, end: date) -> FillSummary:
    runs = run_fill_query(start, end).subquery("runs")
    share = sa.cast(runs.c.seated, sa.Float) / sa.func.nullif(runs.c.capacity, 0)
    band = sa.case((share >= 1, 3), (share >= 0.8, 2), (share >= 0.5, 1), else_=0)
    rows = db.session.execute(
        sa.select(band, sa.func.count(), sa.func.sum(runs.c.capacity), sa.func.sum(runs.c.seated),
                  sa.func.sum(runs.c.waitlisted), sa.func.sum(sa.case((runs.c.waitlisted > 0, 1), else_=0)))
        .group_by(band)).all()
    buckets = dict.fromkeys(FILL_BANDS, 0)
    totals = [0, 0, 0, 0, 0]
    for b, count, capacity, seated, waitlisted, with_waitlist in rows:
        buckets[FILL_BANDS[int(b)]] = int(count)
        for k, value in enumerate((count, capacity, seated, waitlisted, with_waitlist)):
            totals[k] += int(value or 0)
    return FillSummary(*totals, buckets=buckets)


@dataclass(frozen=True)
class SurveySummary:
    responses: int
    satisfaction: float | None
    usefulness: float | None
    follow_ups: int
    improved: int

    @property
    def improved_rate(self) -> float | None:
        return round(100 * self.improved / self.follow_ups, 1) if self.follow_ups else None


def survey_summary(start: date, end: date) -> SurveySummary:
    since, until = _utc_bounds(start, end)
    reaction = db.session.execute(
        sa.select(sa.func.count(ReactionResponse.id), sa.func.avg(ReactionResponse.satisfaction),
                  sa.func.avg(ReactionResponse.usefulness))
        .where(ReactionResponse.created_at >= since, ReactionResponse.created_at < until)).one()
    follow = db.session.execute(
        sa.select(sa.func.count(FollowUpSurvey.id),
                  sa.func.sum(sa.case((FollowUpSurvey.improved.is_(True), 1), else_=0)))
        .where(FollowUpSurvey.answered_at >= since, FollowUpSurvey.answered_at < until)).one()

    def avg(value):
        return round(float(value), 2) if value is not None else None

    return SurveySummary(int(reaction[0]), avg(reaction[1]), avg(reaction[2]), int(follow[0]), int(follow[1] or 0))
