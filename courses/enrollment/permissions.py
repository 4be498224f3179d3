"""Who may see and change enrolments: the learner their own; supervisors and agency officers those of
their agency subtree; instructors the rosters of runs they teach; training administrators everything."""
from __future__ import annotations

from courses.enrollment.models import Certificate, Enrollment
from courses.permissions import is_editor
from lms.auth.models import Role, User
from lms.auth.permissions import CITY_WIDE_ROLES, agency_scope, policy

OFFICER_ROLES = CITY_WIDE_ROLES | {Role.AGENCY_OFFICER}
APPROVER_ROLES = CITY_WIDE_ROLES | {Role.SUPERVISOR}


def teaches(user: User, run) -> bool:
    """Is the user a staff instructor on one of the run's sessions?"""
    if user is None or user.employee_id is None or not user.has_role(Role.INSTRUCTOR):
        return False
    return any(i.employee_id == user.employee_id for s in run.sessions for i in s.instructors)


def may_manage_run(user: User, run) -> bool:
    return is_editor(user) or teaches(user, run)


@policy(Enrollment)
def _enrollment_policy(user: User, action: str, enrollment: Enrollment) -> bool:
    own = user.employee_id == enrollment.employee_id
    agency = enrollment.employee.agency
    if action == "view":
        return own or agency_scope(user).covers(agency) or may_manage_run(user, enrollment.run)
    if action == "cancel":
        return own or agency_scope(user, OFFICER_ROLES).covers(agency)
    if action == "decide":
        return not own and agency_scope(user, APPROVER_ROLES).covers(agency)
    if action == "record_result":
        return may_manage_run(user, enrollment.run)
    return False


@policy(Certificate)
def _certificate_policy(user: User, action: str, certificate: Certificate) -> bool:
    if action == "download":
        return _enrollment_policy(user, "view", certificate.enrollment)
    return is_editor(user)
