"""Who may do what with online courses: the course's editors (training administrators city-wide, an
agency training officer for the courses their agency organises) upload packages and preview them;
staff take online courses and see the content only of courses they have registered for."""
from __future__ import annotations

from courses.catalogue.permissions import edits_course
from courses.online.models import OnlinePackage, OnlineRegistration
from lms.auth.models import User
from lms.auth.permissions import policy
from lms.extensions import db


def is_registered(user: User, course_id: int) -> bool:
    if user.employee_id is None:
        return False
    return db.session.execute(db.select(OnlineRegistration.id).where(
        OnlineRegistration.course_id == course_id, OnlineRegistration.employee_id == user.employee_id)
    ).first() is not None


@policy(OnlinePackage)
def _package_policy(user: User, action: str, package: OnlinePackage) -> bool:
    editor = edits_course(user, package.course)
    if action == "content":
        return editor or is_registered(user, package.course_id)
    if action == "take":
        return user.employee_id is not None and not package.course.archived
    if action == "manage":
        return editor
    return False
