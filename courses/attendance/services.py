"""Every attendance change: check-in with the rotating code, manual roster marking, the meeting tool's
attendance export. Each records the minutes actually attended and updates the enrolment's total."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from courses.attendance.models import LEAVE_TYPES, Attendance
from courses.enrollment import events
from courses.enrollment import queries as enrollment_queries
from courses.enrollment.models import Enrollment
from courses.scheduling.models import LOCAL_TZ, ClassSession
from lms.db import utcnow
from lms.errors import RuleBrokenError, ValidationFailed
from lms.extensions import db
from lms.people.models import Employee

STEP_SECONDS = 30
CODE_DIGITS = 6
# Learners may check in from half an hour before the start until the end.
EARLY = timedelta(minutes=30)


# ---- the rotating check-in code ---------------------------------------------------------------------

def _step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_for(session_id: int, step: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"check-in:{session_id}:{step}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10 ** CODE_DIGITS:0{CODE_DIGITS}d}"


def current_code(session: ClassSession, now: datetime | None = None) -> tuple[str, int]:
    """The code to show now and the seconds until it changes."""
    now = now or utcnow()
    return code_for(session.id, _step(now)), STEP_SECONDS - int(now.timestamp()) % STEP_SECONDS


def code_is_valid(session: ClassSession, code: str, now: datetime) -> bool:
    """The current code or the one just before it (someone typing as the code turns over)."""
    code = re.sub(r"\s", "", code or "")
    step = _step(now)
    return any(hmac.compare_digest(code, code_for(session.id, s)) for s in (step, step - 1))


# ---- recording ---------------------------------------------------------------------------------------

def _session_minutes(session: ClassSession) -> int:
    return int(session.duration.total_seconds() // 60)


def _refresh_total(enrollment: Enrollment) -> None:
    db.session.flush()
    enrollment.minutes_attended = db.session.execute(
        db.select(db.func.coalesce(db.func.sum(Attendance.minutes), 0))
        .where(Attendance.enrollment_id == enrollment.id)).scalar_one()


def record_attendance(session: ClassSession, enrollment: Enrollment, minutes: int, method: str,
                      leave_type: str = "", checked_in_at: datetime | None = None) -> Attendance:
    """Create or correct one learner's attendance of one session; the domain event keeps the history."""
    minutes = max(0, min(int(minutes), _session_minutes(session)))
    row = db.session.execute(db.select(Attendance).filter_by(session_id=session.id, enrollment_id=enrollment.id)
                             ).scalar_one_or_none()
    if row is not None and (row.minutes, row.leave_type) == (minutes, leave_type):
        return row
    previous = row.minutes if row is not None else None
    if row is None:
        row = Attendance(session_id=session.id, enrollment_id=enrollment.id)
        db.session.add(row)
    row.minutes, row.method, row.leave_type = minutes, method, leave_type
    row.checked_in_at = checked_in_at or row.checked_in_at
    _refresh_total(enrollment)
    events.record(events.ATTENDED, enrollment, session_id=session.id, minutes_attended=minutes,
                  previous_minutes=previous, method=method, leave_type=leave_type,
                  session_start=session.starts_at.isoformat())
    return row


def check_in(session: ClassSession, employee: Employee, code: str, now: datetime | None = None) -> Attendance:
    """A learner checks in with the code on the instructor's screen (typed, or read from the QR code)."""
    now = now or utcnow()
    problems = []
    enrollment = enrollment_queries.enrollment_for(session.run_id, employee.id)
    if enrollment is None or enrollment.status != "seated":
        problems.append(("session", _("You do not have a seat in this class.")))
    if not session.starts_at - EARLY <= now <= session.ends_at:
        problems.append(("session", _("Check-in is open from %(start)s to %(end)s.",
                                      start=(session.starts_at - EARLY).astimezone(LOCAL_TZ).strftime("%H:%M"),
                                      end=session.local_end.strftime("%H:%M"))))
    if not code_is_valid(session, code, now):
        problems.append(("code", _("The code is wrong or has expired; enter the code shown now.")))
    if problems:
        raise RuleBrokenError("; ".join(m for _f, m in problems), problems)
    existing = db.session.execute(db.select(Attendance).filter_by(session_id=session.id,
                                                                 enrollment_id=enrollment.id)).scalar_one_or_none()
    if existing is not None and existing.checked_in_at is not None:
        return existing
    minutes = (session.ends_at - max(now, session.starts_at)).total_seconds() // 60
    return record_attendance(session, enrollment, int(minutes), "code", checked_in_at=now)


