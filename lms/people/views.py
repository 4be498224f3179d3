"""Staff and agency pages for those who oversee them (scoped by agency subtree)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from lms.agencies import queries as agency_queries
from lms.auth.permissions import can, require, require_oversight
from lms.people import queries

bp = Blueprint("people", __name__)


@bp.route("/people/")
@login_required
def list_employees():
    scope = require_oversight(current_user)
    page = queries.search_from_args(scope, request.args)
    agencies = agency_queries.tree(None if scope.city_wide else list(scope.paths))
    return render_template("lms/people/list.html", page=page, agencies=agencies,
                           q=request.args.get("q", ""), agency=request.args.get("agency", ""))


@bp.route("/people/<int:employee_id>")
@login_required
def show_employee(employee_id: int):
    employee = queries.get_employee(employee_id) or abort(404)
    require(current_user, "view", employee)
    return render_template("lms/people/show.html", employee=employee,
                           show_national_id=can(current_user, "view_national_id", employee))


@bp.route("/agencies/")
@login_required
def list_agencies():
    scope = require_oversight(current_user)
    agencies = agency_queries.tree(None if scope.city_wide else list(scope.paths))
    return render_template("lms/people/agencies.html", agencies=agencies,
                           counts=queries.staff_counts_by_agency(scope))
