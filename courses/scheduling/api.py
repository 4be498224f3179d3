"""JSON API for the schedule: /api/v1/runs with their sessions (read for everyone signed in, write for editors)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from courses.catalogue import queries as catalogue_queries
from courses.permissions import EDITOR_ROLES, signed_in_only
from courses.scheduling import permissions, queries, services  # noqa: F401  (policies)
from courses.scheduling.models import ClassRun
from courses.scheduling.schemas import run_from_json, run_json, session_from_json
from lms.auth.permissions import can, require, require_role
from lms.errors import ValidationFailed
from lms.extensions import db

bp = signed_in_only(Blueprint("scheduling_api", __name__, url_prefix="/api/v1"))
MAX_PAGE = 200


def _run(run_id: int) -> ClassRun:
    run = queries.get_run(run_id) or abort(404)
    require(current_user, "view", run)
    return run


def _detail(run: ClassRun) -> dict:
    return run_json(run, sessions=True, show_links=can(current_user, "view", run))


@bp.get("/runs")
def list_runs():
    stmt = db.select(ClassRun)
    if request.args.get("year", type=int):
        stmt = stmt.where(ClassRun.year == request.args.get("year", type=int))
    if request.args.get("course"):
        course = catalogue_queries.get_course_by_code(request.args["course"])
        stmt = stmt.where(ClassRun.course_id == (course.id if course else -1))
    if request.args.get("status"):
        stmt = stmt.where(ClassRun.status == request.args["status"])
    limit = min(MAX_PAGE, request.args.get("per_page", 100, type=int) or 100)
    offset = max(0, request.args.get("page", 1, type=int) - 1) * limit
    runs = queries.runs_with_sessions(stmt.order_by(ClassRun.starts_on, ClassRun.code).limit(limit).offset(offset))
    return jsonify({"items": [_detail(r) for r in runs]})


@bp.get("/runs/<int:run_id>")
def get_run(run_id: int):
    return jsonify(_detail(_run(run_id)))


@bp.post("/runs")
def create_run():
    require_role(current_user, *EDITOR_ROLES)
    course_code, data = run_from_json(request.get_json(silent=True))
    course = catalogue_queries.get_course_by_code(course_code)
    if course is None:
        raise ValidationFailed([("course", _("No course has the code %(code)s.", code=course_code or "—"))])
    return jsonify(_detail(services.create_run(course, data))), 201


@bp.patch("/runs/<int:run_id>")
def update_run(run_id: int):
    run = _run(run_id)
    require(current_user, "edit", run)
    _course_code, data = run_from_json(request.get_json(silent=True), run)
    return jsonify(_detail(services.update_run(run, data)))


@bp.post("/runs/<int:run_id>/sessions")
def add_session(run_id: int):
    run = _run(run_id)
    require(current_user, "edit", run)
    services.add_session(run, session_from_json(request.get_json(silent=True)))
    return jsonify(_detail(run)), 201


@bp.post("/runs/<int:run_id>/cancel")
def cancel_run(run_id: int):
    run = _run(run_id)
    require(current_user, "edit", run)
    body = request.get_json(silent=True) or {}
    told = services.cancel_run(run, str(body.get("reason", "")) if isinstance(body, dict) else "")
    return jsonify({**_detail(run), "notified": told})
