"""What the tracks' codes are called on screen (requirement kinds, validity, licence kinds), in one place."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

REQUIREMENT_KIND_LABELS = {
    "course": _l("Course completed"), "topic_hours": _l("Hours in topics"),
    "yearly_hours": _l("Hours in topics this year"), "exam": _l("Exam"), "licence": _l("Licence recorded"),
}
VALIDITY_LABELS = {"none": _l("No expiry"), "fixed": _l("Fixed period"), "licence": _l("Until the licence expires"),
                   "annual": _l("While the yearly hours are met")}
HOLDING_STATUS_LABELS = {"active": _l("Valid"), "lapsed": _l("Lapsed")}
VIA_LABELS = {"self": _l("Joined"), "nomination": _l("Nominated")}
# 學習 / 普通 / 專業 · 基本級 / 高級
LICENCE_KIND_LABELS = {"learner": _l("Learner (學習)"), "ordinary": _l("Ordinary (普通)"),
                       "professional": _l("Professional (專業)")}
LICENCE_LEVEL_LABELS = {"": _l("—"), "basic": _l("Basic (基本級)"), "advanced": _l("Advanced (高級)")}
LICENCE_STRUCTURE_LABELS = {"": _l("—"), "multirotor": _l("Multirotor"), "fixed_wing": _l("Fixed wing"),
                            "helicopter": _l("Helicopter")}


def template_labels() -> dict:
    return {"track_requirement_labels": REQUIREMENT_KIND_LABELS, "track_validity_labels": VALIDITY_LABELS,
            "track_status_labels": HOLDING_STATUS_LABELS, "track_via_labels": VIA_LABELS,
            "licence_kind_labels": LICENCE_KIND_LABELS, "licence_level_labels": LICENCE_LEVEL_LABELS}
