"""Read side of scheduling: runs and sessions for pages, clash look-ups, the annual plan's totals."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import selectinload

from courses.catalogue.models import Category, Course
from courses.enrollment.models import Enrollment
from courses.scheduling.models import (CalendarToken, ClassRun, ClassSession, Instructor, Room, Venue,
                                       session_instructors)
from lms.extensions import db


def run_count_for_course(course_id: int) -> int:
    return db.session.execute(
        db.select(db.func.count(ClassRun.id)).where(ClassRun.course_id == course_id)).scalar_one()


def get_run(run_id: int) -> ClassRun | None:
    return db.session.get(ClassRun, run_id)


def get_session(session_id: int) -> ClassSession | None:
    return db.session.get(ClassSession, session_id)


def get_venue(venue_id: int) -> Venue | None:
    return db.session.get(Venue, venue_id)


def get_instructor(instructor_id: int) -> Instructor | None:
    return db.session.get(Instructor, instructor_id)


def list_venues() -> list[Venue]:
    return list(db.session.execute(db.select(Venue).order_by(Venue.name_zh)).scalars())


def list_rooms() -> list[Room]:
    return list(db.session.execute(db.select(Room).join(Venue).order_by(Venue.name_zh, Room.name)).scalars())


def list_instructors() -> list[Instructor]:
    return list(db.session.execute(db.select(Instructor).order_by(Instructor.name_zh)).scalars())


def runs_with_sessions(stmt):
    """Runs with their course, sessions, rooms and instructors loaded in a fixed number of queries."""
    return list(db.session.execute(
        stmt.options(selectinload(ClassRun.sessions).selectinload(ClassSession.instructors))
    ).scalars().unique())


def runs_for_course(course_id: int, from_day: date | None = None, include_cancelled: bool = False):
    stmt = db.select(ClassRun).where(ClassRun.course_id == course_id)
    if from_day is not None:
        stmt = stmt.where(ClassRun.ends_on >= from_day)
    if not include_cancelled:
        stmt = stmt.where(ClassRun.status != "cancelled")
    return runs_with_sessions(stmt.order_by(ClassRun.starts_on, ClassRun.term))


def runs_for_year(year: int):
    return runs_with_sessions(db.select(ClassRun).where(ClassRun.year == year)
                              .order_by(ClassRun.starts_on, ClassRun.code))


def next_term(course_id: int, year: int) -> int:
    highest = db.session.execute(db.select(db.func.max(ClassRun.term))
                                 .where(ClassRun.course_id == course_id, ClassRun.year == year)).scalar()
    return (highest or 0) + 1


def _live_overlaps(starts_at: datetime, ends_at: datetime, exclude_session_id: int | None):
    # Half-open intervals: a session ending at 12:00 does not clash with one starting at 12:00.
    stmt = (db.select(ClassSession).join(ClassRun, ClassSession.run_id == ClassRun.id)
            .where(ClassSession.starts_at < ends_at, ClassSession.ends_at > starts_at,
                   ClassRun.status != "cancelled"))
    if exclude_session_id is not None:
        stmt = stmt.where(ClassSession.id != exclude_session_id)
    return stmt


def room_clashes(room_id: int, starts_at: datetime, ends_at: datetime,
                 exclude_session_id: int | None = None) -> list[ClassSession]:
    stmt = _live_overlaps(starts_at, ends_at, exclude_session_id).where(ClassSession.room_id == room_id)
    return list(db.session.execute(stmt.order_by(ClassSession.starts_at)).scalars())


def instructor_clashes(instructor_ids, starts_at: datetime, ends_at: datetime,
                       exclude_session_id: int | None = None) -> list[tuple[int, ClassSession]]:
    if not instructor_ids:
        return []
    stmt = (_live_overlaps(starts_at, ends_at, exclude_session_id)
            .join(session_instructors, session_instructors.c.session_id == ClassSession.id)
            .where(session_instructors.c.instructor_id.in_(list(instructor_ids)))
            .add_columns(session_instructors.c.instructor_id)
            .order_by(ClassSession.starts_at))
    return [(instructor_id, s) for s, instructor_id in db.session.execute(stmt)]


def sessions_for_instructor(instructor_id: int) -> list[ClassSession]:
    stmt = (db.select(ClassSession).join(session_instructors)
            .where(session_instructors.c.instructor_id == instructor_id)
            .options(selectinload(ClassSession.run)).order_by(ClassSession.starts_at))
    return list(db.session.execute(stmt).scalars())


def calendar_token_for(employee_id: int) -> CalendarToken | None:
    return db.session.execute(db.select(CalendarToken).filter_by(employee_id=employee_id)).scalar_one_or_none()


def calendar_token_by_hash(token_hash: str) -> CalendarToken | None:
    return db.session.execute(db.select(CalendarToken).filter_by(token_hash=token_hash)).scalar_one_or_none()


def sessions_for_learner(employee_id: int) -> list[ClassSession]:
    """The sessions of every run the person has a seat in (正取), cancelled runs left out."""
    stmt = (db.select(ClassSession).join(ClassRun, ClassSession.run_id == ClassRun.id)
            .join(Enrollment, Enrollment.run_id == ClassRun.id)
            .where(Enrollment.employee_id == employee_id, Enrollment.status == "seated",
                   ClassRun.status != "cancelled")
            .options(selectinload(ClassSession.run), selectinload(ClassSession.instructors))
            .order_by(ClassSession.starts_at))
    return list(db.session.execute(stmt).scalars())


def sessions_for_venue(venue_id: int) -> list[ClassSession]:
    stmt = (db.select(ClassSession).join(Room, ClassSession.room_id == Room.id).where(Room.venue_id == venue_id)
            .options(selectinload(ClassSession.run), selectinload(ClassSession.instructors))
            .order_by(ClassSession.starts_at))
    return list(db.session.execute(stmt).scalars())


@dataclass
class PlanCell:
    runs: int = 0
    days: int = 0
    seats: int = 0

    def add(self, runs: int, days: int, seats: int) -> None:
        self.runs += runs
        self.days += days
        self.seats += seats


@dataclass
class AnnualPlan:
    year: int
    categories: list[Category]
    cells: dict[tuple[int, int], PlanCell] = field(default_factory=dict)   # (month, category id)
    by_month: dict[int, PlanCell] = field(default_factory=lambda: defaultdict(PlanCell))
    by_category: dict[int, PlanCell] = field(default_factory=lambda: defaultdict(PlanCell))
    total: PlanCell = field(default_factory=PlanCell)


def annual_plan(year: int) -> AnnualPlan:
    """The year's runs grouped by start month and category (cancelled runs are left out), in one query."""
    month = db.extract("month", ClassRun.starts_on)
    stmt = (db.select(month, Course.category_id, db.func.count(ClassRun.id), db.func.sum(ClassRun.days),
                      db.func.sum(ClassRun.capacity))
            .join(Course, ClassRun.course_id == Course.id)
            .where(ClassRun.year == year, ClassRun.status != "cancelled")
            .group_by(month, Course.category_id))
    plan = AnnualPlan(year, list(db.session.execute(db.select(Category).order_by(Category.sort_order,
                                                                                  Category.code)).scalars()))
    for month_no, category_id, runs, days, seats in db.session.execute(stmt):
        month_no = int(month_no)
        values = (runs or 0, int(days or 0), int(seats or 0))
        plan.cells.setdefault((month_no, category_id), PlanCell()).add(*values)
        plan.by_month[month_no].add(*values)
        plan.by_category[category_id].add(*values)
        plan.total.add(*values)
    return plan
