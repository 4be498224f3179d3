"""Calendar invitations in booking e-mails (iMIP): the learner's confirmation carries the run's sessions as
METHOD:REQUEST, a moved or added session sends an updated REQUEST to everyone seated, a removed session, a
cancelled run or a withdrawn seat sends METHOD:CANCEL. UIDs are the sessions' own (calendars.session_uid)
and SEQUENCE is the session's counter, which the scheduling services raise whenever its time or place
changes, so calendar apps replace or remove the event they hold instead of adding a second one.

The notifications core only carries the iCalendar text (lms never imports courses); the e-mails for
enrolment changes are sent by courses.enrollment.notices with `calendar_part`.
"""
from __future__ import annotations

from flask_babel import gettext as _

from courses.enrollment import queries as enrollment_queries
from courses.scheduling import calendars
from courses.scheduling.models import ClassRun, ClassSession
from lms.db import utcnow
from lms.notifications.services import notify

REQUEST, CANCEL = "REQUEST", "CANCEL"


def calendar_part(run: ClassRun, employee, method: str, sessions=None) -> dict:
    """Keyword arguments for notify() that attach the sessions (the run's, unless given) as an invitation
    to `employee`; nothing when there is no session yet or the person has no e-mail address."""
    sessions = list(run.sessions if sessions is None else sessions)
    if not sessions or not getattr(employee, "email", None):
        return {}
    body = calendars.calendar_for(sessions, f"{run.course.title_zh} {run.code}", method=method, attendee=employee)
    return {"calendar_ics": body, "calendar_method": method}


def _title(run: ClassRun) -> str:
    return f"{run.course.title_zh} ({run.code})"


def describe_place(session: ClassSession) -> str:
    """Where or how to attend, in words for an e-mail."""
    if session.room is not None:
        address = session.room.venue.address
        return session.room.label("zh") + (f" ({address})" if address else "")
    if session.mode == "remote":
        return _("online, meeting link: %(url)s", url=session.meeting_url)
    return _("online pre-work, at your own pace")


def describe_time(session: ClassSession) -> str:
    start, end = session.local_start, session.local_end
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _tell_seated(session: ClassSession, kind: str, subject: str, body: str, method: str) -> int:
    run = session.run
    learners = [e.employee for e in enrollment_queries.roster(run.id, ("seated",))]
    for employee in learners:
        notify(employee, subject, body, kind=kind, link=f"/courses/{run.course.code}",
               **calendar_part(run, employee, method, [session]))
    return len(learners)


def _upcoming(*ends) -> bool:
    # History is not re-sent: a correction to a session that is over changes nobody's plans.
    return any(end is not None and end > utcnow() for end in ends)


def session_changed(session: ClassSession, created: bool, previous_end=None) -> int:
    """After a session was added or moved (its SEQUENCE already raised): an updated REQUEST to the seated."""
    if not _upcoming(session.ends_at, previous_end):
        return 0
    run = session.run
    if created:
        subject = _("New session: %(title)s", title=_title(run))
        body = _("A session has been added to %(title)s: %(when)s, %(where)s.", title=_title(run),
                 when=describe_time(session), where=describe_place(session))
    else:
        subject = _("Session moved: %(title)s", title=_title(run))
        body = _("A session of %(title)s has changed. It is now %(when)s, %(where)s.", title=_title(run),
                 when=describe_time(session), where=describe_place(session))
    return _tell_seated(session, "session_changed", subject, body, REQUEST)


def session_removed(session: ClassSession) -> int:
    """Before a session is deleted: its SEQUENCE goes up once more and the seated get a CANCEL."""
    session.sequence += 1
    if not _upcoming(session.ends_at):
        return 0
    run = session.run
    return _tell_seated(session, "session_cancelled", _("Session cancelled: %(title)s", title=_title(run)),
                        _("The session of %(title)s on %(when)s has been cancelled.", title=_title(run),
                          when=describe_time(session)), CANCEL)
