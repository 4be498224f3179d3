"""The one place that decides whether a user may see or change a record.

Routes call `require(user, action, record)` (or `can`) and list pages call `agency_scope(user)` to
filter by agency subtree. Each domain registers the policy for its own record types with
`@policy(ModelClass)`, so the core never needs to import the training domain.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import gettext as _

from lms.agencies.models import Agency, subtree_clause
from lms.auth.models import Role, SCOPED_ROLES, User
from lms.errors import PermissionDeniedError
from lms.extensions import db
from lms.people.models import Employee

CITY_WIDE_ROLES = {Role.SYSADMIN, Role.TRAINING_ADMIN}
_POLICIES: dict[type, Callable[[User, str, object], bool]] = {}


@dataclass(frozen=True)
class Scope:
    """The agencies a user may see: the whole city, or the subtrees under `paths`."""

    city_wide: bool
    paths: tuple[str, ...] = ()

    def covers(self, agency: Agency | None) -> bool:
        if self.city_wide:
            return True
        return agency is not None and any(agency.is_within(p) for p in self.paths)

    def clause(self, path_column):
        """A SQL condition for queries joined to Agency (None when nothing needs filtering)."""
        if self.city_wide:
            return None
        if not self.paths:
            return db.false()
        return db.or_(*(subtree_clause(path_column, p) for p in self.paths))

    @property
    def empty(self) -> bool:
        return not self.city_wide and not self.paths


def agency_scope(user: User, roles: set[Role] | None = None) -> Scope:
    """Which agencies the user oversees through `roles` (default: every overseeing role they hold)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(False)
    wanted = roles if roles is not None else CITY_WIDE_ROLES | SCOPED_ROLES
    if user.roles & CITY_WIDE_ROLES & wanted:
        return Scope(True)
    paths = []
    for grant in user.grants:
        if Role(grant.role) in SCOPED_ROLES & wanted:
            agency = grant.agency or (user.employee.agency if user.employee else None)
            if agency is not None:
                paths.append(agency.path)
    return Scope(False, tuple(sorted(set(paths))))


def require_oversight(user: User) -> Scope:
    """The scope of someone who oversees staff (supervisor, officer, administrator); 403 for anyone else."""
    scope = agency_scope(user)
    if scope.empty:
        raise PermissionDeniedError(_("Only supervisors, training officers and administrators see staff lists."))
    return scope


def policy(model: type):
    def register(fn: Callable[[User, str, object], bool]):
        _POLICIES[model] = fn
        return fn
    return register


def can(user: User, action: str, record: object) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    for klass in type(record).__mro__:
        if klass in _POLICIES:
            return _POLICIES[klass](user, action, record)
    return user.has_role(Role.SYSADMIN)


def require(user: User, action: str, record: object) -> None:
    if not can(user, action, record):
        raise PermissionDeniedError(_("You do not have permission for this record."))


def require_role(user: User, *roles: Role) -> None:
    if user is None or not user.is_authenticated or not user.has_role(*roles):
        raise PermissionDeniedError(_("This page is for another role."))


@policy(Employee)
def _employee_policy(user: User, action: str, employee: Employee) -> bool:
    own = user.employee_id == employee.id
    if action == "view":
        return own or agency_scope(user).covers(employee.agency)
    if action == "view_national_id":
        # The personnel side needs the number (HR export); a supervisor does not.
        return own or agency_scope(user, CITY_WIDE_ROLES | {Role.AGENCY_OFFICER}).covers(employee.agency)
    if action == "edit":
        return agency_scope(user, CITY_WIDE_ROLES | {Role.AGENCY_OFFICER}).covers(employee.agency)
    return False


@policy(Agency)
def _agency_policy(user: User, action: str, agency: Agency) -> bool:
    if action == "view":
        return agency_scope(user).covers(agency)
    if action == "edit":
        return user.has_role(Role.SYSADMIN, Role.TRAINING_ADMIN)
    return False
