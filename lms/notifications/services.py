"""Creating notifications and marking them read. Delivery is a task (see delivery.py), so a slow mail
server never blocks a page."""
from __future__ import annotations

from lms.celery_app import enqueue
from lms.db import utcnow
from lms.extensions import db
from lms.notifications.models import Notification
from lms.notifications.tasks import deliver_notification
from lms.people.models import Employee


CALENDAR_METHODS = ("REQUEST", "CANCEL")


def notify(employee: Employee, subject: str, body: str, kind: str = "message", link: str | None = None,
           calendar_ics: str | bytes | None = None, calendar_method: str | None = None) -> Notification:
    """Queue a message for one person. `calendar_ics` (an iCalendar object with METHOD `calendar_method`)
    travels with the e-mail as its text/calendar part: the domains build it, the core only carries it."""
    if calendar_ics is not None and calendar_method not in CALENDAR_METHODS:
        raise ValueError(f"calendar_method must be one of {CALENDAR_METHODS}")
    if isinstance(calendar_ics, bytes):
        calendar_ics = calendar_ics.decode("utf-8")
    notification = Notification(employee=employee, subject=subject[:200], body=body, kind=kind, link=link,
                                calendar_ics=calendar_ics, calendar_method=calendar_method if calendar_ics else None)
    db.session.add(notification)
    db.session.flush()
    enqueue(deliver_notification, notification.id)
    return notification


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
