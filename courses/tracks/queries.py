"""Read side of the tracks: the catalogue of tracks, an employee's memberships, holdings, exams and licences,
the evidence that the rules look at (loaded set-based for any number of employees), progress per level,
the exam's attendance check, and the reports (holders, close, lapsing) within an agency scope."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import selectinload

from courses.catalogue.models import Course, Topic, course_topics
from courses.enrollment.models import Enrollment
from courses.scheduling.models import LOCAL_TZ, ClassRun
from courses.tracks import rules
from courses.tracks.models import (Track, TrackExamResult, TrackHolding, TrackLevel, TrackLicence, TrackMembership,
                                   TrackRequirement)
from lms.agencies.models import Agency
from lms.auth.permissions import Scope
from lms.db import utcnow
from lms.extensions import db
from lms.people.models import Employee

TIMED_MODES = ("in_person", "remote")


def local_today() -> date:
    return utcnow().astimezone(LOCAL_TZ).date()


def _levels_loaded():
    return selectinload(Track.levels).selectinload(TrackLevel.requirements)


def tracks(active_only: bool = True) -> list[Track]:
    stmt = db.select(Track).options(_levels_loaded()).order_by(Track.sort_order, Track.code)
    if active_only:
        stmt = stmt.where(Track.active.is_(True))
    return list(db.session.execute(stmt).scalars())


def get_track(code: str) -> Track | None:
    return db.session.execute(db.select(Track).options(_levels_loaded()).filter_by(code=code)).scalar_one_or_none()


def get_level(level_id: int) -> TrackLevel | None:
    return db.session.get(TrackLevel, level_id)


def get_requirement(requirement_id: int) -> TrackRequirement | None:
    return db.session.get(TrackRequirement, requirement_id)


def get_holding(holding_id: int) -> TrackHolding | None:
    return db.session.get(TrackHolding, holding_id)


def get_licence(licence_id: int) -> TrackLicence | None:
    return db.session.get(TrackLicence, licence_id)


def course_by_code(code: str) -> Course | None:
    return db.session.execute(db.select(Course).filter_by(code=code)).scalar_one_or_none()


def membership(track_id: int, employee_id: int) -> TrackMembership | None:
    return db.session.execute(db.select(TrackMembership).filter_by(track_id=track_id, employee_id=employee_id)
                              ).scalar_one_or_none()


def memberships_of(employee_id: int) -> list[TrackMembership]:
    return list(db.session.execute(db.select(TrackMembership).filter_by(employee_id=employee_id)
                                   .order_by(TrackMembership.joined_at)).scalars())


def holdings_of(employee_id: int) -> list[TrackHolding]:
    return list(db.session.execute(db.select(TrackHolding).filter_by(employee_id=employee_id)
                                   .order_by(TrackHolding.awarded_on)).scalars())


def holding(level_id: int, employee_id: int) -> TrackHolding | None:
    return db.session.execute(db.select(TrackHolding).filter_by(level_id=level_id, employee_id=employee_id)
                              ).scalar_one_or_none()


def exam_results_of(employee_id: int) -> list[TrackExamResult]:
    return list(db.session.execute(db.select(TrackExamResult).filter_by(employee_id=employee_id)
                                   .order_by(TrackExamResult.taken_on.desc(), TrackExamResult.id.desc())).scalars())


def licences_of(employee_id: int) -> list[TrackLicence]:
    return list(db.session.execute(db.select(TrackLicence).filter_by(employee_id=employee_id)
                                   .order_by(TrackLicence.expires_on.desc())).scalars())


def licence_by_number(number: str) -> TrackLicence | None:
    return db.session.execute(db.select(TrackLicence).filter_by(number=number)).scalar_one_or_none()


# --- evidence ------------------------------------------------------------------------------------------


def evidence_for(employees, today: date) -> dict[int, rules.Evidence]:
    """Evidence per employee for `employees` (a list of ids or a SELECT of ids): five queries in all."""
    ids = employees if not isinstance(employees, (list, tuple, set)) else list(employees)
    found: dict[int, rules.Evidence] = defaultdict(rules.Evidence)
    rows = db.session.execute(
        db.select(Enrollment.employee_id, ClassRun.course_id, Enrollment.completed_at, ClassRun.ends_on,
                  Enrollment.digital_hours + Enrollment.physical_hours)
        .join(ClassRun, Enrollment.run_id == ClassRun.id)
        .where(Enrollment.outcome == "completed", Enrollment.employee_id.in_(ids))).all()
    course_ids = {row[1] for row in rows}
    topics: dict[int, set[str]] = defaultdict(set)
    if course_ids:
        for course_id, code in db.session.execute(
                db.select(course_topics.c.course_id, Topic.code).join(Topic, Topic.id == course_topics.c.topic_id)
                .where(course_topics.c.course_id.in_(course_ids))):
            topics[course_id].add(code)
    for employee_id, course_id, completed_at, ends_on, hours in rows:
        on = completed_at.astimezone(LOCAL_TZ).date() if completed_at else ends_on
        found[employee_id].completions.append(
            rules.Completion(course_id, on, float(hours or 0), frozenset(topics[course_id])))
    for employee_id, requirement_id in db.session.execute(
            db.select(TrackExamResult.employee_id, TrackExamResult.requirement_id)
            .where(TrackExamResult.passed.is_(True), TrackExamResult.employee_id.in_(ids))):
        found[employee_id].passed_exams.add(requirement_id)
    for licence in db.session.execute(db.select(TrackLicence.employee_id, TrackLicence.kind, TrackLicence.level,
                                                TrackLicence.expires_on, TrackLicence.number)
                                      .where(TrackLicence.employee_id.in_(ids))):
        found[licence[0]].licences.append(rules.Licence(*licence[1:]))
    for employee_id, level_id in db.session.execute(
            db.select(TrackHolding.employee_id, TrackHolding.level_id)
            .where(TrackHolding.employee_id.in_(ids), TrackHolding.status == "active",
                   db.or_(TrackHolding.valid_until.is_(None), TrackHolding.valid_until >= today))):
        found[employee_id].active_levels.add(level_id)
    return found


@dataclass(frozen=True)
class LevelView:
    level: TrackLevel
    progress: rules.LevelProgress
    holding: TrackHolding | None


def track_progress(track: Track, employee_id: int, today: date | None = None) -> list[LevelView]:
    today = today or local_today()
    evidence = evidence_for([employee_id], today).get(employee_id, rules.Evidence())
    held = {h.level_id: h for h in holdings_of(employee_id)}
    return [LevelView(level, rules.level_progress(level, evidence, today), held.get(level.id))
            for level in track.levels]


# --- the exam's attendance check -----------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingAttendance:
    enrollment: Enrollment
    scheduled_minutes: int
    attended_minutes: int


def training_attendance(employee_id: int, course_id: int) -> TrainingAttendance | None:
    """The latest seated enrolment of the employee in a run of the course, with its timed minutes."""
    from courses.attendance.queries import minutes_by_mode

    enrollment = db.session.execute(
        db.select(Enrollment).join(ClassRun, Enrollment.run_id == ClassRun.id)
        .where(Enrollment.employee_id == employee_id, ClassRun.course_id == course_id,
               Enrollment.status == "seated")
        .order_by(ClassRun.starts_on.desc(), Enrollment.id.desc()).limit(1)).scalar_one_or_none()
    if enrollment is None:
        return None
    scheduled = sum(int(s.duration.total_seconds() // 60) for s in enrollment.run.sessions if s.mode in TIMED_MODES)
    attended = minutes_by_mode([enrollment.id])[enrollment.id]
    return TrainingAttendance(enrollment, scheduled, sum(attended.get(m, 0) for m in TIMED_MODES))


# --- reports ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolderRow:
    holding: TrackHolding
    track: Track
    employee: Employee
    agency: Agency


@dataclass(frozen=True)
class CloseRow:
    employee: Employee
    level: TrackLevel
    progress: rules.LevelProgress


def _scoped(stmt, scope: Scope):
    clause = scope.clause(Agency.path)
    return stmt if clause is None else stmt.where(clause)


def holders(scope: Scope, track_id: int | None = None, lapsing_by: date | None = None,
            today: date | None = None) -> list[HolderRow]:
    """Holdings of staff in scope; with `lapsing_by`, only active ones expiring between today and that day."""
    stmt = (db.select(TrackHolding, Track, Employee, Agency)
            .join(TrackLevel, TrackHolding.level_id == TrackLevel.id).join(Track, TrackLevel.track_id == Track.id)
            .join(Employee, TrackHolding.employee_id == Employee.id).join(Agency, Employee.agency_id == Agency.id)
            .order_by(Agency.path, Track.sort_order, TrackLevel.rank, Employee.staff_no))
    if track_id is not None:
        stmt = stmt.where(Track.id == track_id)
    if lapsing_by is not None:
        stmt = stmt.where(TrackHolding.status == "active", TrackHolding.valid_until.is_not(None),
                          TrackHolding.valid_until >= (today or local_today()), TrackHolding.valid_until <= lapsing_by)
    return [HolderRow(*row) for row in db.session.execute(_scoped(stmt, scope))]


def close_to_award(scope: Scope, today: date, track_id: int | None = None) -> list[CloseRow]:
    """Members in scope close to a level they do not hold (rules.is_close)."""
    members = (db.select(TrackMembership.employee_id).join(Employee, TrackMembership.employee_id == Employee.id)
               .join(Agency, Employee.agency_id == Agency.id))
    if track_id is not None:
        members = members.where(TrackMembership.track_id == track_id)
    members = _scoped(members, scope)
    pairs = db.session.execute(
        db.select(TrackMembership, Employee).join(Employee, TrackMembership.employee_id == Employee.id)
        .where(TrackMembership.employee_id.in_(members)).order_by(Employee.staff_no)).all()
    if not pairs:
        return []
    evidence = evidence_for(members, today)
    by_track = {t.id: t for t in tracks(active_only=False)}
    rows = []
    for member, employee in pairs:
        if track_id is not None and member.track_id != track_id:
            continue
        found = evidence.get(employee.id, rules.Evidence())
        for level in by_track[member.track_id].levels:
            if level.id in found.active_levels:
                continue
            progress = rules.level_progress(level, found, today)
            if rules.is_close(progress):
                rows.append(CloseRow(employee, level, progress))
    return rows


@dataclass
class AgencyCounts:
    agency: Agency
    holders: int = 0
    close: int = 0
    lapsing: int = 0


def per_agency(held: list[HolderRow], close: list[CloseRow], lapsing: list[HolderRow]) -> list[AgencyCounts]:
    counts: dict[int, AgencyCounts] = {}

    def bump(agency: Agency, name: str) -> None:
        entry = counts.setdefault(agency.id, AgencyCounts(agency))
        setattr(entry, name, getattr(entry, name) + 1)

    for row in held:
        if row.holding.status == "active":
            bump(row.agency, "holders")
    for row in close:
        bump(row.employee.agency, "close")
    for row in lapsing:
        bump(row.agency, "lapsing")
    return sorted(counts.values(), key=lambda c: c.agency.path)


def holdings_expiring(today: date, within_days: int) -> list[TrackHolding]:
    return list(db.session.execute(
        db.select(TrackHolding).where(TrackHolding.status == "active", TrackHolding.valid_until.is_not(None),
                                      TrackHolding.valid_until >= today,
                                      TrackHolding.valid_until <= today + timedelta(days=within_days))
        .order_by(TrackHolding.id)).scalars())


def holdings_past_expiry(today: date) -> list[TrackHolding]:
    return list(db.session.execute(
        db.select(TrackHolding).where(TrackHolding.status == "active", TrackHolding.valid_until < today)
        .order_by(TrackHolding.id)).scalars())


def reminded_thresholds(holding_ids: list[int]) -> set[tuple[int, int, date]]:
    from courses.tracks.models import TrackReminder

    if not holding_ids:
        return set()
    return set(db.session.execute(db.select(TrackReminder.holding_id, TrackReminder.threshold,
                                            TrackReminder.valid_until)
                                  .where(TrackReminder.holding_id.in_(holding_ids))).all())
