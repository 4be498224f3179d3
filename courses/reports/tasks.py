"""Background work of the reports: the monthly report to every supervisor. The daily sweep sends what
this month still owes (a supervisor already sent to is skipped), so a missed day or a second beat
sends nothing twice."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from courses.reports import queries, services
from lms.celery_app import enqueue


@shared_task
def send_monthly_report(supervisor_id: int, period: str) -> bool:
    return services.send_monthly_report(supervisor_id, period)


@shared_task
def send_monthly_reports() -> int:
    """Queue this month's report for every active supervisor (each task is idempotent)."""
    period = services.monthly_period(queries.local_today())
    supervisors = queries.supervisors_owed(period)
    for supervisor_id in supervisors:
        enqueue(send_monthly_report, supervisor_id, period)
    return len(supervisors)


@shared_task
def refresh_standings(year: int | None = None, unless_younger_than: int | None = None) -> int:
    """Recompute the stored standing of `year` (default: this year), unless it is younger than
    `unless_younger_than` seconds (a page's request); returns the people stored."""
    snap = services.refresh_standings(year or queries.local_today().year, unless_younger_than=unless_younger_than)
    return snap.people if snap is not None else 0


BEAT_SCHEDULE = {
    "reports-monthly-supervisor-reports": {
        "task": "courses.reports.tasks.send_monthly_reports", "schedule": timedelta(days=1)},
    "reports-refresh-standings": {
        "task": "courses.reports.tasks.refresh_standings", "schedule": timedelta(minutes=10)},
}
