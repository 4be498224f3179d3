"""Every change to the schedule: venues, rooms, instructors, class runs and sessions, with the clash
checks (rooms, instructors, seats, run dates, enrolment window), copying and cancelling runs."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _

from courses.catalogue.models import Course
from courses.labels import RUN_STATUS_LABELS
from courses.scheduling import invitations, queries
from courses.scheduling.models import (LOCAL_TZ, RUN_ROUTES, RUN_STATUSES, RUN_TYPES, SESSION_MODES, CalendarToken,
                                       ClassRun, ClassSession, Instructor, Room, Venue, new_feed_token)
from lms.db import utcnow
from lms.errors import ConflictError, RuleBrokenError, ValidationFailed
from lms.events.services import record_event
from lms.extensions import db
from lms.notifications.services import notify
from lms.people.models import Employee

RUN_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
URL_PATTERN = re.compile(r"^https://[^\s/$.?#][^\s]*$", re.IGNORECASE)
# Runs in these states are over: their sessions are history and are not edited any more.
CLOSED_STATUSES = {"finished", "cancelled"}


# ---- venues, rooms, instructors -------------------------------------------------------------------

def save_venue(name_zh: str, name_en: str = "", address: str = "", venue: Venue | None = None) -> Venue:
    errors = []
    if not (name_zh or "").strip():
        errors.append(("name_zh", _("The Chinese name is required.")))
    if errors:
        raise ValidationFailed(errors)
    same = db.session.execute(db.select(Venue.id).filter_by(name_zh=name_zh.strip())).scalar()
    if same is not None and (venue is None or same != venue.id):
        raise ConflictError(_("A venue with this name exists."), [("name_zh", _("A venue with this name exists."))])
    if venue is None:
        venue = Venue()
        db.session.add(venue)
    venue.name_zh, venue.name_en, venue.address = name_zh.strip(), (name_en or "").strip(), (address or "").strip()
    db.session.flush()
    return venue


def save_room(venue: Venue, name: str, seats: int | None, room: Room | None = None) -> Room:
    errors = []
    if not (name or "").strip():
        errors.append(("name", _("The room name is required.")))
    if seats is None or not 1 <= seats <= 2000:
        errors.append(("seats", _("Seats must be between 1 and 2000.")))
    if errors:
        raise ValidationFailed(errors)
    same = db.session.execute(db.select(Room.id).filter_by(venue_id=venue.id, name=name.strip())).scalar()
    if same is not None and (room is None or same != room.id):
        raise ConflictError(_("This venue already has a room with this name."),
                            [("name", _("This venue already has a room with this name."))])
    if room is not None and seats < room.seats:
        too_big = db.session.execute(
            db.select(ClassRun.code).join(ClassSession, ClassSession.run_id == ClassRun.id)
            .where(ClassSession.room_id == room.id, ClassRun.capacity > seats,
                   ClassRun.status.not_in(CLOSED_STATUSES)).distinct()).scalars().all()
        if too_big:
            raise ConflictError(_("Runs booked in this room need more seats: %(codes)s", codes=", ".join(too_big)),
                                [("seats", _("Runs booked in this room need more seats: %(codes)s",
                                             codes=", ".join(too_big)))])
    if room is None:
        room = Room(venue=venue)
        db.session.add(room)
    room.name, room.seats = name.strip(), seats
    db.session.flush()
    return room


def save_instructor(name_zh: str, name_en: str = "", affiliation: str = "", email: str = "",
                    employee: Employee | None = None, instructor: Instructor | None = None) -> Instructor:
    """Staff instructors take their name from the staff record when none is given."""
    name_zh = (name_zh or "").strip() or (employee.name_zh if employee else "")
    errors = []
    if not name_zh:
        errors.append(("name_zh", _("The Chinese name is required.")))
    if employee is None and not (affiliation or "").strip():
        errors.append(("affiliation", _("An external lecturer needs an affiliation.")))
    name_en, affiliation, email = name_en or "", affiliation or "", (email or "").strip()
    if email and "@" not in email:
        errors.append(("email", _("Enter a valid e-mail address.")))
    if errors:
        raise ValidationFailed(errors)
    if employee is not None:
        same = db.session.execute(db.select(Instructor.id).filter_by(employee_id=employee.id)).scalar()
        if same is not None and (instructor is None or same != instructor.id):
            raise ConflictError(_("This staff member is already an instructor."),
                                [("employee", _("This staff member is already an instructor."))])
    if instructor is None:
        instructor = Instructor()
        db.session.add(instructor)
    instructor.name_zh, instructor.name_en = name_zh, (name_en or (employee.name_en if employee else "")).strip()
    instructor.affiliation = (affiliation or (employee.agency.name_zh if employee else "")).strip()
    instructor.email = email or (employee.email if employee else None) or None
    instructor.employee = employee
    db.session.flush()
    return instructor


def rotate_feed_token(record) -> str:
    """Revoke a calendar subscription URL by issuing a new secret."""
    record.feed_token = new_feed_token()
    db.session.flush()
    return record.feed_token


# ---- the learner's private calendar ----------------------------------------------------------------------

def calendar_secret(employee_id: int, salt: str) -> str:
    """The secret in a learner's calendar address: an HMAC of the app's key, so the stored salt and hash
    alone never give it away (changing SECRET_KEY retires every address)."""
    key = hashlib.sha256(b"learner-calendar:" + current_app.config["SECRET_KEY"].encode()).digest()
    digest = hmac.new(key, f"{employee_id}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def hash_calendar_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_calendar_token(employee: Employee) -> str:
    """Give the learner a calendar address, or a new one (the old address stops working). Returns the secret."""
    token = queries.calendar_token_for(employee.id)
    if token is None:
        token = CalendarToken(employee_id=employee.id)
        db.session.add(token)
    token.salt = secrets.token_hex(16)
    secret = calendar_secret(employee.id, token.salt)
    token.token_hash, token.created_at = hash_calendar_secret(secret), utcnow()
    db.session.flush()
    record_event("calendar.token_issued", employee=employee, obj=token)
    return secret


def revoke_calendar_token(employee: Employee) -> bool:
    """Turn the learner's calendar address off. Returns whether there was one."""
    token = queries.calendar_token_for(employee.id)
    if token is None:
        return False
    db.session.delete(token)
    db.session.flush()
    record_event("calendar.token_revoked", employee=employee)
    return True


