"""What enrolment does when other parts of the training domain change: a cancelled run cancels its
enrolments and tells every learner booked on it (the scheduling module only records the event)."""
from __future__ import annotations

from courses.enrollment import queries, services
from lms.events.services import subscribe


def on_run_cancelled(event) -> None:
    if event.object_id is None:
        return
    for enrollment in queries.roster(event.object_id, statuses=("pending", "seated", "waitlisted")):
        services.cancel(enrollment, reason=event.payload.get("reason") or "run cancelled", override=True,
                        promote=False)


def register() -> None:
    subscribe("run.cancelled", on_run_cancelled)
