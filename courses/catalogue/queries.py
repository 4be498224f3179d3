"""Read side of the catalogue: the learners' search (set-based, paged), seats left on a course's runs, and
look-ups for forms."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import lazyload

from courses.catalogue.models import Category, Course, Topic, course_topics, search_key
from courses.enrollment import queries as enrollment_queries
from courses.scheduling.models import ClassRun, ClassSession
from lms.agencies.models import Agency
from lms.extensions import db
from lms.people.queries import Page  # the platform's one page-of-results type

PAGE_SIZE = 20


@dataclass(frozen=True)
class CatalogueFilters:
    text: str = ""
    category: str = ""
    mode: str = ""
    month: int | None = None          # runs starting in this month of `year`
    year: int | None = None
    max_hours: float | None = None
    min_hours: float | None = None
    topic: str = ""
    open_only: bool = False
    include_archived: bool = False


@dataclass(frozen=True)
class Seats:
    capacity: int
    seated: int = 0
    waitlisted: int = 0

    @property
    def left(self) -> int:
        # Waitlisted people hold no seat (an agency quota can waitlist someone while seats are free), and a
        # request waiting for a supervisor takes a seat only if one is still free when approved.
        return max(0, self.capacity - self.seated)


@dataclass(frozen=True)
class CourseRow:
    course: Course
    next_run: ClassRun | None
    open_runs: int


def get_course(course_id: int) -> Course | None:
    return db.session.get(Course, course_id)


def get_course_by_code(code: str) -> Course | None:
    # Topics load when read: the course page reads them only when its cached parts are rendered again.
    stmt = db.select(Course).options(lazyload(Course.topics)).filter_by(code=code)
    return db.session.execute(stmt).scalar_one_or_none()


def first_course() -> Course | None:
    """The first course of the catalogue by code (archived ones aside), or None in an empty catalogue."""
    return db.session.scalars(db.select(Course).where(Course.archived.is_(False))
                              .order_by(Course.code).limit(1)).first()


def list_categories() -> list[Category]:
    return list(db.session.execute(db.select(Category).order_by(Category.sort_order, Category.code)).scalars())


def list_topics() -> list[Topic]:
    return list(db.session.execute(db.select(Topic).order_by(Topic.id)).scalars())


def list_agencies() -> list[Agency]:
    return list(db.session.execute(db.select(Agency).where(Agency.is_active.is_(True)).order_by(Agency.path))
                .scalars())


def _open_run_clause(today: date):
    return db.and_(ClassRun.status == "open",
                   db.or_(ClassRun.enrol_opens_on.is_(None), ClassRun.enrol_opens_on <= today),
                   db.or_(ClassRun.enrol_closes_on.is_(None), ClassRun.enrol_closes_on >= today))


def search_courses(filters: CatalogueFilters, today: date, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """Courses matching the filters, each with its next upcoming run, in three queries whatever the page size
    (two when every match fits on the first page)."""
    stmt = db.select(Course)
    if not filters.include_archived:
        stmt = stmt.where(Course.archived.is_(False))
    if filters.text.strip():
        # One case-folded column and a plain LIKE: the same matches as ILIKE on the five fields, for a
        # fraction of the work. The user's % and _ are literal characters, not wildcards.
        text = search_key(filters.text.strip()).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Course.search_text.like(f"%{text}%", escape="\\"))
    if filters.category:
        stmt = stmt.join(Category, Course.category_id == Category.id).where(Category.code == filters.category)
    if filters.mode:
        stmt = stmt.where(Course.delivery_mode == filters.mode)
    if filters.min_hours is not None:
        stmt = stmt.where(Course.credited_hours >= filters.min_hours)
    if filters.max_hours is not None:
        stmt = stmt.where(Course.credited_hours <= filters.max_hours)
    if filters.topic:
        stmt = stmt.where(Course.id.in_(db.select(course_topics.c.course_id).join(Topic)
                                        .where(Topic.code == filters.topic)))
    run_filter = [ClassRun.status != "cancelled"]
    if filters.month:
        year = filters.year or today.year
        first = date(year, filters.month, 1)
        after = date(year + filters.month // 12, filters.month % 12 + 1, 1)
        run_filter += [ClassRun.starts_on >= first, ClassRun.starts_on < after]
    if filters.open_only:
        run_filter.append(_open_run_clause(today))
    if filters.month or filters.open_only:
        stmt = stmt.where(Course.id.in_(db.select(ClassRun.course_id).where(*run_filter)))
    page = max(1, page)
    courses = list(db.session.execute(stmt.order_by(Course.code).limit(per_page).offset((page - 1) * per_page))
                   .scalars())
    if page == 1 and len(courses) < per_page:
        total = len(courses)  # the whole result fits on the first page: no count query (most searches)
    else:
        # Counting only ids keeps the count from reading every column (descriptions) of every match.
        total = db.session.execute(stmt.with_only_columns(db.func.count(Course.id)).order_by(None)).scalar_one()
    runs = _next_runs([c.id for c in courses], today)
    return Page([CourseRow(c, *runs.get(c.id, (None, 0))) for c in courses], total, page, per_page)


def _next_runs(course_ids: list[int], today: date) -> dict[int, tuple[ClassRun | None, int]]:
    """For each course: its next run that has not ended, and how many of its runs take enrolments today."""
    if not course_ids:
        return {}
    # The courses are in the session already: their runs need not join them (and their topics) again.
    upcoming = list(db.session.execute(
        db.select(ClassRun).options(lazyload(ClassRun.course))
        .where(ClassRun.course_id.in_(course_ids), ClassRun.ends_on >= today, ClassRun.status != "cancelled")
        .order_by(ClassRun.course_id, ClassRun.starts_on)).scalars())
    result: dict[int, tuple[ClassRun | None, int]] = {}
    for run in upcoming:
        first, count = result.get(run.course_id, (run, 0))
        result[run.course_id] = (first, count + (1 if run.enrolment_open_on(today) else 0))
    return result


def session_counts(run_ids: list[int]) -> dict[int, int]:
    if not run_ids:
        return {}
    return dict(db.session.execute(db.select(ClassSession.run_id, db.func.count(ClassSession.id))
                                   .where(ClassSession.run_id.in_(run_ids)).group_by(ClassSession.run_id)).all())


def seats_for_runs(runs) -> dict[int, Seats]:
    """Seats taken and waitlisted per run, in one grouped query whatever the number of runs."""
    counts = enrollment_queries.status_counts([run.id for run in runs])
    return {run.id: Seats(run.capacity, counts[run.id].get("seated", 0), counts[run.id].get("waitlisted", 0))
            for run in runs}
