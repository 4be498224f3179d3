"""The platform's xAPI profile: verbs (ADL and cmi5 where they exist, our own otherwise), activity
types and the context/result extension IRIs that carry the portal's fields.

No Taiwanese xAPI profile exists (DOMAIN.md §6), so our own IRIs live under PROFILE_IRI. They are
identifiers, not links: they must never change once statements carry them.
"""
from __future__ import annotations

PROFILE_IRI = "https://lms.kcg.gov.tw/xapi/profile/v1"
ADL = "http://adlnet.gov/expapi/verbs/"
ADL_W3ID = "https://w3id.org/xapi/adl/verbs/"

# key -> (verb IRI, {language: display})
VERBS: dict[str, tuple[str, dict[str, str]]] = {
    "registered": (ADL + "registered", {"en-US": "registered", "zh-TW": "報名"}),
    "waitlisted": (PROFILE_IRI + "/verbs/waitlisted", {"en-US": "waitlisted", "zh-TW": "備取"}),
    "attended": (ADL + "attended", {"en-US": "attended", "zh-TW": "出席"}),
    "completed": (ADL + "completed", {"en-US": "completed", "zh-TW": "完訓"}),
    "passed": (ADL + "passed", {"en-US": "passed", "zh-TW": "通過"}),
    "failed": (ADL + "failed", {"en-US": "failed", "zh-TW": "未通過"}),
    "voided": (ADL + "voided", {"en-US": "voided", "zh-TW": "作廢"}),
    "earned": (PROFILE_IRI + "/verbs/earned", {"en-US": "earned", "zh-TW": "取得"}),
    "approved": (PROFILE_IRI + "/verbs/approved", {"en-US": "approved", "zh-TW": "核准"}),
    "awarded": (PROFILE_IRI + "/verbs/awarded", {"en-US": "was awarded", "zh-TW": "獲頒"}),
    # cmi5 (online courses launched from the e-learning portal)
    "launched": (ADL + "launched", {"en-US": "launched"}),
    "initialized": (ADL + "initialized", {"en-US": "initialized"}),
    "terminated": (ADL + "terminated", {"en-US": "terminated"}),
    "abandoned": (ADL_W3ID + "abandoned", {"en-US": "abandoned"}),
    "waived": (ADL_W3ID + "waived", {"en-US": "waived"}),
    "satisfied": (ADL_W3ID + "satisfied", {"en-US": "satisfied"}),
}

ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "run": "http://adlnet.gov/expapi/activities/meeting",
    "online_course": "http://adlnet.gov/expapi/activities/module",
    "certificate": PROFILE_IRI + "/activity-types/certificate",
    "subsidy": PROFILE_IRI + "/activity-types/subsidy-claim",
    "track": PROFILE_IRI + "/activity-types/certification-track",
}

EXT_HOURS = PROFILE_IRI + "/extensions/credited-hours"
EXT_MINUTES_ATTENDED = PROFILE_IRI + "/extensions/minutes-attended"
EXT_LEARNING_MODE = PROFILE_IRI + "/extensions/learning-mode"
EXT_DIGITAL_HOURS = PROFILE_IRI + "/extensions/digital-hours"
EXT_PHYSICAL_HOURS = PROFILE_IRI + "/extensions/physical-hours"
EXT_PORTAL_CATEGORY = PROFILE_IRI + "/extensions/portal-category"
EXT_TOPICS = PROFILE_IRI + "/extensions/topics"
EXT_TERM = PROFILE_IRI + "/extensions/term"
# Qualifications (certification-track levels, the certified English level) as they reach the personnel
# record: carried in result.extensions of "awarded"/"approved" statements.
EXT_QUALIFICATION = PROFILE_IRI + "/extensions/qualification"        # e.g. "procurement" or "english"
EXT_QUALIFICATION_LEVEL = PROFILE_IRI + "/extensions/qualification-level"  # e.g. "basic", "B2"
EXT_VALID_UNTIL = PROFILE_IRI + "/extensions/valid-until"            # ISO date or absent
