"""Who may do what with the tracks: everyone signed in reads the tracks and joins one; training
administrators define them; training administrators (city-wide) and agency training officers (their agency
tree) nominate staff and record exam results and licences; supervisors, officers and administrators see the
reports and their staff's progress within their agency scope; a holder sees their own certificate."""
from __future__ import annotations

from courses.permissions import is_editor
from courses.tracks.models import Track, TrackHolding, TrackLicence
from lms.auth.models import Role, User
from lms.auth.permissions import CITY_WIDE_ROLES, Scope, agency_scope, policy
from flask_babel import gettext as _

from lms.errors import PermissionDeniedError

OFFICER_ROLES = {Role.TRAINING_ADMIN, Role.AGENCY_OFFICER}
REPORT_ROLES = {Role.TRAINING_ADMIN, Role.AGENCY_OFFICER, Role.SUPERVISOR, Role.SYSADMIN}


def officer_scope(user: User) -> Scope:
    """Staff whose track membership, exams and licences the user manages."""
    return agency_scope(user, OFFICER_ROLES)


def report_scope(user: User) -> Scope:
    return agency_scope(user, CITY_WIDE_ROLES | REPORT_ROLES)


def require_officer(user: User) -> Scope:
    scope = officer_scope(user)
    if scope.empty:
        raise PermissionDeniedError(_("Only training administrators and agency training officers do this."))
    return scope


def require_reports(user: User) -> Scope:
    scope = report_scope(user)
    if scope.empty:
        raise PermissionDeniedError(_("Only supervisors, training officers and administrators see the track reports."))
    return scope


def require_editor(user: User) -> None:
    if not is_editor(user):
        raise PermissionDeniedError(_("Only training administrators define tracks."))


@policy(Track)
def _track_policy(user: User, action: str, track: Track) -> bool:
    return action == "view" or is_editor(user)


@policy(TrackHolding)
def _holding_policy(user: User, action: str, holding: TrackHolding) -> bool:
    own = user.employee_id is not None and user.employee_id == holding.employee_id
    return action == "view" and (own or report_scope(user).covers(holding.employee.agency))


@policy(TrackLicence)
def _licence_policy(user: User, action: str, licence: TrackLicence) -> bool:
    own = user.employee_id is not None and user.employee_id == licence.employee_id
    if action == "view":
        return own or report_scope(user).covers(licence.employee.agency)
    if action == "renew":
        return officer_scope(user).covers(licence.employee.agency)
    return False
