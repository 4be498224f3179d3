"""Scheduling policies: administrators plan runs, sessions, venues and instructors; everyone signed in reads.
Meeting links go to signed-in users only (learners' bookings will narrow this with enrolment). A learner's
private calendar address is theirs alone: nobody else, administrators included, sees or changes it."""
from __future__ import annotations

from flask_babel import gettext as _

from courses.permissions import register_read_all
from courses.scheduling.models import ClassRun, ClassSession, Instructor, Room, Venue
from lms.auth.models import User
from lms.errors import PermissionDeniedError
from lms.people.models import Employee

register_read_all(ClassRun, ClassSession, Instructor, Room, Venue)


def calendar_owner(user: User) -> Employee:
    """The staff member whose calendar the signed-in user manages: always their own."""
    if user is None or not user.is_authenticated or user.employee is None:
        raise PermissionDeniedError(_("Only staff members have a class calendar."))
    return user.employee
