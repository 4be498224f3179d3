"""JSON API of the tracks (read only): the tracks with their levels and requirements, the signed-in
learner's progress and qualifications, and a staff member's progress for those who oversee them."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify
from flask_login import current_user

from courses.permissions import signed_in_only
from courses.tracks import permissions, queries  # noqa: F401  (policies)
from courses.tracks.models import Track, TrackHolding, TrackLevel, TrackRequirement
from lms.auth.permissions import require
from lms.people.queries import get_employee

bp = signed_in_only(Blueprint("tracks_api", __name__))


def _date(value):
    return value.isoformat() if value else None


def requirement_json(r: TrackRequirement) -> dict:
    return {"id": r.id, "kind": r.kind, "label_zh": r.label_zh, "course": r.course.code if r.course else None,
            "topics": list(r.topics), "hours": r.hours, "subjects": list(r.subjects or []), "pass_mark": r.pass_mark,
            "no_zero": r.no_zero, "max_absence_share": r.max_absence_share, "licence_kind": r.licence_kind,
            "licence_level": r.licence_level}


def level_json(level: TrackLevel) -> dict:
    return {"code": level.code, "name_zh": level.name_zh, "name_en": level.name_en, "rank": level.rank,
            "prerequisite": level.prerequisite.code if level.prerequisite else None,
            "validity_kind": level.validity_kind, "validity_months": level.validity_months,
            "requirements": [requirement_json(r) for r in level.requirements]}


def track_json(track: Track) -> dict:
    return {"code": track.code, "name_zh": track.name_zh, "name_en": track.name_en, "active": track.active,
            "levels": [level_json(lv) for lv in track.levels]}


def holding_json(h: TrackHolding) -> dict:
    return {"certificate_no": h.certificate_no, "track": h.level.track.code, "level": h.level.code,
            "awarded_on": h.awarded_on.isoformat(), "valid_until": _date(h.valid_until), "status": h.status}


def progress_json(track: Track, employee_id: int) -> dict:
    member = queries.membership(track.id, employee_id)
    levels = []
    for view in queries.track_progress(track, employee_id):
        levels.append({"code": view.level.code, "name_zh": view.level.name_zh, "complete": view.progress.complete,
                       "prerequisite_met": view.progress.prerequisite_met,
                       "requirements": [{"id": s.requirement_id, "kind": s.kind, "met": s.met, "have": s.have,
                                         "need": s.need} for s in view.progress.statuses],
                       "holding": holding_json(view.holding) if view.holding else None})
    return {"track": track.code, "name_zh": track.name_zh, "member": member is not None,
            "via": member.via if member else None, "levels": levels}


@bp.get("/api/v1/tracks")
def list_tracks():
    return jsonify({"items": [track_json(t) for t in queries.tracks(active_only=False)]})


@bp.get("/api/v1/tracks/<code>")
def get_track(code: str):
    return jsonify(track_json(queries.get_track(code) or abort(404)))


@bp.get("/api/v1/me/tracks")
def my_tracks():
    employee = current_user.employee
    if employee is None:
        return jsonify({"employee": None, "tracks": [], "holdings": []})
    return jsonify({"employee": employee.staff_no,
                    "tracks": [progress_json(m.track, employee.id) for m in queries.memberships_of(employee.id)],
                    "holdings": [holding_json(h) for h in queries.holdings_of(employee.id)]})


@bp.get("/api/v1/tracks/<code>/progress/<int:employee_id>")
def track_progress(code: str, employee_id: int):
    track = queries.get_track(code) or abort(404)
    employee = get_employee(employee_id) or abort(404)
    require(current_user, "view", employee)
    return jsonify({"employee": employee.staff_no, **progress_json(track, employee.id)})
