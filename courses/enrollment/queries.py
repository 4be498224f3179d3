"""Read side of enrolment: seat counts, the waitlist, eligibility look-ups, the learner's own list,
rosters, the supervisors' approval queue, no-show history."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import selectinload

from courses.catalogue.models import Course
from courses.enrollment.models import Enrollment, RunPolicy
from courses.scheduling.models import LOCAL_TZ, ClassRun, ClassSession
from lms.agencies.models import Agency, subtree_clause
from lms.extensions import db
from lms.people.models import Employee

# Sessions that occupy a person at a fixed time (online pre-work is done whenever suits them).
TIMED_MODES = ("in_person", "remote")
HOLDING = ("seated", "pending")


def get_enrollment(enrollment_id: int) -> Enrollment | None:
    return db.session.get(Enrollment, enrollment_id)


def get_policy(run_id: int) -> RunPolicy | None:
    return db.session.get(RunPolicy, run_id)


def enrollment_for(run_id: int, employee_id: int) -> Enrollment | None:
    return db.session.execute(db.select(Enrollment).filter_by(run_id=run_id, employee_id=employee_id)
                              ).scalar_one_or_none()


def _count(*where) -> int:
    return db.session.execute(db.select(db.func.count(Enrollment.id)).where(*where)).scalar_one()


def seated_count(run_id: int) -> int:
    return _count(Enrollment.run_id == run_id, Enrollment.status == "seated")


def status_counts(run_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {run_id: {} for run_id in run_ids}
    if run_ids:
        stmt = (db.select(Enrollment.run_id, Enrollment.status, db.func.count(Enrollment.id))
                .where(Enrollment.run_id.in_(run_ids)).group_by(Enrollment.run_id, Enrollment.status))
        for run_id, status, n in db.session.execute(stmt):
            counts[run_id][status] = n
    return counts


def seated_in_agency(run_id: int, agency_path: str) -> int:
    stmt = (db.select(db.func.count(Enrollment.id)).join(Employee, Enrollment.employee_id == Employee.id)
            .join(Agency, Employee.agency_id == Agency.id)
            .where(Enrollment.run_id == run_id, Enrollment.status == "seated", subtree_clause(Agency.path, agency_path)))
    return db.session.execute(stmt).scalar_one()


def waitlist(run_id: int) -> list[Enrollment]:
    return list(db.session.execute(db.select(Enrollment).filter_by(run_id=run_id, status="waitlisted")
                                   .order_by(Enrollment.seq)).scalars())


def waitlist_position(enrollment: Enrollment) -> int:
    return _count(Enrollment.run_id == enrollment.run_id, Enrollment.status == "waitlisted",
                  Enrollment.seq <= enrollment.seq)


def completed_course_ids(employee_id: int, course_ids: list[int]) -> set[int]:
    if not course_ids:
        return set()
    stmt = (db.select(ClassRun.course_id).join(Enrollment, Enrollment.run_id == ClassRun.id)
            .where(Enrollment.employee_id == employee_id, Enrollment.outcome == "completed",
                   ClassRun.course_id.in_(course_ids)))
    return set(db.session.execute(stmt).scalars())


def missing_prerequisites(course: Course, employee_id: int) -> list[Course]:
    done = completed_course_ids(employee_id, [c.id for c in course.prerequisites])
    return [c for c in course.prerequisites if c.id not in done]


def _timed_sessions(run_ids: list[int]) -> dict[int, list[tuple[datetime, datetime]]]:
    spans: dict[int, list[tuple[datetime, datetime]]] = {run_id: [] for run_id in run_ids}
    stmt = (db.select(ClassSession.run_id, ClassSession.starts_at, ClassSession.ends_at)
            .where(ClassSession.run_id.in_(run_ids), ClassSession.mode.in_(TIMED_MODES)))
    for run_id, starts_at, ends_at in db.session.execute(stmt):
        spans[run_id].append((starts_at, ends_at))
    return spans


def overlapping_run(run: ClassRun, employee_id: int) -> ClassRun | None:
    """A run the person already holds (seat or pending request) whose days overlap this one's: by the
    sessions' times when both runs have timed sessions, else by their dates."""
    candidates = list(db.session.execute(
        db.select(ClassRun).join(Enrollment, Enrollment.run_id == ClassRun.id)
        .where(Enrollment.employee_id == employee_id, Enrollment.status.in_(HOLDING), ClassRun.id != run.id,
               ClassRun.status != "cancelled", ClassRun.starts_on <= run.ends_on, ClassRun.ends_on >= run.starts_on)
        .order_by(ClassRun.starts_on)).scalars().unique())
    if not candidates:
        return None
    spans = _timed_sessions([run.id] + [c.id for c in candidates])
    mine = spans[run.id]
    for other in candidates:
        theirs = spans[other.id]
        if not mine or not theirs:
            return other
        if any(a_start < b_end and b_start < a_end for a_start, a_end in mine for b_start, b_end in theirs):
            return other
    return None


def supervisors_of(employee: Employee) -> list[Employee]:
    """The nearest supervisors: those of the person's own unit, else of the closest unit above it."""
    agency = employee.agency
    while agency is not None:
        found = list(db.session.execute(
            db.select(Employee).where(Employee.agency_id == agency.id, Employee.is_supervisor.is_(True),
                                      Employee.is_active.is_(True), Employee.id != employee.id)
            .order_by(Employee.id)).scalars())
        if found:
            return found
        agency = agency.parent
    return []


