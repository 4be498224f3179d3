"""The tracks API answers exactly as the OpenAPI document says: every documented (operation, status) is
produced here by a real request and its body checked; progress is scoped to the caller's agencies."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from courses.tracks import services
from lms.auth.models import Role
from tests.openapi import Contract, contract_suite

TAGS = ("tracks",)


@pytest.fixture
def contract(client):
    return Contract(client.get("/api/v1/openapi.json").get_json())


@pytest.fixture
def world(procurement, drone, make_employee, make_user, sign_in, attend, passing_scores, licence, complete, city,
          today):
    learner = make_user(agency=city["patrol"])
    services.join_track(procurement.track, learner.employee)
    attend(learner.employee, procurement.basic_course, 360, completed=True)
    services.record_exam_result(procurement.exam, learner.employee, passing_scores)
    services.join_track(drone.track, learner.employee)
    complete(learner.employee, drone.course)
    licence(learner.employee, today)
    firefighter = make_employee(agency=city["fire"])
    return SimpleNamespace(
        learner=sign_in(learner), learner_employee=learner.employee, firefighter=firefighter,
        supervisor=sign_in(make_user(Role.SUPERVISOR, agency=city["lingya"])),
        nobody=sign_in(make_user(Role.SYSADMIN, employee=None, email="root@example.gov.tw")))


SCENARIOS = {
    ("listTracks", 200): lambda w: (w.learner, {}),
    ("getTrack", 200): lambda w: (w.learner, {"path": {"code": "procurement"}}),
    ("getTrack", 404): lambda w: (w.learner, {"path": {"code": "no-such"}}),
    ("getMyTracks", 200): lambda w: (w.learner, {}),
    ("getTrackProgress", 200): lambda w: (w.supervisor, {"path": {"code": "procurement",
                                                                  "employee_id": w.learner_employee.id}}),
    ("getTrackProgress", 403): lambda w: (w.supervisor, {"path": {"code": "procurement",
                                                                  "employee_id": w.firefighter.id}}),
    ("getTrackProgress", 404): lambda w: (w.supervisor, {"path": {"code": "procurement", "employee_id": 999999}}),
}


(test_scenarios_cover_every_documented_answer, test_answer_matches_the_document,
 test_unauthorized_answers_match_the_document) = contract_suite(SCENARIOS, TAGS)


def test_my_tracks_show_progress_and_holdings(contract, world):
    body = contract.call(world.learner, "getMyTracks", expect=200).get_json()
    assert body["employee"] == world.learner_employee.staff_no
    procurement = next(t for t in body["tracks"] if t["track"] == "procurement")
    basic, advanced = procurement["levels"]
    assert basic["complete"] and basic["holding"]["status"] == "active" and basic["holding"]["valid_until"] is None
    assert not advanced["prerequisite_met"] or advanced["holding"] is None
    assert {h["level"] for h in body["holdings"]} == {"proc-basic", "drone-basic"}
    drone = next(h for h in body["holdings"] if h["level"] == "drone-basic")
    assert drone["valid_until"] is not None


def test_an_account_without_a_staff_record_has_no_tracks(contract, world):
    assert contract.call(world.nobody, "getMyTracks", expect=200).get_json() == {
        "employee": None, "tracks": [], "holdings": []}


def test_track_lists_levels_in_order_with_requirements(contract, world):
    body = contract.call(world.learner, "getTrack", path={"code": "procurement"}, expect=200).get_json()
    assert [lv["code"] for lv in body["levels"]] == ["proc-basic", "proc-advanced"]
    exam = body["levels"][0]["requirements"][1]
    assert exam["kind"] == "exam" and exam["pass_mark"] == 70 and exam["no_zero"] and exam["max_absence_share"] == 0.1
    assert body["levels"][1]["prerequisite"] == "proc-basic"
