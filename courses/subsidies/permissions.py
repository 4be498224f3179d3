"""Who may do what with the subsidy: a learner sees and corrects only their own claims; an agency
training officer reviews the claims of staff in their agency tree; a training administrator reviews
city-wide, pays, and edits the yearly rules and budget. Nobody decides their own claim."""
from __future__ import annotations

from courses.subsidies.models import SubsidyClaim, SubsidyPayoutBatch, SubsidyRuleSet, SubsidyTest
from lms.auth.models import Role, User
from lms.auth.permissions import Scope, agency_scope, policy

REVIEWER_ROLES = {Role.TRAINING_ADMIN, Role.AGENCY_OFFICER}
ADMIN_ROLES = (Role.TRAINING_ADMIN,)


def review_scope(user: User) -> Scope:
    """The staff whose claims the user reviews (empty for learners)."""
    return agency_scope(user, REVIEWER_ROLES)


def is_reviewer(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not review_scope(user).empty


def is_subsidy_admin(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*ADMIN_ROLES)


@policy(SubsidyClaim)
def _claim_policy(user: User, action: str, claim: SubsidyClaim) -> bool:
    own = user.employee_id is not None and user.employee_id == claim.employee_id
    reviews = review_scope(user).covers(claim.employee.agency if claim.employee else None)
    if action == "view":
        return own or reviews
    if action == "correct":
        return own and claim.status == "correction_requested"
    if action == "review":
        return reviews and not own
    if action == "pay":
        return is_subsidy_admin(user) and not own
    return False


@policy(SubsidyRuleSet)
def _rule_set_policy(user: User, action: str, rule_set: SubsidyRuleSet) -> bool:
    if action == "view":
        return True
    return is_subsidy_admin(user)


@policy(SubsidyTest)
def _test_policy(user: User, action: str, test: SubsidyTest) -> bool:
    return action == "view" or is_subsidy_admin(user)


@policy(SubsidyPayoutBatch)
def _batch_policy(user: User, action: str, batch: SubsidyPayoutBatch) -> bool:
    return is_subsidy_admin(user)
