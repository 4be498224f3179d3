"""The catalogue and schedule API (/api/v1/courses, /api/v1/runs) answer exactly as the OpenAPI document
says: every documented (operation, status) is produced here by a real request and its body checked."""
from __future__ import annotations

from datetime import date, time
from types import SimpleNamespace

import pytest

from tests.openapi import Contract, contract_suite

TAGS = ("catalogue", "scheduling")
Y = date.today().year + 1


@pytest.fixture
def contract(client):
    return Contract(client.get("/api/v1/openapi.json").get_json())


@pytest.fixture
def world(admin_client, learner_client, make_course, make_run, add_session, make_room, make_instructor, city):
    course = make_course(code="CEDAW-01", title_zh="性別主流化與CEDAW", title_en="Gender mainstreaming",
                         delivery_mode="blended", topic_codes=("gender",))
    other = make_course(code="CYBER-01", title_zh="資通安全通識")
    # Next year, so the run is upcoming and takes enrolments whenever the suite runs.
    run = make_run(course, year=Y, starts_on=date(Y, 10, 5), ends_on=date(Y, 10, 9),
                   enrol_closes_on=date(Y, 9, 20), status="open")
    room, teacher = make_room(seats=30), make_instructor(name_zh="林老師")
    add_session(run, day=date(Y, 10, 5), start=time(9), end=time(12), mode="in_person", room_id=room.id,
                instructor_ids=(teacher.id,))
    add_session(run, day=date(Y, 10, 6), start=time(9), end=time(12), mode="remote",
                meeting_url="https://meet.example.gov.tw/cedaw")
    finished = make_run(other, year=Y, starts_on=date(Y, 1, 5), ends_on=date(Y, 1, 6), status="finished")
    cancelled = make_run(other, year=Y, starts_on=date(Y, 2, 2), ends_on=date(Y, 2, 3), status="cancelled")
    course_body = {"code": "ENG-01", "title_zh": "公務英語", "title_en": "Official English",
                   "category": course.category.code, "credited_hours": 12, "agency": city["root"].code,
                   "delivery_mode": "in_person", "topics": ["policy"]}
    run_body = {"course": "CYBER-01", "year": Y, "starts_on": f"{Y}-11-02", "ends_on": f"{Y}-11-04",
                "capacity": 30, "enrol_opens_on": f"{Y}-09-01", "enrol_closes_on": f"{Y}-10-20"}
    session_body = {"day": f"{Y}-10-07", "start": "09:00", "end": "12:00", "mode": "in_person",
                    "room_id": room.id, "instructor_ids": [teacher.id], "title": "案例研討"}
    return SimpleNamespace(admin=admin_client, learner=learner_client, course=course, other=other, run=run,
                           finished=finished, cancelled=cancelled, room=room, course_body=course_body,
                           run_body=run_body, session_body=session_body)


def _run(w, run="run"):
    return {"run_id": getattr(w, run).id}


