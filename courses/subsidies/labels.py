"""What the subsidy's codes are called on screen (claim statuses, outcomes, result kinds), in one place."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {"submitted": _l("Waiting for review"), "correction_requested": _l("Correction requested"),
                 "approved": _l("Approved"), "rejected": _l("Rejected"), "paid": _l("Paid")}
OUTCOME_LABELS = {"passed": _l("Passed"), "failed_sat": _l("Sat the whole test, not passed")}
RESULT_KIND_LABELS = {"level": _l("A named level"), "score": _l("A score")}
EVENT_LABELS = {
    "subsidy.submitted": _l("Submitted"), "subsidy.approved": _l("Approved"), "subsidy.rejected": _l("Rejected"),
    "subsidy.correction_requested": _l("Correction requested"), "subsidy.paid": _l("Paid"),
    "subsidy.english_level_certified": _l("English level certified"),
}
RULE_FIELD_LABELS = {
    "claim_deadline_months": _l("Claim deadline (months after the test date)"),
    "budget": _l("Yearly budget (NT$)"),
    "cap_per_claim": _l("Cap per claim (NT$, empty = no cap)"),
    "pass_rate": _l("Share of the fee paid for a pass"),
    "failed_sit_rate": _l("Share of the fee paid for a failed but fully sat test"),
    "failed_sits_per_year": _l("Failed sits paid per person and year"),
    "min_cefr": _l("Lowest CEFR level that counts as a pass"),
}


def template_labels() -> dict:
    return {"subsidy_status_labels": STATUS_LABELS, "subsidy_outcome_labels": OUTCOME_LABELS,
            "subsidy_result_kind_labels": RESULT_KIND_LABELS, "subsidy_rule_labels": RULE_FIELD_LABELS,
            "subsidy_event_labels": EVENT_LABELS}
