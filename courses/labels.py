"""What the training domain's codes are called on screen (modes, statuses, routes), in one place."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

DELIVERY_MODE_LABELS = {
    "in_person": _l("In person"), "remote": _l("Remote (live online)"),
    "blended": _l("Blended (online pre-work and classroom)"), "online": _l("Self-paced online"),
}
SESSION_MODE_LABELS = {"in_person": _l("Classroom"), "remote": _l("Remote (live online)"),
                       "online_prework": _l("Online pre-work")}
RUN_STATUS_LABELS = {"planned": _l("Planned"), "open": _l("Open for enrolment"), "closed": _l("Enrolment closed"),
                     "running": _l("Running"), "finished": _l("Finished"), "cancelled": _l("Cancelled")}
RUN_ROUTE_LABELS = {"planned": _l("Annual plan"), "ad_hoc": _l("Added during the year"),
                    "open": _l("Open enrolment")}
RUN_TYPE_LABELS = {"self_run": _l("Run by the centre"), "commissioned": _l("Commissioned"),
                   "co_organised": _l("Co-organised")}


def choices(labels: dict) -> list[tuple[str, object]]:
    # Labels stay lazy: forms declare their choices at import time, and the text must be chosen when a
    # page renders, in that page's language (str() here froze the English msgids into the forms).
    return list(labels.items())


def template_labels() -> dict:
    return {"delivery_mode_labels": DELIVERY_MODE_LABELS, "session_mode_labels": SESSION_MODE_LABELS,
            "run_status_labels": RUN_STATUS_LABELS, "run_route_labels": RUN_ROUTE_LABELS,
            "run_type_labels": RUN_TYPE_LABELS}
