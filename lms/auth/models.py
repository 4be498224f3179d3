"""User accounts, their role grants and the sign-in attempts used for rate limiting."""
from __future__ import annotations

import enum
import secrets

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin, TZDateTime, utcnow
from lms.extensions import db


class Role(str, enum.Enum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    TRAINING_ADMIN = "training_admin"
    AGENCY_OFFICER = "agency_officer"
    SUPERVISOR = "supervisor"
    SYSADMIN = "sysadmin"


# Roles whose grant is bound to an agency subtree.
SCOPED_ROLES = {Role.AGENCY_OFFICER, Role.SUPERVISOR}


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id = sa.Column(sa.Integer, primary_key=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=True, unique=True)
    email = sa.Column(sa.String(254), nullable=True, unique=True)
    password_hash = sa.Column(sa.String(255), nullable=False)
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    # Rotated on password change and logout-everywhere: old session cookies stop working.
    session_token = sa.Column(sa.String(32), nullable=False, default=new_session_token)
    last_login_at = sa.Column(TZDateTime(), nullable=True)
    locale = sa.Column(sa.String(16), nullable=True)

    employee = relationship("Employee", lazy="joined")
    grants = relationship("RoleGrant", lazy="selectin", cascade="all, delete-orphan",
                          back_populates="user")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return bool(self.active) and (self.employee is None or self.employee.is_active)

    @property
    def roles(self) -> set[Role]:
        roles = {Role(g.role) for g in self.grants}
        if self.employee_id is not None:
            roles.add(Role.LEARNER)
        return roles

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def login_name(self) -> str:
        return self.employee.staff_no if self.employee else (self.email or "")

    @property
    def display_name(self) -> str:
        return self.employee.name_zh if self.employee else (self.email or "")


class RoleGrant(db.Model):
    __tablename__ = "role_grants"
    __table_args__ = (sa.UniqueConstraint("user_id", "role", "agency_id", name="uq_role_grants_user_role_agency"),)

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    role = sa.Column(sa.String(32), nullable=False)
    agency_id = sa.Column(sa.Integer, sa.ForeignKey("agencies.id"), nullable=True)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)

    user = relationship("User", back_populates="grants")
    agency = relationship("Agency", lazy="joined")


class LoginAttempt(db.Model):
    __tablename__ = "login_attempts"

    id = sa.Column(sa.Integer, primary_key=True)
    identifier = sa.Column(sa.String(254), nullable=False, index=True)
    ip = sa.Column(sa.String(64), nullable=False, index=True)
    succeeded = sa.Column(sa.Boolean, nullable=False, default=False)
    at = sa.Column(TZDateTime(), nullable=False, default=utcnow, index=True)
