"""Scheduling input from JSON bodies into the services' dataclasses, and records out as JSON."""
from __future__ import annotations

from dataclasses import MISSING, fields, replace
from datetime import date, time

from flask_babel import gettext as _

from courses.scheduling.services import RunData, SessionData, run_data, session_data
from lms.errors import ValidationFailed

_DATES = {"starts_on", "ends_on", "enrol_opens_on", "enrol_closes_on", "day"}
_TIMES = {"start", "end"}
_INTS = {"year", "term", "capacity", "min_size", "days", "room_id"}


def _object(body) -> dict:
    if not isinstance(body, dict):
        raise ValidationFailed([("", _("Send a JSON object."))])
    return body


def _convert(name: str, value, errors: list):
    if value is None:
        return None
    try:
        if name in _DATES:
            return date.fromisoformat(value)
        if name in _TIMES:
            return time.fromisoformat(value)
        if name in _INTS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError
            return value
        if name == "hours_per_day":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError
            return float(value)
        if name == "instructor_ids":
            if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                raise TypeError
            return tuple(value)
        if not isinstance(value, str):
            raise TypeError
        return value
    except (TypeError, ValueError, AttributeError):
        errors.append((name, _("%(value)s is not a valid value here.", value=str(value)[:40])))
        return None


def _dataclass_from(body: dict, kind, current):
    errors: list[tuple[str, str]] = []
    names = {f.name for f in fields(kind)}
    values = {name: _convert(name, value, errors) for name, value in body.items() if name in names}
    if errors:
        raise ValidationFailed(errors)
    if current is not None:
        return replace(current, **values)
    # Required values left out reach the service as None, which reports them with the other problems.
    missing = [f.name for f in fields(kind)
               if f.name not in values and f.default is MISSING and f.default_factory is MISSING]
    values.update({name: None for name in missing})
    return kind(**values)


def run_from_json(body, run=None) -> tuple[str, RunData]:
    """(course code, RunData); for PATCH the run's current values fill in what is left out."""
    body = _object(body)
    return str(body.get("course") or ""), _dataclass_from(body, RunData, run_data(run) if run else None)


def session_from_json(body, session=None) -> SessionData:
    return _dataclass_from(_object(body), SessionData, session_data(session) if session else None)


def session_json(session, show_link: bool) -> dict:
    return {
        "id": session.id, "starts_at": session.local_start.isoformat(), "ends_at": session.local_end.isoformat(),
        "mode": session.mode, "title": session.title,
        "room": {"id": session.room.id, "name": session.room.name, "venue": session.room.venue.name_zh,
                 "seats": session.room.seats} if session.room else None,
        "meeting_url": session.meeting_url if show_link else None,
        "instructors": [{"id": i.id, "name_zh": i.name_zh, "name_en": i.name_en, "affiliation": i.affiliation}
                        for i in session.instructors],
    }


def run_json(run, sessions: bool = False, show_links: bool = False) -> dict:
    data = {
        "id": run.id, "course": run.course.code, "year": run.year, "term": run.term, "code": run.code,
        "starts_on": run.starts_on.isoformat(), "ends_on": run.ends_on.isoformat(),
        "enrol_opens_on": run.enrol_opens_on.isoformat() if run.enrol_opens_on else None,
        "enrol_closes_on": run.enrol_closes_on.isoformat() if run.enrol_closes_on else None,
        "capacity": run.capacity, "min_size": run.min_size, "status": run.status, "route": run.route,
        "run_type": run.run_type, "days": run.days, "hours_per_day": run.hours_per_day, "hours": run.hours,
        "partner": run.partner,
    }
    if sessions:
        data["sessions"] = [session_json(s, show_links) for s in run.sessions]
    return data
