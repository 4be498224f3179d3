"""JSON API for staff records: /api/v1/me and /api/v1/employees (scoped like the pages)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from lms.auth.permissions import can, require, require_oversight
from lms.people import queries
from lms.people.models import Employee

bp = Blueprint("people_api", __name__, url_prefix="/api/v1")


@bp.before_request
def _signed_in():
    if not current_user.is_authenticated:
        abort(401)


def employee_json(employee: Employee) -> dict:
    data = {
        "id": employee.id, "staff_no": employee.staff_no, "name_zh": employee.name_zh,
        "name_en": employee.name_en, "email": employee.email, "agency": employee.agency.code,
        "job_title": employee.job_title, "grade": employee.grade, "rank_class": employee.rank_class,
        "is_supervisor": employee.is_supervisor, "is_active": employee.is_active,
        "hire_date": employee.hire_date.isoformat() if employee.hire_date else None,
    }
    if can(current_user, "view_national_id", employee):
        data["national_id"] = employee.national_id
    return data


@bp.get("/me")
def get_me():
    user = current_user
    return jsonify({
        "id": user.id, "roles": sorted(r.value for r in user.roles),
        "employee": employee_json(user.employee) if user.employee else None,
    })


@bp.get("/employees")
def list_employees():
    scope = require_oversight(current_user)
    per_page = max(1, min(200, request.args.get("per_page", 50, type=int) or 50))
    page = queries.search_from_args(scope, request.args, per_page)
    return jsonify({"items": [employee_json(e) for e in page.items], "total": page.total,
                    "page": page.page, "pages": page.pages})


@bp.get("/employees/<int:employee_id>")
def get_employee(employee_id: int):
    employee = queries.get_employee(employee_id) or abort(404)
    require(current_user, "view", employee)
    return jsonify(employee_json(employee))
