"""Self-paced online courses: the content package of a catalogue course (unpacked in object storage),
its assignable units, each learner's registration (one per learner and course, the cmi5 registration)
and the learner's progress per unit."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TZDateTime, utcnow
from lms.extensions import db

PACKAGE_KINDS = ("cmi5", "tincan", "html")
RULE_LAST_PAGE, RULE_WATCHED = "last_page", "watched"
COMPLETION_RULES = (RULE_LAST_PAGE, RULE_WATCHED)


class OnlinePackage(db.Model):
    """The current content package of one course; a new upload replaces it (new storage prefix)."""

    __tablename__ = "online_packages"

    id = sa.Column(sa.Integer, primary_key=True)
    course_id = sa.Column(sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"), nullable=False, unique=True)
    kind = sa.Column(sa.String(8), nullable=False)
    storage_prefix = sa.Column(sa.String(120), nullable=False)
    publisher_id = sa.Column(sa.String(500), nullable=False, default="")
    title_zh = sa.Column(sa.String(300), nullable=False, default="")
    title_en = sa.Column(sa.String(300), nullable=False, default="")
    file_count = sa.Column(sa.Integer, nullable=False)
    total_bytes = sa.Column(sa.BigInteger, nullable=False)
    # Plain packages: which rule completes the course and its parameter.
    completion_rule = sa.Column(sa.String(16), nullable=False, default="")
    last_page = sa.Column(sa.String(500), nullable=False, default="")
    watched_percent = sa.Column(sa.Integer, nullable=False, default=0)
    version = sa.Column(sa.Integer, nullable=False, default=1)
    uploaded_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    uploaded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)

    course = relationship("Course")
    units = relationship("OnlineUnit", order_by="OnlineUnit.position", back_populates="package",
                         cascade="all, delete-orphan")


class OnlineUnit(db.Model):
    """An assignable unit (cmi5 AU), the Tin Can activity, or the entry page of a plain package."""

    __tablename__ = "online_units"
    __table_args__ = (sa.UniqueConstraint("package_id", "position", name="uq_online_units_position"),)

    id = sa.Column(sa.Integer, primary_key=True)
    package_id = sa.Column(sa.Integer, sa.ForeignKey("online_packages.id", ondelete="CASCADE"), nullable=False)
    position = sa.Column(sa.Integer, nullable=False)
    publisher_id = sa.Column(sa.String(500), nullable=False, default="")
    title_zh = sa.Column(sa.String(300), nullable=False, default="")
    title_en = sa.Column(sa.String(300), nullable=False, default="")
    url = sa.Column(sa.String(1000), nullable=False)
    launch_method = sa.Column(sa.String(16), nullable=False, default="AnyWindow")
    move_on = sa.Column(sa.String(24), nullable=False, default="NotApplicable")
    mastery_score = sa.Column(sa.Float, nullable=True)
    launch_parameters = sa.Column(sa.Text, nullable=False, default="")

    package = relationship(OnlinePackage, back_populates="units")

    def title(self, locale: str) -> str:
        return (self.title_en if locale.startswith("en") and self.title_en else self.title_zh) or self.publisher_id


class OnlineRegistration(db.Model):
    """One learner taking one online course: the cmi5 registration, kept across launches and uploads."""

    __tablename__ = "online_registrations"
    __table_args__ = (sa.UniqueConstraint("course_id", "employee_id", name="uq_online_registrations_learner"),)

    id = sa.Column(sa.Integer, primary_key=True)
    course_id = sa.Column(sa.Integer, sa.ForeignKey("courses.id", ondelete="CASCADE"), nullable=False, index=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False, index=True)
    registration = sa.Column(sa.String(36), nullable=False, unique=True)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    last_launched_at = sa.Column(TZDateTime(), nullable=True)
    satisfied_at = sa.Column(TZDateTime(), nullable=True)

    course = relationship("Course")
    employee = relationship("Employee")
    progress = relationship("UnitProgress", back_populates="registration_row", cascade="all, delete-orphan")


class UnitProgress(db.Model):
    """What the learner has achieved in one unit: the cmi5 outcomes, or the tracked share of a plain package."""

    __tablename__ = "online_unit_progress"
    __table_args__ = (sa.UniqueConstraint("registration_id", "unit_id", name="uq_online_unit_progress"),)

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(sa.Integer, sa.ForeignKey("online_registrations.id", ondelete="CASCADE"),
                                nullable=False)
    unit_id = sa.Column(sa.Integer, sa.ForeignKey("online_units.id", ondelete="CASCADE"), nullable=False)
    launched_at = sa.Column(TZDateTime(), nullable=True)
    completed = sa.Column(sa.Boolean, nullable=False, default=False)
    passed = sa.Column(sa.Boolean, nullable=False, default=False)
    failed = sa.Column(sa.Boolean, nullable=False, default=False)
    score = sa.Column(sa.Float, nullable=True)
    pages_seen = sa.Column(sa.Text, nullable=False, default="")
    watched_percent = sa.Column(sa.Integer, nullable=False, default=0)
    satisfied_at = sa.Column(TZDateTime(), nullable=True)

    registration_row = relationship(OnlineRegistration, back_populates="progress")
    unit = relationship(OnlineUnit)
