"""What learners and supervisors are told about enrolment changes (one function per message)."""
from __future__ import annotations

from flask_babel import gettext as _

from courses.scheduling.invitations import CANCEL, REQUEST, calendar_part
from lms.notifications.services import notify

MY_ENROLMENTS = "/my/enrolments"


def _title(enrollment) -> str:
    return f"{enrollment.run.course.title_zh} ({enrollment.run.code})"


def _tell(enrollment, kind: str, subject: str, body: str, link: str = MY_ENROLMENTS, calendar: str | None = None):
    """`calendar` (REQUEST or CANCEL) adds the run's sessions to the e-mail as a calendar invitation."""
    extra = calendar_part(enrollment.run, enrollment.employee, calendar) if calendar else {}
    return notify(enrollment.employee, subject, body, kind=kind, link=link, **extra)


def confirmed(enrollment) -> None:
    _tell(enrollment, "enrollment_confirmed", _("Enrolment confirmed: %(title)s", title=_title(enrollment)),
          _("You have a seat in %(title)s, starting %(day)s.", title=_title(enrollment),
            day=enrollment.run.starts_on.isoformat()), calendar=REQUEST)


def waitlisted(enrollment, position: int) -> None:
    _tell(enrollment, "enrollment_waitlisted", _("Waitlisted: %(title)s", title=_title(enrollment)),
          _("The class is full. You are number %(n)s on the waitlist and will be told if a seat frees up.",
            n=position))


def promoted(enrollment) -> None:
    _tell(enrollment, "enrollment_promoted", _("A seat is yours: %(title)s", title=_title(enrollment)),
          _("A seat became free in %(title)s and it is now yours, starting %(day)s.", title=_title(enrollment),
            day=enrollment.run.starts_on.isoformat()), calendar=REQUEST)


def approval_requested(enrollment, supervisors) -> None:
    _tell(enrollment, "approval_requested", _("Waiting for approval: %(title)s", title=_title(enrollment)),
          _("Your supervisor has been asked to approve your enrolment."))
    for supervisor in supervisors:
        notify(supervisor, _("Approval requested: %(name)s, %(title)s", name=enrollment.employee.name_zh,
                             title=_title(enrollment)),
               _("%(name)s asks to attend %(title)s. Please approve or decline before %(day)s.",
                 name=enrollment.employee.name_zh, title=_title(enrollment),
                 day=enrollment.approval_due_at.date().isoformat()),
               kind="approval_requested", link="/approvals")


def decided(enrollment, approved: bool) -> None:
    if approved:
        subject = _("Enrolment approved: %(title)s", title=_title(enrollment))
        body = _("Your supervisor approved your enrolment.")
    else:
        subject = _("Enrolment declined: %(title)s", title=_title(enrollment))
        body = _("Your supervisor declined your enrolment. Reason: %(reason)s", reason=enrollment.decision_reason)
    _tell(enrollment, "approval_decided", subject, body)


def expired(enrollment) -> None:
    _tell(enrollment, "approval_expired", _("Request expired: %(title)s", title=_title(enrollment)),
          _("Your supervisor did not answer in time, so the request has lapsed. You may enrol again."))


def cancelled(enrollment) -> None:
    _tell(enrollment, "enrollment_cancelled", _("Enrolment cancelled: %(title)s", title=_title(enrollment)),
          _("Your enrolment has been cancelled."),
          calendar=CANCEL if enrollment.seated_at is not None else None)   # only a seat had an invitation


def gated(enrollment, position: int) -> None:
    _tell(enrollment, "prework_missed", _("Seat released: %(title)s", title=_title(enrollment)),
          _("The online pre-work was not finished in time, so your seat went to the next person. "
            "You are number %(n)s on the waitlist.", n=position), calendar=CANCEL)


def reminder(enrollment, session) -> None:
    where = session.room.label("zh") if session.room else session.meeting_url
    _tell(enrollment, "session_reminder", _("Tomorrow: %(title)s", title=_title(enrollment)),
          _("Your class starts tomorrow at %(time)s, %(where)s.", time=session.local_start.strftime("%H:%M"),
            where=where or ""))


def result(enrollment, certificate_link: str | None) -> None:
    if enrollment.outcome == "completed":
        subject = _("Completed: %(title)s", title=_title(enrollment))
        body = _("Congratulations, you completed %(title)s with %(hours)s hours credited.",
                 title=_title(enrollment), hours=enrollment.credited_hours)
        if certificate_link:
            body += "\n" + _("Your certificate: %(link)s", link=certificate_link)
    else:
        subject = _("Result recorded: %(title)s", title=_title(enrollment))
        body = _("The class result has been recorded: not completed.") if enrollment.outcome == "not_completed" \
            else _("The class result has been recorded: failed.")
    _tell(enrollment, "enrollment_result", subject, body, link=certificate_link or MY_ENROLMENTS)