def overdue_request_ids(now: datetime) -> list[int]:
    return list(db.session.execute(db.select(Enrollment.id).where(
        Enrollment.status == "pending", Enrollment.approval_due_at < now).order_by(Enrollment.id)).scalars())


def _first_classroom(run_ids: list[int]) -> dict[int, datetime]:
    if not run_ids:
        return {}
    stmt = (db.select(ClassSession.run_id, db.func.min(ClassSession.starts_at))
            .where(ClassSession.run_id.in_(run_ids), ClassSession.mode == "in_person")
            .group_by(ClassSession.run_id))
    return {run_id: first for run_id, first in db.session.execute(stmt)}


def runs_in_prework_window(today: date, now: datetime) -> list[int]:
    """Blended runs whose pre-work deadline (N days before the first classroom session) has come, whose
    classroom has not started yet, and that still seat someone without the pre-work done."""
    stmt = (db.select(ClassRun.id, RunPolicy.online_required, RunPolicy.prework_days_before)
            .join(Course, ClassRun.course_id == Course.id)
            .outerjoin(RunPolicy, RunPolicy.run_id == ClassRun.id)
            .where(Course.delivery_mode == "blended", ClassRun.status.not_in(("cancelled", "finished")),
                   ClassRun.id.in_(db.select(Enrollment.run_id).where(Enrollment.status == "seated",
                                                                      Enrollment.prework_done_at.is_(None)))))
    rows = list(db.session.execute(stmt))
    firsts = _first_classroom([r[0] for r in rows])
    due = []
    for run_id, online_required, days_before in rows:
        first = firsts.get(run_id)
        if online_required is False or first is None or first <= now:
            continue
        deadline = first.astimezone(LOCAL_TZ).date() - timedelta(days=3 if days_before is None else days_before)
        if today >= deadline:
            due.append(run_id)
    return due


def seated_without_prework(run_id: int) -> list[Enrollment]:
    return list(db.session.execute(db.select(Enrollment).filter_by(run_id=run_id, status="seated")
                                   .where(Enrollment.prework_done_at.is_(None)).order_by(Enrollment.seq)).scalars())


def employees_by_staff_no(numbers: list[str]) -> dict[str, Employee]:
    if not numbers:
        return {}
    return {e.staff_no: e for e in db.session.execute(
        db.select(Employee).where(Employee.staff_no.in_(list(set(numbers))))).scalars()}


def for_employee(employee_id: int) -> list[Enrollment]:
    stmt = (db.select(Enrollment).where(Enrollment.employee_id == employee_id)
            .options(selectinload(Enrollment.run).selectinload(ClassRun.sessions))
            .order_by(Enrollment.requested_at.desc()))
    return list(db.session.execute(stmt).scalars().unique())


def roster(run_id: int, statuses: tuple[str, ...] | None = None) -> list[Enrollment]:
    stmt = db.select(Enrollment).where(Enrollment.run_id == run_id)
    if statuses:
        stmt = stmt.where(Enrollment.status.in_(statuses))
    return list(db.session.execute(stmt.order_by(Enrollment.seq)).scalars())


def approval_queue(scope) -> list[Enrollment]:
    stmt = (db.select(Enrollment).join(Employee, Enrollment.employee_id == Employee.id)
            .join(Agency, Employee.agency_id == Agency.id).where(Enrollment.status == "pending"))
    clause = scope.clause(Agency.path)
    if clause is not None:
        stmt = stmt.where(clause)
    return list(db.session.execute(stmt.order_by(Enrollment.approval_due_at, Enrollment.id)).scalars())


def no_show_counts(employee_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per person: (runs they were seated in and did not come to, runs with a recorded result)."""
    if not employee_ids:
        return {}
    stmt = (db.select(Enrollment.employee_id,
                      db.func.sum(db.case((Enrollment.no_show.is_(True), 1), else_=0)),
                      db.func.count(Enrollment.id))
            .where(Enrollment.employee_id.in_(employee_ids), Enrollment.outcome.is_not(None))
            .group_by(Enrollment.employee_id))
    return {employee_id: (int(no_shows or 0), int(total)) for employee_id, no_shows, total in db.session.execute(stmt)}


def open_runs(today: date, limit: int = 100) -> list[ClassRun]:
    stmt = (db.select(ClassRun).where(ClassRun.status == "open", ClassRun.ends_on >= today)
            .order_by(ClassRun.starts_on, ClassRun.code).limit(limit))
    return [r for r in db.session.execute(stmt).scalars() if r.enrolment_open_on(today)]


def sessions_on(day: date) -> list[ClassSession]:
    """Timed sessions of live runs on a Taipei calendar day, the first of each run only."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ)
    stmt = (db.select(ClassSession).join(ClassRun, ClassSession.run_id == ClassRun.id)
            .where(ClassSession.starts_at >= start, ClassSession.starts_at < start + timedelta(days=1),
                   ClassSession.mode.in_(TIMED_MODES), ClassRun.status.not_in(("cancelled", "finished")))
            .order_by(ClassSession.starts_at))
    first: dict[int, ClassSession] = {}
    for session in db.session.execute(stmt).scalars():
        first.setdefault(session.run_id, session)
    return list(first.values())


def booked_employees(run_id: int) -> list[Employee]:
    """Everyone holding a seat, a place on the waitlist or a pending request: the people a run change concerns."""
    return list(db.session.execute(
        db.select(Employee).join(Enrollment, Enrollment.employee_id == Employee.id)
        .where(Enrollment.run_id == run_id, Enrollment.status.in_(("pending", "seated", "waitlisted")))
        .order_by(Enrollment.seq)).scalars())
