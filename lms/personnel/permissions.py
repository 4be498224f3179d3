"""Who may see and review hours: the learner their own, the agency personnel officer their agencies'
staff (by the employee's current agency), administrators the requirement rules and the HR export."""
from __future__ import annotations

from lms.auth.models import Role, User
from lms.auth.permissions import CITY_WIDE_ROLES, Scope, agency_scope, policy
from lms.personnel.models import ExternalLearning, LearningRecord, RequirementSet

REVIEWER_ROLES = {Role.AGENCY_OFFICER}
RULE_EDITOR_ROLES = {Role.SYSADMIN, Role.TRAINING_ADMIN}
EXPORT_ROLES = CITY_WIDE_ROLES | {Role.AGENCY_OFFICER}
# A token opens the whole city's export (national IDs): only system administrators manage them.
TOKEN_ADMIN_ROLES = {Role.SYSADMIN}


def review_scope(user: User) -> Scope:
    return agency_scope(user, REVIEWER_ROLES)


def export_scope(user: User) -> Scope:
    """The HR export carries national IDs: the personnel side only (never supervisors)."""
    return agency_scope(user, EXPORT_ROLES)


def _own_or_reviewer(user: User, action: str, employee_id: int, agency) -> bool:
    if action == "view":
        return user.employee_id == employee_id or agency_scope(user).covers(agency)
    if action == "review":
        return review_scope(user).covers(agency)
    return False


@policy(LearningRecord)
def _record_policy(user: User, action: str, record: LearningRecord) -> bool:
    return _own_or_reviewer(user, action, record.employee_id, record.employee.agency)


@policy(ExternalLearning)
def _external_policy(user: User, action: str, item: ExternalLearning) -> bool:
    return _own_or_reviewer(user, action, item.employee_id, item.employee.agency)


@policy(RequirementSet)
def _requirements_policy(user: User, action: str, rule_set: RequirementSet) -> bool:
    if action == "view":
        return True
    return user.has_role(*RULE_EDITOR_ROLES)
