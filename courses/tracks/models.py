"""Certification-track tables: a Track with ordered TrackLevels, each level's TrackRequirements, who joined
a track (TrackMembership), who holds a level (TrackHolding, with its validity and the reminders sent for
it), exam results per subject (TrackExamResult) and external licences such as the CAA drone operator
licence (TrackLicence)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin, TZDateTime, utcnow
from lms.extensions import db

# course = a catalogue course completed; topic_hours = hours in tagged topics from completions (ever);
# yearly_hours = the same within the calendar year; exam = an exam with a pass mark; licence = an external
# licence recorded and unexpired.
REQUIREMENT_KINDS = ("course", "topic_hours", "yearly_hours", "exam", "licence")
# none = no expiry; fixed = validity_months after the award; licence = until the licence expires;
# annual = stays valid while each calendar year's yearly hours are met.
VALIDITY_KINDS = ("none", "fixed", "licence", "annual")
HOLDING_STATUSES = ("active", "lapsed")
VIA = ("self", "nomination")
# 遙控無人機操作證 學習 / 普通 / 專業, levels 基本級 / 高級, 高級 groups G1–G3 (DOMAIN.md §4).
LICENCE_KINDS = ("learner", "ordinary", "professional")
LICENCE_LEVELS = ("", "basic", "advanced")
LICENCE_GROUPS = ("G1", "G2", "G3")
LICENCE_STRUCTURES = ("", "multirotor", "fixed_wing", "helicopter")


def _localised(obj, locale: str, zh: str = "name_zh", en: str = "name_en") -> str:
    english = getattr(obj, en)
    return english if str(locale).startswith("en") and english else getattr(obj, zh)


class Track(TimestampMixin, db.Model):
    __tablename__ = "tracks"

    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(32), nullable=False, unique=True)
    name_zh = sa.Column(sa.String(120), nullable=False)
    name_en = sa.Column(sa.String(200), nullable=False, default="")
    description_zh = sa.Column(sa.Text, nullable=False, default="")
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    sort_order = sa.Column(sa.Integer, nullable=False, default=0)

    levels = relationship("TrackLevel", back_populates="track", order_by="TrackLevel.rank",
                          cascade="all, delete-orphan")

    def name(self, locale: str) -> str:
        return _localised(self, locale)


class TrackLevel(db.Model):
    __tablename__ = "track_levels"
    __table_args__ = (sa.UniqueConstraint("track_id", "rank", name="uq_track_levels_track_rank"),)

    id = sa.Column(sa.Integer, primary_key=True)
    track_id = sa.Column(sa.Integer, sa.ForeignKey("tracks.id", ondelete="CASCADE"), nullable=False, index=True)
    code = sa.Column(sa.String(40), nullable=False, unique=True)
    name_zh = sa.Column(sa.String(120), nullable=False)
    name_en = sa.Column(sa.String(200), nullable=False, default="")
    rank = sa.Column(sa.Integer, nullable=False, default=1)
    prerequisite_id = sa.Column(sa.Integer, sa.ForeignKey("track_levels.id"), nullable=True)
    validity_kind = sa.Column(sa.String(12), nullable=False, default="none")
    validity_months = sa.Column(sa.Integer, nullable=True)

    track = relationship("Track", back_populates="levels")
    prerequisite = relationship("TrackLevel", remote_side=[id])
    requirements = relationship("TrackRequirement", back_populates="level", cascade="all, delete-orphan",
                                order_by="TrackRequirement.sort_order, TrackRequirement.id")

    def name(self, locale: str) -> str:
        return _localised(self, locale)


class TrackRequirement(db.Model):
    __tablename__ = "track_requirements"

    id = sa.Column(sa.Integer, primary_key=True)
    level_id = sa.Column(sa.Integer, sa.ForeignKey("track_levels.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    kind = sa.Column(sa.String(16), nullable=False)
    sort_order = sa.Column(sa.Integer, nullable=False, default=0)
    label_zh = sa.Column(sa.String(200), nullable=False, default="")
    # course: the course to complete; exam: the training whose attendance admits to the exam.
    course_id = sa.Column(sa.Integer, sa.ForeignKey("courses.id"), nullable=True)
    topic_codes = sa.Column(sa.String(200), nullable=False, default="")      # comma-separated Topic.code
    hours = sa.Column(sa.Float, nullable=True)
    subjects = sa.Column(sa.JSON, nullable=False, default=list)              # exam subjects (names)
    pass_mark = sa.Column(sa.Float, nullable=True)                           # % of the total
    no_zero = sa.Column(sa.Boolean, nullable=False, default=False)           # a zero in any subject fails
    max_absence_share = sa.Column(sa.Float, nullable=True)                   # 0.1: absence over it bars the exam
    licence_kind = sa.Column(sa.String(16), nullable=False, default="")
    licence_level = sa.Column(sa.String(16), nullable=False, default="")

    level = relationship("TrackLevel", back_populates="requirements")
    course = relationship("Course", lazy="joined")

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(t for t in (self.topic_codes or "").split(",") if t)


class TrackMembership(db.Model):
    __tablename__ = "track_memberships"
    __table_args__ = (sa.UniqueConstraint("track_id", "employee_id", name="uq_track_memberships_track_employee"),)

    id = sa.Column(sa.Integer, primary_key=True)
    track_id = sa.Column(sa.Integer, sa.ForeignKey("tracks.id", ondelete="CASCADE"), nullable=False, index=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False, index=True)
    via = sa.Column(sa.String(16), nullable=False, default="self")
    nominated_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    joined_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)

    track = relationship("Track", lazy="joined")
    employee = relationship("Employee", lazy="joined")


class TrackHolding(db.Model):
    """A level awarded to one employee; renewal moves `valid_until`, a missed renewal makes it lapsed."""

    __tablename__ = "track_holdings"
    __table_args__ = (sa.UniqueConstraint("level_id", "employee_id", name="uq_track_holdings_level_employee"),
                      sa.Index("ix_track_holdings_status_valid_until", "status", "valid_until"))

    id = sa.Column(sa.Integer, primary_key=True)
    level_id = sa.Column(sa.Integer, sa.ForeignKey("track_levels.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False, index=True)
    certificate_no = sa.Column(sa.String(60), nullable=False, unique=True)
    awarded_on = sa.Column(sa.Date, nullable=False)
    valid_until = sa.Column(sa.Date, nullable=True)
    status = sa.Column(sa.String(12), nullable=False, default="active")
    renewed_on = sa.Column(sa.Date, nullable=True)
    lapsed_on = sa.Column(sa.Date, nullable=True)

    level = relationship("TrackLevel", lazy="joined")
    employee = relationship("Employee", lazy="joined")


class TrackReminder(db.Model):
    """One expiry reminder sent: once per holding, threshold (days) and expiry date."""

    __tablename__ = "track_reminders"
    __table_args__ = (sa.UniqueConstraint("holding_id", "threshold", "valid_until",
                                          name="uq_track_reminders_holding_threshold_until"),)

    id = sa.Column(sa.Integer, primary_key=True)
    holding_id = sa.Column(sa.Integer, sa.ForeignKey("track_holdings.id", ondelete="CASCADE"), nullable=False)
    threshold = sa.Column(sa.Integer, nullable=False)
    valid_until = sa.Column(sa.Date, nullable=False)
    sent_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)


class TrackExamResult(db.Model):
    __tablename__ = "track_exam_results"
    __table_args__ = (sa.Index("ix_track_exam_results_employee_requirement", "employee_id", "requirement_id"),)

    id = sa.Column(sa.Integer, primary_key=True)
    requirement_id = sa.Column(sa.Integer, sa.ForeignKey("track_requirements.id", ondelete="CASCADE"),
                               nullable=False)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False)
    taken_on = sa.Column(sa.Date, nullable=False)
    scores = sa.Column(sa.JSON, nullable=False, default=dict)     # subject -> 0..100
    percent = sa.Column(sa.Float, nullable=False)
    passed = sa.Column(sa.Boolean, nullable=False)
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)

    requirement = relationship("TrackRequirement")
    employee = relationship("Employee")


class TrackLicence(TimestampMixin, db.Model):
    """An external licence (the CAA drone operator licence): DOMAIN.md §4's DroneLicence."""

    __tablename__ = "track_licences"

    id = sa.Column(sa.Integer, primary_key=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False, index=True)
    kind = sa.Column(sa.String(16), nullable=False)
    level = sa.Column(sa.String(16), nullable=False, default="")
    groups = sa.Column(sa.String(20), nullable=False, default="")          # comma-separated G1,G2,G3
    structure = sa.Column(sa.String(16), nullable=False, default="")
    number = sa.Column(sa.String(40), nullable=False, unique=True)
    issued_on = sa.Column(sa.Date, nullable=False)
    expires_on = sa.Column(sa.Date, nullable=False)
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)

    employee = relationship("Employee", lazy="joined")
