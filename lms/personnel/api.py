"""JSON API of the ledger: my yearly standing and records, and the HR export (personnel side only)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.errors import PermissionDeniedError
from lms.personnel import export, queries
from lms.personnel.permissions import export_scope

bp = Blueprint("personnel_api", __name__, url_prefix="/api/v1/personnel")


@bp.before_request
def _signed_in():
    if not current_user.is_authenticated:
        abort(401)


def _year() -> int:
    return request.args.get("year", date.today().year, type=int)


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
    scope = export_scope(current_user)
    if scope.empty:
        raise PermissionDeniedError(_("The HR export is for personnel officers and administrators."))
    table = export.export_table(scope, _year(), request.args.get("layout", "regist2"))
    response = jsonify({"layout": table.layout, "columns": list(table.columns),
                        "rows": [dict(zip(table.columns, row)) for row in table.rows]})
    response.headers["Cache-Control"] = "no-store"
    return response