# ---- class runs -------------------------------------------------------------------------------------

def weekdays_between(start: date, end: date) -> int:
    return sum(1 for n in range((end - start).days + 1) if (start + timedelta(days=n)).weekday() < 5)


@dataclass(frozen=True)
class RunData:
    year: int | None
    starts_on: date | None
    ends_on: date | None
    capacity: int | None
    term: int | None = None          # next free number for the course and year when not given
    code: str = ""                   # <course code>-<ROC year>-<term> when not given
    enrol_opens_on: date | None = None
    enrol_closes_on: date | None = None
    min_size: int = 0
    status: str = "planned"
    route: str = "planned"
    run_type: str = "self_run"
    days: int | None = None          # weekdays between start and end when not given
    hours_per_day: float = 6
    partner: str = ""


def default_run_code(course: Course, year: int, term: int) -> str:
    return f"{course.code}-{year - 1911}-{term:02d}"


def _run_errors(course: Course, data: RunData, run: ClassRun | None) -> list[tuple[str, str]]:
    errors = []
    if course.archived and run is None:
        errors.append(("course", _("The course is archived: no new runs can be scheduled.")))
    if data.year is None or not 2000 <= data.year <= 2100:
        errors.append(("year", _("Enter a year between 2000 and 2100.")))
    if data.term is not None and not 1 <= data.term <= 999:
        errors.append(("term", _("The run number must be between 1 and 999.")))
    if data.code and not RUN_CODE_PATTERN.match(data.code):
        errors.append(("code", _("A code has letters, digits, dots, dashes or underscores (at most 40).")))
    if data.starts_on is None:
        errors.append(("starts_on", _("Enter the first day.")))
    if data.ends_on is None:
        errors.append(("ends_on", _("Enter the last day.")))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors.append(("ends_on", _("The last day cannot be before the first day.")))
    if data.starts_on and data.year and data.starts_on.year != data.year:
        errors.append(("starts_on", _("A run of the %(year)s plan starts in %(year)s.", year=data.year)))
    if data.capacity is None or not 1 <= data.capacity <= 5000:
        errors.append(("capacity", _("Capacity must be between 1 and 5000.")))
    if data.min_size is None or data.min_size < 0 or (data.capacity and data.min_size > data.capacity):
        errors.append(("min_size", _("The minimum size must be between 0 and the capacity.")))
    if data.enrol_opens_on and data.enrol_closes_on and data.enrol_closes_on < data.enrol_opens_on:
        errors.append(("enrol_closes_on", _("Enrolment cannot close before it opens.")))
    if data.enrol_closes_on and data.starts_on and data.enrol_closes_on >= data.starts_on:
        errors.append(("enrol_closes_on", _("Enrolment must close before the run starts (%(day)s).",
                                            day=data.starts_on.isoformat())))
    if data.status not in RUN_STATUSES:
        errors.append(("status", _("Choose a status.")))
    if data.route not in RUN_ROUTES:
        errors.append(("route", _("Choose how the run was added to the plan.")))
    if data.run_type not in RUN_TYPES:
        errors.append(("run_type", _("Choose who runs the class.")))
    if data.days is not None and not 1 <= data.days <= 366:
        errors.append(("days", _("Training days must be between 1 and 366.")))
    if data.hours_per_day is None or not 0 < data.hours_per_day <= 12:
        errors.append(("hours_per_day", _("Hours per day must be more than 0 and at most 12.")))
    if run is not None and run.id is not None and data.starts_on and data.ends_on:
        outside = [s for s in run.sessions if not data.starts_on <= s.local_date <= data.ends_on]
        if outside:
            errors.append(("starts_on", _("%(n)s sessions would fall outside the run's dates.", n=len(outside))))
        rooms = {s.room.id: s.room for s in run.sessions if s.room is not None}
        small = [r for r in rooms.values() if data.capacity and r.seats < data.capacity]
        if small:
            errors.append(("capacity", _("More places than seats in %(rooms)s.",
                                         rooms=", ".join(f"{r.label('zh')} ({r.seats})" for r in small))))
    return errors


