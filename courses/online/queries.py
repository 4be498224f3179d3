"""Read side of online courses: the catalogue's online courses with their package and the learner's
registration, the editors' overview with learner counts, and one learner's progress per unit."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from courses.catalogue.models import Course
from courses.online.models import OnlinePackage, OnlineRegistration, UnitProgress
from lms.agencies.models import Agency
from lms.auth.permissions import Scope
from lms.extensions import db


def online_course(code: str) -> Course | None:
    return db.session.execute(sa.select(Course).where(Course.code == code, Course.delivery_mode == "online")
                              ).scalar_one_or_none()


def package_of(course_id: int) -> OnlinePackage | None:
    return db.session.execute(sa.select(OnlinePackage).options(selectinload(OnlinePackage.units))
                              .where(OnlinePackage.course_id == course_id)).scalar_one_or_none()


def get_package(package_id: int) -> OnlinePackage | None:
    return db.session.get(OnlinePackage, package_id)


def registration_of(employee_id: int | None, course_id: int) -> OnlineRegistration | None:
    if employee_id is None:
        return None
    return db.session.execute(sa.select(OnlineRegistration).options(selectinload(OnlineRegistration.progress))
                              .where(OnlineRegistration.course_id == course_id,
                                     OnlineRegistration.employee_id == employee_id)).scalar_one_or_none()


@dataclass(frozen=True)
class CourseRow:
    course: Course
    package: OnlinePackage | None
    registration: OnlineRegistration | None = None
    learners: int = 0
    satisfied: int = 0


def learner_courses(employee_id: int | None) -> list[CourseRow]:
    """Online courses that have a package, with the learner's registration (one query)."""
    reg = sa.orm.aliased(OnlineRegistration)
    rows = db.session.execute(
        sa.select(Course, OnlinePackage, reg)
        .join(OnlinePackage, OnlinePackage.course_id == Course.id)
        .outerjoin(reg, sa.and_(reg.course_id == Course.id, reg.employee_id == (employee_id or -1)))
        .where(Course.delivery_mode == "online", Course.archived.is_(False))
        .order_by(Course.code)).all()
    return [CourseRow(course, package, registration) for course, package, registration in rows]


def editor_courses(scope: Scope) -> list[CourseRow]:
    """Every online course in the editor's scope, its package and how many learners registered and finished."""
    counts = (sa.select(OnlineRegistration.course_id, sa.func.count().label("learners"),
                        sa.func.count(OnlineRegistration.satisfied_at).label("satisfied"))
              .group_by(OnlineRegistration.course_id).subquery())
    stmt = (sa.select(Course, OnlinePackage, sa.func.coalesce(counts.c.learners, 0),
                      sa.func.coalesce(counts.c.satisfied, 0))
            .join(Agency, Agency.id == Course.agency_id)
            .outerjoin(OnlinePackage, OnlinePackage.course_id == Course.id)
            .outerjoin(counts, counts.c.course_id == Course.id)
            .where(Course.delivery_mode == "online", Course.archived.is_(False)).order_by(Course.code))
    if (clause := scope.clause(Agency.path)) is not None:
        stmt = stmt.where(clause)
    return [CourseRow(course, package, None, learners, satisfied)
            for course, package, learners, satisfied in db.session.execute(stmt).all()]


def progress_by_unit(registration: OnlineRegistration | None) -> dict[int, UnitProgress]:
    return {p.unit_id: p for p in registration.progress} if registration is not None else {}
