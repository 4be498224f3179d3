"""JSON API for the catalogue: /api/v1/courses (read for everyone signed in, write for editors)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from courses.catalogue import permissions, queries, services  # noqa: F401  (policies)
from courses.catalogue.models import Course
from courses.catalogue.schemas import course_from_json, course_json, filters_from_args
from courses.catalogue.views import today
from courses.permissions import signed_in_only
from courses.scheduling import queries as schedule_queries
from lms.auth.permissions import require

bp = signed_in_only(Blueprint("catalogue_api", __name__, url_prefix="/api/v1"))


def _course(code: str) -> Course:
    course = queries.get_course_by_code(code) or abort(404)
    require(current_user, "view", course)
    return course


@bp.get("/courses")
def list_courses():
    page = queries.search_courses(filters_from_args(request.args), today(), page=request.args.get("page", 1, type=int),
                                  per_page=min(200, request.args.get("per_page", 50, type=int) or 50))
    items = []
    for row in page.items:
        item = course_json(row.course)
        item["next_run"] = row.next_run.code if row.next_run else None
        item["open_runs"] = row.open_runs
        items.append(item)
    return jsonify({"items": items, "total": page.total, "page": page.page, "pages": page.pages})


@bp.get("/courses/<code>")
def get_course(code: str):
    course = _course(code)
    return jsonify(course_json(course, runs=schedule_queries.runs_for_course(course.id, from_day=today())))


@bp.post("/courses")
def create_course():
    data = course_from_json(request.get_json(silent=True))
    require(current_user, "create", Course(agency=next((a for a in queries.list_agencies()
                                                        if a.code == data.agency_code), None)))
    return jsonify(course_json(services.create_course(data))), 201


@bp.patch("/courses/<code>")
def update_course(code: str):
    course = _course(code)
    require(current_user, "edit", course)
    data = course_from_json(request.get_json(silent=True), current=course)
    return jsonify(course_json(services.update_course(course, data)))
