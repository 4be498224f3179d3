"""Every change to accounts: creating them, granting roles, signing in, changing passwords."""
from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from lms.agencies.models import Agency
from lms.auth.models import SCOPED_ROLES, LoginAttempt, Role, RoleGrant, User, new_session_token
from lms.db import utcnow
from lms.errors import DomainError, ValidationFailed
from lms.extensions import db
from lms.people.models import Employee

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


class LoginThrottledError(DomainError):
    status = 429


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def password_problems(password: str, login_names: tuple[str, ...] = ()) -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("at least %(n)s characters", n=MIN_PASSWORD_LENGTH))
    if password.lower() in {n.lower() for n in login_names if n}:
        problems.append(_("must differ from the staff number or e-mail"))
    return problems


def find_user(identifier: str) -> User | None:
    """Staff number or e-mail address (the employee's or the account's own)."""
    ident = (identifier or "").strip()
    if not ident:
        return None
    stmt = (db.select(User).outerjoin(Employee, User.employee_id == Employee.id)
            .where(db.or_(Employee.staff_no == ident,
                          db.func.lower(Employee.email) == ident.lower(),
                          db.func.lower(User.email) == ident.lower())))
    return db.session.execute(stmt).scalars().first()


def create_user(password: str, employee: Employee | None = None, email: str | None = None,
                roles: list[tuple[Role, Agency | None]] = ()) -> User:
    errors = []
    if employee is None and not email:
        errors.append(("email", "an account without an employee needs an e-mail address"))
    for problem in password_problems(password, (email or "", employee.staff_no if employee else "")):
        errors.append(("password", problem))
    if employee is not None and db.session.execute(
            db.select(User.id).filter_by(employee_id=employee.id)).first():
        errors.append(("employee", f"{employee.staff_no} already has an account"))
    if email and find_user(email):
        errors.append(("email", f"{email} is already used by another account"))
    if errors:
        raise ValidationFailed(errors)
    user = User(employee=employee, email=email.lower() if email else None,
                password_hash=hash_password(password))
    db.session.add(user)
    for role, agency in roles:
        grant_role(user, role, agency)
    db.session.flush()
    return user


def grant_role(user: User, role: Role, agency: Agency | None = None) -> RoleGrant:
    if role in SCOPED_ROLES and agency is None:
        agency = user.employee.agency if user.employee else None
        if agency is None:
            raise ValidationFailed([("agency", f"the role {role.value} needs an agency")])
    for grant in user.grants:
        if grant.role == role.value and grant.agency_id == (agency.id if agency else None):
            return grant
    grant = RoleGrant(role=role.value, agency=agency)
    user.grants.append(grant)
    return grant


def _recent_failures(column, value: str) -> int:
    since = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    return db.session.execute(
        db.select(db.func.count(LoginAttempt.id))
        .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
    ).scalar_one()


def authenticate(identifier: str, password: str, ip: str) -> User | None:
    """The user if the credentials are right; None if not; LoginThrottledError after too many failures.

    Failures are counted per login name and per address in the database, so every web node
    sees the same count.
    """
    ident = (identifier or "").strip().lower()[:254]
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if (_recent_failures(LoginAttempt.identifier, ident) >= limit
            or _recent_failures(LoginAttempt.ip, ip) >= limit * 4):
        raise LoginThrottledError(_("Too many failed sign-in attempts. Please wait 15 minutes and try again."))
    user = find_user(identifier)
    ok = user is not None and check_password(user, password or "") and user.is_active
    db.session.add(LoginAttempt(identifier=ident, ip=ip[:64], succeeded=ok))
    if not ok:
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    errors = []
    if not check_password(user, current):
        errors.append(("current_password", _("the current password is wrong")))
    if new != confirm:
        errors.append(("confirm", _("the two new passwords differ")))
    errors.extend(("new_password", p) for p in password_problems(new, (user.login_name, user.email or "")))
    if new and new == current:
        errors.append(("new_password", _("must differ from the current password")))
    if errors:
        raise ValidationFailed(errors)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()


def set_password(user: User, new: str) -> None:
    problems = password_problems(new, (user.login_name, user.email or ""))
    if problems:
        raise ValidationFailed([("password", p) for p in problems])
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
