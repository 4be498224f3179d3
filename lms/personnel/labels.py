"""Names shown for the codes of the ledger: topics, learning modes, statuses, cyber roles, rank classes,
qualification kinds."""
from flask_babel import lazy_gettext as _l

# Topic codes (DOMAIN.md glossary). Records carry any number of them; rules count by them.
TOPICS = {
    "policy": _l("Major government policy"),
    "environment": _l("Environmental education"),
    "gender": _l("Gender mainstreaming"),
    "integrity": _l("Integrity and service ethics"),
    "human_rights": _l("Human rights education"),
    "neutrality": _l("Administrative neutrality"),
    "ethnic_diversity": _l("Ethnic and cultural diversity"),
    "civic_participation": _l("Civic participation"),
    "cyber_general": _l("Cybersecurity (general)"),
    "cyber_pro": _l("Cybersecurity (professional)"),
}
GOVERNANCE_TOPICS = ("integrity", "human_rights", "neutrality", "ethnic_diversity", "civic_participation")

LEARNING_MODES = {1: _l("Digital"), 2: _l("In person"), 3: _l("Blended")}
RECORD_STATUSES = {"pending": _l("Pending review"), "certified": _l("Certified"), "rejected": _l("Rejected")}
EXTERNAL_STATUSES = {"submitted": _l("Submitted"), "approved": _l("Approved"), "declined": _l("Not approved")}
CYBER_ROLES = {"dedicated": _l("Dedicated security staff"), "it": _l("IT staff"), "general": _l("General users and supervisors")}
RANK_CLASSES = {"special": _l("Special appointment"), "senior": _l("Senior rank"), "junior": _l("Junior rank"),
                "elementary": _l("Elementary rank"), "other": _l("Outside the rank system")}
PUSH_STATES = {"pending": _l("Waiting"), "accepted": _l("Accepted"), "rejected": _l("Rejected")}


def topic_label(code: str) -> str:
    return str(TOPICS.get(code, code))

# Qualification kinds with a name of their own; a certification track's code is shown as it comes.
QUALIFICATION_KINDS = {"english": _l("English proficiency (CEFR)")}


def qualification_label(kind: str) -> str:
    return str(QUALIFICATION_KINDS.get(kind, kind))
