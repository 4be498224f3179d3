"""JSON API under /api/v1/subsidies: a learner's own claims (multipart, with the two files) and level,
the reviewers' queue and decisions, the year's rules. Refusals answer 422 with the rules named."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from courses.permissions import signed_in_only
from courses.subsidies import permissions, queries, services  # noqa: F401  (policies)
from courses.subsidies.models import CLAIM_STATUSES, REVIEWABLE_STATUSES, SubsidyClaim
from courses.subsidies.permissions import is_reviewer, review_scope
from courses.subsidies.schemas import claim_from_form, claim_json, level_json, rule_set_json
from courses.subsidies.services import ClaimInputError, ClaimRefusedError, Upload
from lms.auth.permissions import require
from lms.errors import PermissionDeniedError

bp = signed_in_only(Blueprint("subsidies_api", __name__, url_prefix="/api/v1/subsidies"))


@bp.errorhandler(ClaimRefusedError)
@bp.errorhandler(ClaimInputError)
def _refused(exc):
    body = {"error": "claim refused" if isinstance(exc, ClaimRefusedError) else "invalid claim",
            "message": exc.message, "rules": exc.rules,
            "errors": [{"field": f, "message": m} for f, m in exc.errors]}
    return jsonify(body), exc.status


def _claim(claim_id: int, action: str = "view") -> SubsidyClaim:
    claim = queries.get_claim(claim_id) or abort(404)
    require(current_user, action, claim)
    return claim


def _uploads() -> dict[str, Upload | None]:
    return {kind: Upload(f.stream, f.filename) if (f := request.files.get(kind)) and f.filename else None
            for kind in services.UPLOAD_KINDS}


@bp.get("/claims")
def list_claims():
    claims = queries.claims_of(current_user.employee_id) if current_user.employee_id else []
    return jsonify({"items": [claim_json(c) for c in claims]})


@bp.post("/claims")
def submit_claim():
    if current_user.employee is None:
        raise PermissionDeniedError("Only staff members claim the subsidy.")
    rule_set = queries.rule_set_for_year(queries.local_today().year)
    claim = services.submit_claim(current_user.employee, claim_from_form(rule_set, request.form), _uploads())
    return jsonify(claim_json(claim)), 201


@bp.get("/claims/<int:claim_id>")
def get_claim(claim_id: int):
    return jsonify(claim_json(_claim(claim_id)))


@bp.post("/claims/<int:claim_id>/resubmit")
def resubmit_claim(claim_id: int):
    claim = _claim(claim_id)
    if claim.employee_id != current_user.employee_id:
        raise PermissionDeniedError("Only the claimant corrects a claim.")
    services.resubmit_claim(claim, claim_from_form(claim.rule_set, request.form), _uploads())
    return jsonify(claim_json(claim))


def _reason() -> str:
    return str((request.get_json(silent=True) or {}).get("reason") or request.form.get("reason") or "")


@bp.post("/claims/<int:claim_id>/approve")
def approve_claim(claim_id: int):
    return jsonify(claim_json(services.approve_claim(_claim(claim_id, "review"), current_user)))


@bp.post("/claims/<int:claim_id>/reject")
def reject_claim(claim_id: int):
    return jsonify(claim_json(services.reject_claim(_claim(claim_id, "review"), _reason(), current_user)))


@bp.post("/claims/<int:claim_id>/request-correction")
def request_correction(claim_id: int):
    return jsonify(claim_json(services.request_correction(_claim(claim_id, "review"), _reason(), current_user)))


@bp.get("/queue")
def review_queue():
    if not is_reviewer(current_user):
        raise PermissionDeniedError("Only agency training officers and training administrators review claims.")
    status = request.args.get("status", "")
    statuses = (status,) if status in CLAIM_STATUSES else REVIEWABLE_STATUSES
    page = queries.review_queue(review_scope(current_user), statuses, year=request.args.get("year", type=int),
                                page=request.args.get("page", 1, type=int),
                                per_page=min(200, request.args.get("per_page", 50, type=int) or 50))
    return jsonify({"items": [claim_json(c) for c in page.items], "total": page.total, "page": page.page,
                    "pages": page.pages})


@bp.get("/english-level")
def english_level():
    if not current_user.employee_id:
        abort(404)
    return jsonify(level_json(queries.certified_english_level(current_user.employee_id)))


@bp.get("/rules/<int:year>")
def get_rules(year: int):
    rule_set = queries.rule_set_for_year(year) or abort(404)
    return jsonify(rule_set_json(rule_set))
