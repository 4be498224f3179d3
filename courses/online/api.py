"""JSON API under /api/v1/online: the learner's online courses and progress, and the progress reports
of the tracking script that runs beside plain (HTML/video) packages."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from courses.online import permissions, queries, services  # noqa: F401  (policies)
from courses.permissions import signed_in_only
from lms.auth.permissions import require
from lms.errors import ValidationFailed

bp = signed_in_only(Blueprint("online_api", __name__, url_prefix="/api/v1/online"))


def _iso(value):
    return value.isoformat() if value is not None else None


def _course_json(row: queries.CourseRow) -> dict:
    registration = row.registration
    return {"code": row.course.code, "title_zh": row.course.title_zh, "title_en": row.course.title_en,
            "hours": float(row.course.credited_hours), "kind": row.package.kind if row.package else None,
            "registration": registration.registration if registration else None,
            "satisfied_at": _iso(registration.satisfied_at) if registration else None}


@bp.get("/courses")
def list_courses():
    return jsonify({"items": [_course_json(row) for row in queries.learner_courses(current_user.employee_id)]})


def _course(code: str, action: str):
    course = queries.online_course(code) or abort(404)
    package = queries.package_of(course.id) or abort(404)
    require(current_user, action, package)
    return course, package


@bp.get("/courses/<code>")
def show_course(code: str):
    course, package = _course(code, "take")
    registration = queries.registration_of(current_user.employee_id, course.id)
    progress = queries.progress_by_unit(registration)
    body = _course_json(queries.CourseRow(course, package, registration))
    body["units"] = [{"position": u.position, "title_zh": u.title_zh, "title_en": u.title_en,
                      "move_on": u.move_on, "mastery_score": u.mastery_score,
                      "completed": bool(p and p.completed), "passed": bool(p and p.passed),
                      "failed": bool(p and p.failed), "satisfied": bool(p and p.satisfied_at)}
                     for u in package.units for p in [progress.get(u.id)]]
    return jsonify(body)


@bp.post("/courses/<code>/progress")
def record_progress(code: str):
    course, package = _course(code, "content")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed([("", _("Send a JSON object with page and/or watched."))])
    watched = data.get("watched")
    if watched is not None and (isinstance(watched, bool) or not isinstance(watched, (int, float))):
        raise ValidationFailed([("watched", _("The watched share is a number from 0 to 1."))])
    page = data.get("page") or ""
    if not isinstance(page, str):
        raise ValidationFailed([("page", _("The page is not a file of the package."))])
    progress = services.record_progress(current_user.employee, course, page, watched)
    return jsonify({"completed": progress.completed, "watched_percent": progress.watched_percent,
                    "satisfied": progress.satisfied_at is not None})
