"""The one hook through which every enrolment, attendance and completion change is recorded.

Each change calls `record(kind, enrollment, **extra)`: a domain event (the audit trail, and the xAPI
emitter's input) with a plain-JSON payload in the emitter's contract (run, course, hours, minutes,
score...). Kinds follow the xAPI emitter's names where it has one (registered, waitlisted,
attendance.recorded, completed, failed, certification.issued).
"""
from __future__ import annotations

from typing import Any

from lms.events.services import record_event

REGISTERED = "enrollment.registered"        # a seat (正取) given straight away
WAITLISTED = "enrollment.waitlisted"        # 備取
PROMOTED = "enrollment.promoted"            # waitlist -> seat
REQUESTED = "enrollment.approval_requested"
APPROVED = "enrollment.approved"
DECLINED = "enrollment.declined"
EXPIRED = "enrollment.expired"
CANCELLED = "enrollment.cancelled"
GATED = "enrollment.gated"                  # pre-work not done: seat back to the waitlist
PREWORK_DONE = "enrollment.prework_done"
ATTENDED = "attendance.recorded"
COMPLETED = "enrollment.completed"
NOT_COMPLETED = "enrollment.not_completed"
FAILED = "enrollment.failed"
CERTIFICATE_ISSUED = "certification.issued"
OUTCOME_KINDS = {"completed": COMPLETED, "not_completed": NOT_COMPLETED, "failed": FAILED}


def learning_payload(enrollment) -> dict[str, Any]:
    run = enrollment.run
    course = run.course
    return {
        "run_id": run.id, "enrollment_id": enrollment.id, "status": enrollment.status, "seq": enrollment.seq,
        "run": {"code": run.code, "name_zh": course.title_zh, "name_en": course.title_en},
        "course": {"code": course.code, "name_zh": course.title_zh, "name_en": course.title_en,
                   "online": course.delivery_mode == "online"},
    }


def record(kind: str, enrollment, actor_user_id: int | None = None, occurred_at=None, **extra: Any):
    payload = learning_payload(enrollment)
    payload.update(extra)
    return record_event(kind, employee=enrollment.employee_id, obj=enrollment, actor_user_id=actor_user_id,
                        occurred_at=occurred_at, **payload)
