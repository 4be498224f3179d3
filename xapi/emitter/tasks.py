"""Forwarding the outbox to the external LRS: one entry right after it is written, and a periodic
sweep that retries what is due (with backoff) and alerts when the remote has been down too long."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from flask import current_app

from lms.db import utcnow
from lms.extensions import db
from xapi.emitter import queries, services
from xapi.emitter.models import OutboxEntry

DEFAULT_ALERT_MINUTES = 60


@shared_task
def forward_outbox_entry(entry_id: int) -> bool:
    """One attempt; a failure leaves the entry pending with its next attempt time for the sweep."""
    entry = db.session.get(OutboxEntry, entry_id)
    if entry is None or not services.forwarding_configured():
        return False
    return services.deliver(entry)


@shared_task
def forward_due_outbox() -> int:
    if not services.forwarding_configured():
        return 0
    delivered = 0
    for entry_id in queries.due_entry_ids(utcnow()):
        if services.deliver(db.session.get(OutboxEntry, entry_id)):
            delivered += 1
        else:
            break  # the remote is failing: leave the rest for the next sweep instead of hammering it
    alert_if_remote_down()
    return delivered


def alert_if_remote_down() -> bool:
    from xapi.emitter.alerts import alert_administrators

    since = queries.oldest_undelivered_failure()
    minutes = int(current_app.config.get("XAPI_FORWARD_ALERT_MINUTES", DEFAULT_ALERT_MINUTES))
    if since is None or utcnow() - since < timedelta(minutes=minutes):
        return False
    return alert_administrators(since)


BEAT_SCHEDULE = {
    "forward-due-xapi-outbox": {"task": "xapi.emitter.tasks.forward_due_outbox", "schedule": timedelta(minutes=1)},
}