@dataclass(frozen=True)
class Mark:
    enrollment_id: int
    present: bool
    minutes: int | None = None
    leave_type: str = ""


def mark_roster(session: ClassSession, marks: list[Mark]) -> int:
    """The instructor's hand-marked roster; present without minutes means the whole session."""
    seated = {e.id: e for e in enrollment_queries.roster(session.run_id, ("seated",))}
    errors = []
    for mark in marks:
        if mark.enrollment_id not in seated:
            errors.append(("marks", _("Enrolment %(id)s has no seat in this run.", id=mark.enrollment_id)))
        if mark.leave_type not in LEAVE_TYPES:
            errors.append(("marks", _("Unknown kind of leave: %(kind)s", kind=mark.leave_type)))
        if mark.minutes is not None and not 0 <= mark.minutes <= _session_minutes(session):
            errors.append(("marks", _("Minutes must be between 0 and %(n)s.", n=_session_minutes(session))))
    if errors:
        raise ValidationFailed(errors)
    for mark in marks:
        minutes = (mark.minutes if mark.minutes is not None else _session_minutes(session)) if mark.present else 0
        record_attendance(session, seated[mark.enrollment_id], minutes, "manual",
                          leave_type="" if mark.present else (mark.leave_type or "absent"))
    return len(marks)


# ---- CSV files ------------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    rows: list[tuple[int, str, str, str]] = field(default_factory=list)   # (line, who, result, message)

    def add(self, line: int, who: str, ok: bool, message: str) -> None:
        self.rows.append((line, who, "ok" if ok else "error", message))

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r[2] == "ok")

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.rows if r[2] == "error")


def decode_csv(data: bytes) -> list[dict[str, str]]:
    """Rows of a CSV file in UTF-8 (with or without BOM) or Big5 (cp950, what Excel writes on Chinese Windows),
    with header names lower-cased and trimmed."""
    for encoding in ("utf-8-sig", "cp950"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed([("file", _("The file is neither UTF-8 nor Big5 text."))])
    reader = csv.DictReader(io.StringIO(text))
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]


def pick(row: dict[str, str], *names: str) -> str:
    for name in names:
        if row.get(name):
            return row[name]
    return ""


STAFF_NO_COLUMNS = ("staff_no", "員工編號", "staff number")
EMAIL_COLUMNS = ("email", "user email", "電子郵件", "e-mail")
MINUTES_COLUMNS = ("minutes", "duration (minutes)", "出席分鐘", "時間長度 (分鐘)", "duration")
JOIN_COLUMNS = ("join_time", "join time", "加入時間")


def _who(row: dict[str, str]) -> Employee | None:
    staff_no, email = pick(row, *STAFF_NO_COLUMNS).upper(), pick(row, *EMAIL_COLUMNS).lower()
    stmt = db.select(Employee)
    if staff_no:
        stmt = stmt.where(Employee.staff_no == staff_no)
    elif email:
        stmt = stmt.where(db.func.lower(Employee.email) == email)
    else:
        return None
    return db.session.execute(stmt).scalar_one_or_none()


def import_meeting_attendance(session: ClassSession, data: bytes) -> ImportReport:
    """The meeting tool's attendance export (staff number or e-mail, join time, minutes present). A person who
    joined several times has their minutes added up, capped at the session's length. Bad rows are reported
    line by line; the good ones are recorded."""
    report = ImportReport()
    seated = {e.employee_id: e for e in enrollment_queries.roster(session.run_id, ("seated",))}
    totals: dict[int, int] = {}
    for line, row in enumerate(decode_csv(data), start=2):
        who = pick(row, *STAFF_NO_COLUMNS, *EMAIL_COLUMNS) or "—"
        employee = _who(row)
        raw_minutes = pick(row, *MINUTES_COLUMNS)
        if employee is None:
            report.add(line, who, False, _("No staff member matches this row."))
            continue
        if employee.id not in seated:
            report.add(line, who, False, _("%(name)s has no seat in this run.", name=employee.name_zh))
            continue
        try:
            minutes = int(float(raw_minutes))
            if minutes < 0:
                raise ValueError
        except ValueError:
            report.add(line, who, False, _("Minutes present must be a number: %(value)s", value=raw_minutes or "—"))
            continue
        totals[employee.id] = totals.get(employee.id, 0) + minutes
        joined = pick(row, *JOIN_COLUMNS)
        report.add(line, who, True, _("%(name)s: %(n)s minutes (joined %(at)s)", name=employee.name_zh, n=minutes,
                                      at=joined or "—"))
    for employee_id, minutes in totals.items():
        record_attendance(session, seated[employee_id], minutes, "csv")
    return report