def _save_run(course: Course, data: RunData, run: ClassRun | None) -> ClassRun:
    errors = _run_errors(course, data, run)
    if errors:
        raise ValidationFailed(errors)
    term = data.term or (run.term if run is not None and run.year == data.year else queries.next_term(course.id, data.year))
    code = data.code or (run.code if run is not None and run.year == data.year and run.term == term
                         else default_run_code(course, data.year, term))
    duplicates = db.session.execute(
        db.select(ClassRun.id, ClassRun.code).where(db.or_(
            ClassRun.code == code,
            db.and_(ClassRun.course_id == course.id, ClassRun.year == data.year, ClassRun.term == term)))
    ).all()
    conflicts = []
    for other_id, other_code in duplicates:
        if run is None or other_id != run.id:
            if other_code == code:
                conflicts.append(("code", _("Run code %(code)s is already used.", code=code)))
            else:
                conflicts.append(("term", _("The course already has run %(term)s in %(year)s.",
                                          term=term, year=data.year)))
    if conflicts:
        raise ConflictError("; ".join(m for _f, m in conflicts), conflicts)
    if run is None:
        run = ClassRun(course=course)
        db.session.add(run)
    run.year, run.term, run.code = data.year, term, code
    run.starts_on, run.ends_on = data.starts_on, data.ends_on
    run.enrol_opens_on, run.enrol_closes_on = data.enrol_opens_on, data.enrol_closes_on
    run.capacity, run.min_size = data.capacity, data.min_size
    run.status, run.route, run.run_type, run.partner = data.status, data.route, data.run_type, data.partner.strip()
    run.days = data.days or weekdays_between(data.starts_on, data.ends_on) or 1
    run.hours_per_day = data.hours_per_day
    db.session.flush()
    return run


def create_run(course: Course, data: RunData) -> ClassRun:
    return _save_run(course, data, None)