SCENARIOS = {
    # catalogue
    ("listCourses", 200): lambda w: (w.learner, {"query": {"q": "性別", "mode": "blended", "open": "1"}}),
    ("createCourse", 201): lambda w: (w.admin, {"json": w.course_body}),
    ("createCourse", 400): lambda w: (w.admin, {"json": {**w.course_body, "credited_hours": "lots", "topics": "x"}}),
    ("createCourse", 403): lambda w: (w.learner, {"json": w.course_body}),
    ("createCourse", 409): lambda w: (w.admin, {"json": {**w.course_body, "code": "CYBER-01"}}),
    ("getCourse", 200): lambda w: (w.learner, {"path": {"code": "CEDAW-01"}}),
    ("getCourse", 404): lambda w: (w.learner, {"path": {"code": "NO-SUCH"}}),
    ("updateCourse", 200): lambda w: (w.admin, {"path": {"code": "CEDAW-01"}, "json": {"credited_hours": 3.5}}),
    ("updateCourse", 400): lambda w: (w.admin, {"path": {"code": "CEDAW-01"}, "json": {"title_zh": ""}}),
    ("updateCourse", 403): lambda w: (w.learner, {"path": {"code": "CEDAW-01"}, "json": {"title_zh": "改"}}),
    ("updateCourse", 404): lambda w: (w.admin, {"path": {"code": "NO-SUCH"}, "json": {"title_zh": "改"}}),
    ("updateCourse", 409): lambda w: (w.admin, {"path": {"code": "CEDAW-01"}, "json": {"code": "CYBER-01"}}),
    # scheduling
    ("listRuns", 200): lambda w: (w.learner, {"query": {"year": Y, "course": "CEDAW-01", "per_page": 10}}),
    ("createRun", 201): lambda w: (w.admin, {"json": w.run_body}),
    ("createRun", 400): lambda w: (w.admin, {"json": {"course": "CYBER-01", "year": "soon"}}),
    ("createRun", 403): lambda w: (w.learner, {"json": w.run_body}),
    ("createRun", 409): lambda w: (w.admin, {"json": {**w.run_body, "code": w.run.code}}),
    ("getRun", 200): lambda w: (w.learner, {"path": _run(w)}),
    ("getRun", 404): lambda w: (w.learner, {"path": {"run_id": 999999}}),
    ("updateRun", 200): lambda w: (w.admin, {"path": _run(w), "json": {"capacity": 25, "partner": "高雄大學"}}),
    ("updateRun", 400): lambda w: (w.admin, {"path": _run(w), "json": {"capacity": 0, "ends_on": f"{Y}-10-01"}}),
    ("updateRun", 403): lambda w: (w.learner, {"path": _run(w), "json": {"capacity": 25}}),
    ("updateRun", 404): lambda w: (w.admin, {"path": {"run_id": 999999}, "json": {"capacity": 25}}),
    ("updateRun", 409): lambda w: (w.admin, {"path": _run(w), "json": {"code": w.finished.code}}),
    ("updateRun", 422): lambda w: (w.admin, {"path": _run(w, "cancelled"), "json": {"status": "planned"}}),
    ("addSession", 201): lambda w: (w.admin, {"path": _run(w), "json": w.session_body}),
    ("addSession", 400): lambda w: (w.admin, {"path": _run(w), "json": {**w.session_body, "day": f"{Y}-12-01"}}),
    ("addSession", 403): lambda w: (w.learner, {"path": _run(w), "json": w.session_body}),
    ("addSession", 404): lambda w: (w.admin, {"path": {"run_id": 999999}, "json": w.session_body}),
    ("addSession", 409): lambda w: (w.admin, {"path": _run(w), "json": {**w.session_body, "day": f"{Y}-10-05"}}),
    ("cancelRun", 200): lambda w: (w.admin, {"path": _run(w), "json": {"reason": "颱風停班"}}),
    ("cancelRun", 403): lambda w: (w.learner, {"path": _run(w)}),
    ("cancelRun", 404): lambda w: (w.admin, {"path": {"run_id": 999999}}),
    ("cancelRun", 422): lambda w: (w.admin, {"path": _run(w, "finished")}),
}


(test_scenarios_cover_every_documented_answer, test_answer_matches_the_document,
 test_unauthorized_answers_match_the_document) = contract_suite(SCENARIOS, TAGS, 10)


def test_listing_and_detail_carry_runs_and_sessions(contract, world):
    listing = contract.call(world.learner, "listCourses", query={"q": "性別"}, expect=200).get_json()
    assert [c["code"] for c in listing["items"]] == ["CEDAW-01"] and listing["items"][0]["open_runs"] == 1
    detail = contract.call(world.learner, "getRun", path=_run(world), expect=200).get_json()
    assert [s["mode"] for s in detail["sessions"]] == ["in_person", "remote"]
    assert detail["sessions"][0]["starts_at"] == f"{Y}-10-05T09:00:00+08:00"


def test_an_answer_the_document_does_not_describe_fails_the_check(contract, world):
    contract.document["components"]["schemas"]["Session"]["properties"].pop("title")
    with pytest.raises(AssertionError, match="title"):
        contract.call(world.learner, "getRun", path=_run(world), expect=200)
    contract.document["paths"]["/api/v1/courses"]["post"]["responses"].pop("403")
    with pytest.raises(AssertionError, match="does not list"):
        contract.call(world.learner, "createCourse", json=world.course_body)
