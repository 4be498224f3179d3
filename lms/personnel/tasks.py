"""Celery tasks of the ledger: ingest after learning events, a periodic sweep of the LRS, and the
push of certified records to the HR system."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task

# Re-read this many seq numbers behind the checkpoint in the sweep: on PostgreSQL a statement can
# commit after one with a higher seq, and re-reading is harmless (ingestion is idempotent).
SWEEP_REREAD = 2000


@shared_task
def ingest_hours() -> int:
    from lms.personnel.ledger import ingest_statements

    return ingest_statements()


@shared_task
def sweep_hours() -> int:
    from lms.personnel.ledger import ingest_statements

    return ingest_statements(reread=SWEEP_REREAD)


@shared_task
def push_hr_records() -> int | None:
    from lms.personnel.push import push_changes

    run = push_changes()
    return run.id if run is not None else None


BEAT_SCHEDULE = {
    "sweep-learning-hours": {"task": "lms.personnel.tasks.sweep_hours", "schedule": timedelta(minutes=5)},
    "push-hr-records": {"task": "lms.personnel.tasks.push_hr_records", "schedule": timedelta(hours=1)},
}