def update_run(run: ClassRun, data: RunData) -> ClassRun:
    if run.status == "cancelled" and data.status != "cancelled":
        raise RuleBrokenError(_("A cancelled run stays cancelled: copy it to schedule it again."))
    return _save_run(run.course, data, run)


def run_data(run: ClassRun, **changes) -> RunData:
    """The run's current values as RunData (forms and copies start from it)."""
    values = RunData(year=run.year, term=run.term, code=run.code, starts_on=run.starts_on, ends_on=run.ends_on,
                     capacity=run.capacity, enrol_opens_on=run.enrol_opens_on,
                     enrol_closes_on=run.enrol_closes_on, min_size=run.min_size, status=run.status,
                     route=run.route, run_type=run.run_type, days=run.days, hours_per_day=run.hours_per_day,
                     partner=run.partner)
    return replace(values, **changes)


# ---- sessions ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionData:
    day: date | None
    start: time | None
    end: time | None
    mode: str = "in_person"
    room_id: int | None = None
    meeting_url: str = ""
    instructor_ids: tuple[int, ...] = field(default_factory=tuple)
    title: str = ""


def local_datetime(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL_TZ)


def _session_errors(run: ClassRun, data: SessionData):
    errors = []
    if run.status in CLOSED_STATUSES:
        errors.append(("run", _("The run is %(status)s: its sessions cannot change.",
                                status=RUN_STATUS_LABELS[run.status])))
    if data.day is None:
        errors.append(("day", _("Enter the date.")))
    elif not run.starts_on <= data.day <= run.ends_on:
        errors.append(("day", _("The session falls outside the run's dates (%(start)s to %(end)s).",
                                start=run.starts_on.isoformat(), end=run.ends_on.isoformat())))
    if data.start is None:
        errors.append(("start", _("Enter the start time.")))
    if data.end is None:
        errors.append(("end", _("Enter the end time.")))
    if data.start and data.end and data.end <= data.start:
        errors.append(("end", _("The session must end after it starts.")))
    if data.mode not in SESSION_MODES:
        errors.append(("mode", _("Choose how the session is attended.")))
    room = db.session.get(Room, data.room_id) if data.room_id else None
    if data.room_id and room is None:
        errors.append(("room_id", _("Choose a room.")))
    if data.mode == "in_person" and room is None and not data.room_id:
        errors.append(("room_id", _("A classroom session needs a room.")))
    if data.mode != "in_person" and data.room_id:
        errors.append(("room_id", _("Only classroom sessions have a room.")))
    if data.mode == "remote" and not URL_PATTERN.match(data.meeting_url or ""):
        errors.append(("meeting_url", _("A remote session needs its https:// meeting link.")))
    elif data.meeting_url and not URL_PATTERN.match(data.meeting_url):
        errors.append(("meeting_url", _("The meeting link must start with https://.")))
    if room is not None and run.capacity > room.seats:
        errors.append(("room_id", _("The run takes %(capacity)s people but %(room)s seats %(seats)s.",
                                    capacity=run.capacity, room=room.label("zh"), seats=room.seats)))
    instructors = []
    if data.instructor_ids:
        instructors = list(db.session.execute(
            db.select(Instructor).where(Instructor.id.in_(data.instructor_ids))).scalars())
        if len(instructors) != len(set(data.instructor_ids)):
            errors.append(("instructor_ids", _("Choose instructors from the list.")))
    return errors, room, sorted(instructors, key=lambda i: i.id)


def _describe(session: ClassSession) -> str:
    start, end = session.local_start, session.local_end
    return f"{session.run.code} {start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _clashes(starts_at, ends_at, room, instructors, exclude_id) -> list[tuple[str, str]]:
    clashes = []
    if room is not None:
        for other in queries.room_clashes(room.id, starts_at, ends_at, exclude_id):
            clashes.append(("room_id", _("%(room)s is already booked by %(session)s.",
                                         room=room.label("zh"), session=_describe(other))))
    names = {i.id: i.name_zh for i in instructors}
    for instructor_id, other in queries.instructor_clashes(list(names), starts_at, ends_at, exclude_id):
        clashes.append(("instructor_ids", _("%(name)s already teaches %(session)s at that time.",
                                            name=names[instructor_id], session=_describe(other))))
    return clashes


