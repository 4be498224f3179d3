"""iCalendar (RFC 5545) output for sessions: subscription feeds and single-event invitations.

Times are written in Asia/Taipei with its VTIMEZONE; UIDs are stable per session and SEQUENCE follows
every change, so a moved session replaces the old event and a cancelled run's sessions show as cancelled.
"""
from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vCalAddress

from courses.scheduling.models import ClassSession
from lms.db import utcnow

PRODID = "-//Kaohsiung City Government//Civil Service Learning//ZH-TW"
ORGANIZER_NAME = "高雄市政府公務人力發展中心"


def session_uid(session: ClassSession) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "lms.local"
    return f"class-session-{session.id}@{host}"


def session_event(session: ClassSession, cancelled: bool = False) -> Event:
    run = session.run
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", session.local_start)
    event.add("dtend", session.local_end)
    title = run.course.title_zh + (f"：{session.title}" if session.title else "")
    event.add("summary", f"{title}（{run.code}）")
    if session.room is not None:
        event.add("location", session.room.label("zh") + (f"，{session.room.venue.address}"
                                                          if session.room.venue.address else ""))
    elif session.meeting_url:
        event.add("location", session.meeting_url)
    if session.meeting_url:
        event.add("url", session.meeting_url)
    lines = [f"{run.course.code} {run.code}"]
    if session.instructors:
        lines.append("講座：" + "、".join(i.name_zh + (f"（{i.affiliation}）" if i.affiliation else "")
                                      for i in session.instructors))
    if session.meeting_url:
        lines.append(session.meeting_url)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancelled or run.status == "cancelled" else "CONFIRMED")
    return event


def _address(email: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    for key, value in params.items():
        address.params[key] = value
    return address


def _add_people(event: Event, attendee) -> None:
    """iTIP needs an ORGANIZER and the ATTENDEE the message is for, or clients treat it as a plain file.
    The booking is already made, so the attendee has accepted and no reply is asked for."""
    event.add("organizer", _address(parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1] or "lms@localhost",
                                     cn=ORGANIZER_NAME))
    if attendee is not None and attendee.email:
        event.add("attendee", _address(attendee.email, cn=attendee.name_zh, role="REQ-PARTICIPANT",
                                       partstat="ACCEPTED", rsvp="FALSE"))


def calendar_for(sessions, name: str, method: str | None = None, attendee=None) -> bytes:
    """One VCALENDAR with a VEVENT per session; `method` (REQUEST or CANCEL) makes it an invitation to
    `attendee` (an Employee)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Taipei")
    if method:
        calendar.add("method", method)
    for session in sessions:
        event = session_event(session, cancelled=method == "CANCEL")
        if method:
            _add_people(event, attendee)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
