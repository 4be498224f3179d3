"""Creating notifications and marking them read. Delivery is a task (see delivery.py), so a slow mail
server never blocks a page."""
from __future__ import annotations

from lms.celery_app import enqueue
from lms.db import utcnow
from lms.extensions import db
from lms.notifications.models import Notification
from lms.notifications.tasks import deliver_notification
from lms.people.models import Employee


def notify(employee: Employee, subject: str, body: str, kind: str = "message",
           link: str | None = None) -> Notification:
    notification = Notification(employee=employee, subject=subject[:200], body=body, kind=kind, link=link)
    db.session.add(notification)
    db.session.flush()
    enqueue(deliver_notification, notification.id)
    return notification


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