def _save_session(run: ClassRun, data: SessionData, session: ClassSession | None) -> ClassSession:
    errors, room, instructors = _session_errors(run, data)
    if errors:
        raise ValidationFailed(errors)
    starts_at, ends_at = local_datetime(data.day, data.start), local_datetime(data.day, data.end)
    clashes = _clashes(starts_at, ends_at, room, instructors, session.id if session is not None else None)
    if clashes:
        raise ConflictError("; ".join(m for _f, m in clashes), clashes)
    created = session is None
    if created:
        session = ClassSession(run=run)
        db.session.add(session)
    before = _time_and_place(session)
    session.starts_at, session.ends_at, session.mode = starts_at, ends_at, data.mode
    session.room = room
    session.meeting_url = (data.meeting_url or "").strip()
    session.instructors = instructors
    session.title = data.title.strip()
    moved = not created and _time_and_place(session) != before
    if moved:
        session.sequence += 1   # calendar apps replace an event only when its SEQUENCE goes up
    db.session.flush()
    if created or moved:
        invitations.session_changed(session, created, previous_end=before[1])
    return session


def _time_and_place(session: ClassSession) -> tuple:
    return (session.starts_at, session.ends_at, session.mode, session.room.id if session.room else None,
            session.meeting_url)


def add_session(run: ClassRun, data: SessionData) -> ClassSession:
    return _save_session(run, data, None)


def update_session(session: ClassSession, data: SessionData) -> ClassSession:
    return _save_session(session.run, data, session)


def delete_session(session: ClassSession) -> None:
    if session.run.status in CLOSED_STATUSES:
        raise RuleBrokenError(_("The run is %(status)s: its sessions cannot change.",
                                status=RUN_STATUS_LABELS[session.run.status]))
    invitations.session_removed(session)
    db.session.delete(session)
    db.session.flush()


def session_data(session: ClassSession, **changes) -> SessionData:
    values = SessionData(day=session.local_date, start=session.local_start.time(), end=session.local_end.time(),
                         mode=session.mode, room_id=session.room_id, meeting_url=session.meeting_url,
                         instructor_ids=tuple(i.id for i in session.instructors), title=session.title)
    return replace(values, **changes)


# ---- copying and cancelling -----------------------------------------------------------------------------

def copy_run(run: ClassRun, starts_on: date, term: int | None = None, code: str = "") -> ClassRun:
    """A new planned run of the same course starting on `starts_on`, its sessions moved by the same
    number of days. Every check applies to the copy, so a room taken on the new date is reported."""
    if starts_on is None:
        raise ValidationFailed([("starts_on", _("Enter the first day."))])
    shift = starts_on - run.starts_on
    moved = lambda day: day + shift if day else None  # noqa: E731
    copy = create_run(run.course, run_data(
        run, year=starts_on.year, term=term, code=code, starts_on=starts_on, ends_on=moved(run.ends_on),
        enrol_opens_on=moved(run.enrol_opens_on), enrol_closes_on=moved(run.enrol_closes_on), status="planned"))
    for session in run.sessions:
        add_session(copy, session_data(session, day=session.local_date + shift))
    return copy


def cancel_run(run: ClassRun, reason: str = "") -> int:
    """Cancel a run, withdraw its sessions from the calendars and tell the people involved.
    Returns how many people were notified."""
    if run.status == "cancelled":
        return 0
    if run.status == "finished":
        raise RuleBrokenError(_("A finished run cannot be cancelled."))
    run.status, run.cancel_reason = "cancelled", (reason or "").strip()[:400]
    for session in run.sessions:
        session.sequence += 1
    db.session.flush()
    return run_cancelled(run)


def people_to_tell(run: ClassRun) -> list[Employee]:
    """The run's staff instructors. Learners booked on the run are told by the enrolment module, which
    subscribes to the "run.cancelled" event recorded in run_cancelled."""
    people = {}
    for session in run.sessions:
        for instructor in session.instructors:
            if instructor.employee is not None:
                people[instructor.employee.id] = instructor.employee
    return list(people.values())


