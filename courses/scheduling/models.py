"""Scheduling tables: Venue and Room, Instructor, ClassRun (班期) and its ClassSession rows, and each
learner's private CalendarToken."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TimestampMixin, TZDateTime, utcnow
from lms.extensions import db

LOCAL_TZ = ZoneInfo("Asia/Taipei")
RUN_STATUSES = ("planned", "open", "closed", "running", "finished", "cancelled")
# 年度計畫班期 / 臨時增開 / 開放自由報名
RUN_ROUTES = ("planned", "ad_hoc", "open")
# 自辦 / 委訓 / 合作辦理
RUN_TYPES = ("self_run", "commissioned", "co_organised")
# A blended run mixes online pre-work with classroom days.
SESSION_MODES = ("in_person", "remote", "online_prework")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Venue(TimestampMixin, db.Model):
    __tablename__ = "venues"

    id = sa.Column(sa.Integer, primary_key=True)
    name_zh = sa.Column(sa.String(120), nullable=False, unique=True)
    name_en = sa.Column(sa.String(200), nullable=False, default="")
    address = sa.Column(sa.String(300), nullable=False, default="")
    feed_token = sa.Column(sa.String(64), nullable=False, default=new_feed_token)

    rooms = relationship("Room", back_populates="venue", order_by="Room.name", lazy="selectin",
                         cascade="all, delete-orphan")

    def name(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") and self.name_en else self.name_zh


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (sa.UniqueConstraint("venue_id", "name", name="uq_rooms_venue_name"),)

    id = sa.Column(sa.Integer, primary_key=True)
    venue_id = sa.Column(sa.Integer, sa.ForeignKey("venues.id", ondelete="CASCADE"), nullable=False, index=True)
    name = sa.Column(sa.String(80), nullable=False)
    seats = sa.Column(sa.Integer, nullable=False)

    venue = relationship("Venue", back_populates="rooms", lazy="joined")

    def label(self, locale: str) -> str:
        return f"{self.venue.name(locale)} {self.name}"


class Instructor(TimestampMixin, db.Model):
    """A staff member (employee_id set) or an external lecturer with their affiliation."""

    __tablename__ = "instructors"

    id = sa.Column(sa.Integer, primary_key=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=True, unique=True)
    name_zh = sa.Column(sa.String(60), nullable=False)
    name_en = sa.Column(sa.String(120), nullable=False, default="")
    affiliation = sa.Column(sa.String(200), nullable=False, default="")
    email = sa.Column(sa.String(254), nullable=True)
    feed_token = sa.Column(sa.String(64), nullable=False, default=new_feed_token)

    employee = relationship("Employee")

    @property
    def is_external(self) -> bool:
        return self.employee_id is None

    def name(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") and self.name_en else self.name_zh


session_instructors = sa.Table(
    "session_instructors", db.metadata,
    sa.Column("session_id", sa.Integer, sa.ForeignKey("class_sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("instructor_id", sa.Integer, sa.ForeignKey("instructors.id", ondelete="CASCADE"),
              primary_key=True, index=True),
)


class ClassRun(TimestampMixin, db.Model):
    __tablename__ = "class_runs"
    __table_args__ = (
        sa.UniqueConstraint("course_id", "year", "term", name="uq_class_runs_course_year_term"),
        # The catalogue's month and open-for-enrolment filters read only these columns: covering indexes
        # answer them without visiting the table (they replace the single-column starts_on and status indexes).
        sa.Index("ix_class_runs_starts_on_status_course", "starts_on", "status", "course_id"),
        sa.Index("ix_class_runs_status_window", "status", "enrol_closes_on", "enrol_opens_on", "course_id"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    course_id = sa.Column(sa.Integer, sa.ForeignKey("courses.id"), nullable=False, index=True)
    year = sa.Column(sa.Integer, nullable=False, index=True)
    term = sa.Column(sa.Integer, nullable=False)
    code = sa.Column(sa.String(40), nullable=False, unique=True)
    starts_on = sa.Column(sa.Date, nullable=False)
    ends_on = sa.Column(sa.Date, nullable=False)
    enrol_opens_on = sa.Column(sa.Date, nullable=True)
    enrol_closes_on = sa.Column(sa.Date, nullable=True)
    capacity = sa.Column(sa.Integer, nullable=False)
    min_size = sa.Column(sa.Integer, nullable=False, default=0)
    status = sa.Column(sa.String(16), nullable=False, default="planned")
    route = sa.Column(sa.String(16), nullable=False, default="planned")
    run_type = sa.Column(sa.String(16), nullable=False, default="self_run")
    days = sa.Column(sa.Integer, nullable=False, default=1)
    hours_per_day = sa.Column(sa.Numeric(4, 1, asdecimal=False), nullable=False, default=6)
    partner = sa.Column(sa.String(200), nullable=False, default="")
    cancel_reason = sa.Column(sa.String(400), nullable=False, default="")
    feed_token = sa.Column(sa.String(64), nullable=False, default=new_feed_token)

    course = relationship("Course", lazy="joined")
    sessions = relationship("ClassSession", back_populates="run", order_by="ClassSession.starts_at",
                            cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<ClassRun {self.code}>"

    @property
    def hours(self) -> float:
        return float(self.days) * float(self.hours_per_day)

    def enrolment_open_on(self, day: date) -> bool:
        return (self.status == "open" and (self.enrol_opens_on is None or self.enrol_opens_on <= day)
                and (self.enrol_closes_on is None or day <= self.enrol_closes_on))


class ClassSession(db.Model):
    """One sitting of a run. Named ClassSession so it never reads as a database or HTTP session."""

    __tablename__ = "class_sessions"

    id = sa.Column(sa.Integer, primary_key=True)
    run_id = sa.Column(sa.Integer, sa.ForeignKey("class_runs.id", ondelete="CASCADE"), nullable=False, index=True)
    starts_at = sa.Column(TZDateTime(), nullable=False, index=True)
    ends_at = sa.Column(TZDateTime(), nullable=False)
    mode = sa.Column(sa.String(16), nullable=False, default="in_person")
    room_id = sa.Column(sa.Integer, sa.ForeignKey("rooms.id"), nullable=True, index=True)
    meeting_url = sa.Column(sa.String(500), nullable=False, default="")
    title = sa.Column(sa.String(200), nullable=False, default="")
    # Bumped on every change so calendar clients replace the event they hold (iCalendar SEQUENCE).
    sequence = sa.Column(sa.Integer, nullable=False, default=0)

    run = relationship("ClassRun", back_populates="sessions")
    room = relationship("Room", lazy="joined")
    instructors = relationship("Instructor", secondary=session_instructors, lazy="selectin",
                               order_by="Instructor.id")

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(LOCAL_TZ)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(LOCAL_TZ)

    @property
    def local_date(self) -> date:
        return self.local_start.date()

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class CalendarToken(db.Model):
    """A learner's private calendar subscription address. Only the SHA-256 of its secret is stored: the
    secret is an HMAC of the app's key over the employee and a random salt (see services.calendar_secret),
    so the learner's own page can show the address again, a copy of the database alone cannot open it, and
    a new salt revokes the old address."""

    __tablename__ = "calendar_tokens"

    id = sa.Column(sa.Integer, primary_key=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id", ondelete="CASCADE"), nullable=False,
                            unique=True)
    salt = sa.Column(sa.String(64), nullable=False)
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)

    employee = relationship("Employee")
