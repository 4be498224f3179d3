"""JSON API of the ledger: my yearly standing and records, and the HR export (personnel side only).

The HR system pulls the export with a bearer token (`flask lms create-hr-token`): a token opens the
export endpoints for reading and nothing else; everything else needs a signed-in session."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, g, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.permissions import Scope
from lms.core.args import FIRST_YEAR, LAST_YEAR, plausible_year
from lms.errors import PermissionDeniedError, ValidationFailed
from lms.personnel import export, queries, services
from lms.personnel.permissions import export_scope

bp = Blueprint("personnel_api", __name__, url_prefix="/api/v1/personnel")


# Endpoints a bearer token may read (the export of certified records for the whole city).
TOKEN_ENDPOINTS = {"personnel_api.hr_export"}


@bp.before_request
def _signed_in():
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        if request.endpoint not in TOKEN_ENDPOINTS or request.method not in ("GET", "HEAD"):
            abort(401)
        g.hr_token = services.authenticate_hr_token(header[7:].strip()) or abort(401)
    elif not current_user.is_authenticated:
        abort(401)


def _year() -> int:
    year = plausible_year(request.args.get("year", date.today().year, type=int))
    if year is None:
        raise ValidationFailed([("year", _("The year must be between %(first)s and %(last)s.",
                                           first=FIRST_YEAR, last=LAST_YEAR))])
    return year


@bp.get("/me/summary")
def my_summary():
    if current_user.employee_id is None:
        abort(404)
    year, locale = _year(), str(get_locale() or "zh_Hant_TW")
    results = queries.employee_summary(current_user.employee_id, year)
    return jsonify({
        "year": year,
        "requirements": [{"code": r.rule.code, "label": r.rule.label(locale), "required": r.required,
                          "certified": r.certified, "pending": r.pending, "met": r.met} for r in results],
        "records": [{"id": r.source_ref, "course_code": r.course_code, "title": r.course_title,
                     "completed_on": r.completed_on.isoformat(), "hours": r.hours, "digital_hours": r.digital_hours,
                     "physical_hours": r.physical_hours, "learning_mode": r.learning_mode, "topics": r.topics,
                     "status": r.status} for r in queries.records_of(current_user.employee_id, year)],
    })


@bp.get("/export")
def hr_export():
    scope = Scope(True) if g.get("hr_token") is not None else export_scope(current_user)
    if scope.empty:
        raise PermissionDeniedError(_("The HR export is for personnel officers and administrators."))
    table = export.export_table(scope, _year(), request.args.get("layout", "regist2"))
    response = jsonify({"layout": table.layout, "columns": list(table.columns),
                        "rows": [dict(zip(table.columns, row)) for row in table.rows]})
    response.headers["Cache-Control"] = "no-store"
    return response
