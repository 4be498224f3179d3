"""Background work of enrolment: certificates (one, or a whole run), and the periodic jobs — expiring
unanswered approval requests, blended pre-work gating, the day-before reminder, the supervisors'
follow-up surveys (one task module, so lms.celery_app lists one entry)."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from courses.enrollment import certificates, services
from courses.enrollment.models import Certificate
from courses.scheduling import queries as scheduling_queries
from lms.extensions import db


@shared_task
def generate_certificate(certificate_id: int) -> None:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is not None:
        certificates.generate(certificate)


@shared_task
def generate_run_certificates(run_id: int) -> int:
    run = scheduling_queries.get_run(run_id)
    return certificates.generate_for_run(run) if run is not None else 0


@shared_task
def expire_approval_requests() -> int:
    return services.expire_requests()


@shared_task
def gate_blended_prework() -> int:
    return services.gate_prework()


@shared_task
def send_session_reminders() -> int:
    return services.send_reminders()


@shared_task
def send_follow_up_surveys() -> int:
    from courses.evaluation.services import send_follow_ups

    return send_follow_ups()


BEAT_SCHEDULE = {
    "enrollment-expire-approval-requests": {
        "task": "courses.enrollment.tasks.expire_approval_requests", "schedule": timedelta(hours=1)},
    "enrollment-gate-blended-prework": {
        "task": "courses.enrollment.tasks.gate_blended_prework", "schedule": timedelta(hours=6)},
    "enrollment-session-reminders": {
        "task": "courses.enrollment.tasks.send_session_reminders", "schedule": timedelta(hours=1)},
    "evaluation-follow-up-surveys": {
        "task": "courses.enrollment.tasks.send_follow_up_surveys", "schedule": timedelta(days=1)},
}
