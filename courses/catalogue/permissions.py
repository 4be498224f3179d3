"""Catalogue policies: administrators edit every course, an agency training officer edits the courses
their agency (or a unit under it) organises; archived courses are shown only to those who may edit them."""
from __future__ import annotations

from courses.catalogue.models import Category, Course, Topic
from courses.permissions import is_editor, register_read_all
from lms.auth.models import Role, User
from lms.auth.permissions import agency_scope, policy

register_read_all(Category, Topic)


def edits_course(user: User, course: Course) -> bool:
    if is_editor(user):
        return True
    return course.agency is not None and agency_scope(user, {Role.AGENCY_OFFICER}).covers(course.agency)


@policy(Course)
def _course_policy(user: User, action: str, course: Course) -> bool:
    if action == "view":
        return not course.archived or edits_course(user, course)
    if action in {"create", "edit", "archive", "delete"}:
        return edits_course(user, course)
    return False