def run_cancelled(run: ClassRun) -> int:
    subject = _("Class cancelled: %(title)s (%(code)s)", title=run.course.title_zh, code=run.code)
    body = _("The class run %(code)s starting %(day)s has been cancelled.", code=run.code,
             day=run.starts_on.isoformat())
    if run.cancel_reason:
        body += "\n" + _("Reason: %(reason)s", reason=run.cancel_reason)
    record_event("run.cancelled", obj=run, code=run.code, course=run.course.code, reason=run.cancel_reason)
    people = people_to_tell(run)
    for employee in people:
        notify(employee, subject, body, kind="run_cancelled", link=f"/courses/{run.course.code}")
    return len(people)


# ---- the annual plan from a file ------------------------------------------------------------------------

@dataclass
class PlanImportReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)   # (line, field, message)
    years: list[int] = field(default_factory=list)                     # plan years of the runs created

    @property
    def written(self) -> bool:
        return not self.errors and bool(self.created)


def _parse_day(raw) -> date | None:
    if isinstance(raw, date) or raw in ("", None):
        return raw or None
    match = re.fullmatch(r"(\d{2,4})[-/.](\d{1,2})[-/.](\d{1,2})", str(raw).strip())
    if not match:
        raise ValueError(raw)
    year, month, day = (int(g) for g in match.groups())
    return date(year + 1911 if year < 1000 else year, month, day)   # ROC years (民國) have 2-3 digits


def _parse_plan_row(values: dict) -> tuple[str, RunData, list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []

    def number(name, cast=int, default=None):
        raw = values.get(name, "")
        if raw in ("", None):
            return default
        try:
            return cast(raw)
        except (TypeError, ValueError):
            errors.append((name, _("%(value)s is not a number.", value=raw)))
            return default

    def day(name):
        try:
            return _parse_day(values.get(name))
        except ValueError:
            errors.append((name, _("%(value)s is not a date (YYYY-MM-DD or ROC YYY/MM/DD).",
                                   value=values.get(name))))
            return None

    starts_on = day("starts_on")
    data = RunData(
        year=number("year", default=starts_on.year if starts_on else None), term=number("term"),
        code=str(values.get("code") or ""), starts_on=starts_on, ends_on=day("ends_on"),
        enrol_opens_on=day("enrol_opens_on"), enrol_closes_on=day("enrol_closes_on"),
        capacity=number("capacity"), min_size=number("min_size", default=0),
        status=str(values.get("status") or "planned"), route=str(values.get("route") or "planned"),
        run_type=str(values.get("run_type") or "self_run"), days=number("days"),
        hours_per_day=number("hours_per_day", float, 6.0), partner=str(values.get("partner") or ""))
    return str(values.get("course_code") or "").strip(), data, errors


def import_plan(rows: list[tuple[int, dict]]) -> PlanImportReport:
    """Create the runs listed in a plan file. Every row is checked like a run entered by hand (including
    clashes with the rows above it); if any row fails, nothing is written and the report lists each problem."""
    report = PlanImportReport(rows=len(rows))
    codes = {code for _line, values in rows if (code := str(values.get("course_code") or "").strip())}
    courses = {c.code: c for c in db.session.execute(db.select(Course).where(Course.code.in_(codes))).scalars()}
    savepoint = db.session.begin_nested()
    for line, values in rows:
        course_code, data, errors = _parse_plan_row(values)
        course = courses.get(course_code)
        if course is None:
            errors.append(("course_code", _("No course has the code %(code)s.", code=course_code or "—")))
        if errors:
            report.errors.extend((line, f, m) for f, m in errors)
            continue
        try:
            report.created.append(create_run(course, data).code)
            if data.year not in report.years:
                report.years.append(data.year)
        except (ValidationFailed, ConflictError) as exc:
            report.errors.extend((line, f, m) for f, m in exc.errors)
    if report.errors:
        savepoint.rollback()
        report.created, report.years = [], []
    else:
        savepoint.commit()
    return report
