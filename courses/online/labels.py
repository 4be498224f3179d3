"""Labels of online-course values shown on pages (lazy, so they follow the reader's language)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MOVE_ON_LABELS = {
    "Passed": _l("Pass the test"),
    "Completed": _l("Complete it"),
    "CompletedAndPassed": _l("Complete it and pass the test"),
    "CompletedOrPassed": _l("Complete it or pass the test"),
    "NotApplicable": _l("Open it"),
}


def template_labels() -> dict:
    return {"move_on_labels": MOVE_ON_LABELS}
