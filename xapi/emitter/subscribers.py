"""The bridge from the platform's domain events (lms.events) to xAPI statements.

The training domain records events with plain values in the payload, so this package never needs
to import it. The payload contract, per event:
    course: {"code", "name_zh", "name_en"?, "online"?}   run: {"code", "name_zh", "name_en"?}
    other:  {"kind": certificate|subsidy|track, "code", "name_zh"}   (instead of course/run)
    hours (credited), minutes_attended, success, completion, score: [raw, min, max],
    extensions: {IRI: value} for portal fields (learning mode, digital/physical hours, category...).
"""
from __future__ import annotations

from lms.extensions import db
from lms.people.models import Employee
from xapi.emitter import services

# Domain event kind -> verb of our profile (vocabulary.VERBS).
EVENT_VERBS = {
    "enrollment.registered": "registered",
    "enrollment.promoted": "registered",
    "enrollment.waitlisted": "waitlisted",
    "attendance.recorded": "attended",
    "enrollment.completed": "completed",
    "enrollment.passed": "passed",
    "enrollment.failed": "failed",
    "certification.issued": "earned",
    "online.completed": "completed",
    "subsidy.approved": "approved",
    "track.awarded": "awarded",
}


def _activities(payload: dict):
    """(object, parent): the run with its course as parent, or the course, or another activity."""
    course = payload.get("course")
    course_ref = services.course_activity(course["code"], course["name_zh"], course.get("name_en", ""),
                                          online=bool(course.get("online"))) if course else None
    if run := payload.get("run"):
        return services.run_activity(run["code"], run["name_zh"], run.get("name_en", "")), course_ref
    if other := payload.get("other"):
        return services.other_activity(other["kind"], other["code"], other["name_zh"]), course_ref
    return course_ref, None


def on_domain_event(event) -> None:
    verb = EVENT_VERBS.get(event.kind)
    if verb is None or event.employee_id is None:
        return
    payload = event.payload or {}
    activity, parent = _activities(payload)
    if activity is None:
        return
    score = payload.get("score")
    services.record_event(services.LearningEvent(
        verb=verb, employee=db.session.get(Employee, event.employee_id), activity=activity, parent=parent,
        occurred_at=event.occurred_at, credited_hours=payload.get("hours"),
        minutes_attended=payload.get("minutes_attended"), success=payload.get("success"),
        completion=payload.get("completion"), score=tuple(score) if score else None,
        extensions=payload.get("extensions") or {}))


def register() -> None:
    from lms.events.services import subscribe

    subscribe("", on_domain_event)
