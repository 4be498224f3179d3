"""Who may change the training domain's records: training administrators and system administrators
change them, everyone signed in reads them. Modules register their models with `register_read_all`."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from lms.auth.models import Role, User
from lms.auth.permissions import policy

EDITOR_ROLES = (Role.TRAINING_ADMIN, Role.SYSADMIN)


def is_editor(user: User) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_role(*EDITOR_ROLES))


def _editors_change_everyone_reads(user: User, action: str, record: object) -> bool:
    return action == "view" or is_editor(user)


def register_read_all(*models: type) -> None:
    for model in models:
        policy(model)(_editors_change_everyone_reads)


def signed_in_only(bp: Blueprint) -> Blueprint:
    """JSON blueprints answer 401 to visitors instead of redirecting them to the sign-in page."""
    @bp.before_request
    def _signed_in():
        if not current_user.is_authenticated:
            abort(401)
    return bp
