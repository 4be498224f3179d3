"""JSON shapes of the subsidy API and the parsing of its claim input (test and level by their names)."""
from __future__ import annotations

from datetime import date
from typing import Mapping

from flask_babel import gettext as _

from courses.subsidies.models import SubsidyClaim, SubsidyRuleSet, format_score
from courses.subsidies.queries import CertifiedLevel
from courses.subsidies.services import ClaimData, parse_score
from lms.errors import ValidationFailed


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def claim_json(claim: SubsidyClaim) -> dict:
    return {
        "id": claim.id, "status": claim.status, "year": claim.rule_set.year,
        "employee": {"staff_no": claim.employee.staff_no, "name": claim.employee.name_zh,
                     "agency": claim.employee.agency.code},
        "test": claim.test.code, "level": claim.level.label if claim.level else None,
        "score": format_score(claim.score) or None, "outcome": claim.outcome, "cefr": claim.cefr,
        "test_date": claim.test_date.isoformat(), "fee_paid": claim.fee_paid, "rate": str(claim.rate),
        "amount": claim.amount, "note": claim.note or None, "submitted_at": _iso(claim.submitted_at),
        "decided_at": _iso(claim.decided_at), "paid_at": _iso(claim.paid_at),
        "payout": claim.payout_batch.reference if claim.payout_batch else None,
        "files": {"score_report": f"/subsidies/claims/{claim.id}/files/score_report",
                  "receipt": f"/subsidies/claims/{claim.id}/files/receipt"},
    }


def level_json(level: CertifiedLevel | None) -> dict:
    if level is None:
        return {"cefr": None}
    return {"cefr": level.cefr, "test": level.test_code, "result": level.result,
            "test_date": level.test_date.isoformat(), "claim": level.claim_id}


def rule_set_json(rule_set: SubsidyRuleSet) -> dict:
    return {
        "year": rule_set.year, "claim_deadline_months": rule_set.claim_deadline_months, "budget": rule_set.budget,
        "cap_per_claim": rule_set.cap_per_claim, "pass_rate": str(rule_set.pass_rate),
        "failed_sit_rate": str(rule_set.failed_sit_rate), "failed_sits_per_year": rule_set.failed_sits_per_year,
        "min_cefr": rule_set.min_cefr,
        "tests": [{"code": t.code, "name_zh": t.name_zh, "name_en": t.name_en, "result_kind": t.result_kind,
                   "score_label": t.score_label, "score_max": format_score(t.score_max) or None, "active": t.active,
                   "levels": {lv.cefr: lv.label if t.result_kind == "level" else format_score(lv.min_score)
                              for lv in t.levels}}
                  for t in rule_set.tests],
    }


def claim_from_form(rule_set: SubsidyRuleSet | None, form: Mapping[str, str]) -> ClaimData:
    """API input: the test by code, a level by its name (GEPT "中級") or a score; dates in ISO form."""
    errors = []
    test = next((t for t in (rule_set.tests if rule_set else []) if t.code == (form.get("test") or "").upper()),
                None)
    level_id = None
    if test is not None and form.get("level"):
        level = next((lv for lv in test.levels if lv.label == form["level"].strip()), None)
        level_id = level.id if level else -1  # unknown names fail in the service, next to the field
    test_date = fee = score = None
    try:
        test_date = date.fromisoformat(form["test_date"]) if form.get("test_date") else None
    except ValueError:
        errors.append(("test_date", _("Write the date as YYYY-MM-DD.")))
    try:
        fee = int(form["fee_paid"]) if form.get("fee_paid") not in (None, "") else None
    except ValueError:
        errors.append(("fee_paid", _("Enter the fee as a whole number of NT$.")))
    try:
        score = parse_score(form.get("score"))
    except ValidationFailed as exc:
        errors += exc.errors
    if errors:
        raise ValidationFailed(errors)
    return ClaimData(test_id=test.id if test else None, outcome=form.get("outcome") or "passed", test_date=test_date,
                     fee_paid=fee, level_id=level_id, score=score)
