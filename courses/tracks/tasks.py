"""Periodic work of the tracks: expiry reminders (90 and 30 days before) and lapsing holdings whose
validity ended. Both are safe to run twice; the task boundary commits."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from courses.tracks import services


@shared_task
def send_track_expiry_reminders() -> int:
    return services.send_expiry_reminders()


@shared_task
def lapse_expired_holdings() -> int:
    return services.lapse_expired()


BEAT_SCHEDULE = {
    "tracks-expiry-reminders": {"task": "courses.tracks.tasks.send_track_expiry_reminders",
                                "schedule": timedelta(hours=12)},
    "tracks-lapse-expired": {"task": "courses.tracks.tasks.lapse_expired_holdings", "schedule": timedelta(hours=6)},
}
