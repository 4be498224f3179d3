"""Delivery tasks: one notification by id, and a periodic sweep of the outbox."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from lms.extensions import db
from lms.notifications import queries
from lms.notifications.delivery import deliver
from lms.notifications.models import Notification


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def deliver_notification(self, notification_id: int) -> None:
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        return
    try:
        deliver(notification)
    except OSError as exc:
        if self.app.conf.task_always_eager:
            return  # the sweep will try again; an eager caller must not fail because mail is down
        raise self.retry(exc=exc)


@shared_task
def deliver_pending_notifications() -> int:
    """The outbox sweep: anything not yet sent (broker or mail server was down) is sent now."""
    count = 0
    for notification_id in queries.unsent_ids():
        notification = db.session.get(Notification, notification_id)
        try:
            deliver(notification)
            count += 1
        except OSError:
            continue
    return count


BEAT_SCHEDULE = {
    "deliver-pending-notifications": {
        "task": "lms.notifications.tasks.deliver_pending_notifications",
        "schedule": timedelta(minutes=5),
    },
}
