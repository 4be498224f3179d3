"""Joining, automatic awards on learning events, exam results (absence bar, no-zero rule, resits),
prerequisites, one completion counting toward several tracks, nomination scope, and what an award records:
the "track.awarded" event in the emitter's contract, an xAPI "awarded" statement, a notification."""
from __future__ import annotations

import json

import pytest

from courses.tracks import queries, services
from courses.tracks.models import TrackHolding
from courses.tracks.services import LevelData, RequirementData
from lms.auth.models import Role
from lms.auth.permissions import agency_scope
from lms.errors import ConflictError, RuleBrokenError, ValidationFailed
from xapi.emitter.vocabulary import EXT_QUALIFICATION, EXT_QUALIFICATION_LEVEL, EXT_VALID_UNTIL


def _held(employee, level):
    return queries.holding(level.id, employee.id)


def test_the_level_is_awarded_when_the_last_requirement_is_met(procurement, make_employee, attend, passing_scores,
                                                               events):
    person = make_employee()
    services.join_track(procurement.track, person)
    attend(person, procurement.basic_course, 360, completed=True)
    assert _held(person, procurement.basic) is None                 # the course alone is not enough
    result = services.record_exam_result(procurement.exam, person, passing_scores)
    assert result.passed and result.percent == 80
    holding = _held(person, procurement.basic)
    assert holding.status == "active" and holding.valid_until is None and holding.certificate_no.endswith(person.staff_no)
    [event] = events("track.awarded")
    assert event.employee_id == person.id and event.payload["other"] == {
        "kind": "track", "code": "proc-basic", "name_zh": "政府採購專業人員：基本資格"}
    assert event.payload["extensions"] == {EXT_QUALIFICATION: "procurement", EXT_QUALIFICATION_LEVEL: "proc-basic"}


def test_an_award_becomes_an_xapi_awarded_statement(db, procurement, make_employee, attend, passing_scores):
    from xapi.store.models import Statement

    person = make_employee()
    services.join_track(procurement.track, person)
    attend(person, procurement.basic_course, 360, completed=True)
    services.record_exam_result(procurement.exam, person, passing_scores)
    payloads = [json.loads(s.payload) if isinstance(s.payload, str) else s.payload
                for s in db.session.execute(db.select(Statement)).scalars()]
    awarded = [p for p in payloads if p["verb"]["id"].endswith("/verbs/awarded")]
    assert len(awarded) == 1
    assert awarded[0]["object"]["id"].endswith("/track/proc-basic")
    assert awarded[0]["actor"]["account"]["name"] == person.staff_no


def test_results_recorded_by_the_enrolment_service_award_a_course_only_level(make_track, make_course, make_run,
                                                                            make_employee, events):
    from courses.enrollment.services import import_completions

    course = make_course(code="FIRE-201", credited_hours=60)
    track = make_track("fire", [(LevelData("fire-1", "消防安全檢查員", 1), [RequirementData("course", course_code="FIRE-201")])])
    person = make_employee()
    services.join_track(track, person)
    assert not events("track.awarded")
    run = make_run(course, status="finished")
    report = import_completions(run, [{"staff_no": person.staff_no, "outcome": "completed"}])
    assert report.accepted == 1                      # enrollment.completed -> evaluation
    assert _held(person, track.levels[0]) is not None


def test_no_award_without_joining_and_joining_later_awards_at_once(make_track, make_course, make_employee, complete):
    course = make_course(code="NAP-1")
    track = make_track("nap", [(LevelData("nap-1", "特種搜救", 1), [RequirementData("course", course_code="NAP-1")])])
    person = make_employee()
    complete(person, course)
    assert _held(person, track.levels[0]) is None
    services.join_track(track, person)
    assert _held(person, track.levels[0]) is not None


def test_the_advanced_level_needs_the_basic_level_first(procurement, make_employee, attend, complete, passing_scores):
    person = make_employee()
    services.join_track(procurement.track, person)
    complete(person, procurement.advanced_course)
    assert _held(person, procurement.advanced) is None               # course done, basic missing
    view = queries.track_progress(procurement.track, person.id)[1]
    assert view.progress.met == 1 and not view.progress.prerequisite_met and view.progress.missing == 1
    attend(person, procurement.basic_course, 360, completed=True)
    services.record_exam_result(procurement.exam, person, passing_scores)
    assert _held(person, procurement.basic) and _held(person, procurement.advanced)   # both in one evaluation


def test_absence_over_a_tenth_of_the_hours_bars_the_exam(procurement, make_employee, attend, passing_scores):
    barred, allowed = make_employee(), make_employee()
    attend(barred, procurement.basic_course, 323)                     # 37 of 360 minutes absent > 36
    attend(allowed, procurement.basic_course, 324)                    # exactly a tenth
    with pytest.raises(RuleBrokenError, match="barred|不得"):
        services.record_exam_result(procurement.exam, barred, passing_scores)
    assert services.record_exam_result(procurement.exam, allowed, passing_scores).passed


def test_no_seat_in_the_training_bars_the_exam(procurement, make_employee, passing_scores):
    with pytest.raises(RuleBrokenError):
        services.record_exam_result(procurement.exam, make_employee(), passing_scores)


def test_a_zero_in_one_subject_fails_and_a_resit_can_pass(procurement, make_employee, attend, tr):
    person = make_employee()
    services.join_track(procurement.track, person)
    attend(person, procurement.basic_course, 360, completed=True)
    first = services.record_exam_result(procurement.exam, person, {"法規": 100, "實務": 100, "招標": 0})
    assert first.percent == pytest.approx(66.67) and not first.passed
    zero_only = services.record_exam_result(procurement.exam, person, {"法規": 100, "實務": 100, "招標": 0.0})
    assert not zero_only.passed and _held(person, procurement.basic) is None
    resit = services.record_exam_result(procurement.exam, person, {"法規": 70, "實務": 75, "招標": 65})
    assert resit.passed and _held(person, procurement.basic) is not None


def test_high_total_with_a_zero_still_fails(procurement, make_employee, attend):
    person = make_employee()
    attend(person, procurement.basic_course, 360)
    result = services.record_exam_result(procurement.exam, person, {"法規": 100, "實務": 100, "招標": 0})
    assert not result.passed


def test_exam_scores_are_checked_all_at_once(procurement, make_employee, attend):
    person = make_employee()
    attend(person, procurement.basic_course, 360)
    with pytest.raises(ValidationFailed) as caught:
        services.record_exam_result(procurement.exam, person, {"法規": 101, "實務": "x", "作文": 50})
    assert len(caught.value.errors) == 4          # 法規 out of range, 實務 not a number, 招標 missing, 作文 unknown


def test_one_completion_counts_toward_two_tracks(make_track, make_course, make_employee, complete):
    course = make_course(code="CYB-101", credited_hours=12, topic_codes=("cyber_pro",))
    one = make_track("cyber", [(LevelData("cyber-pro", "資安專職", 1, validity_kind="annual"), [
        RequirementData("yearly_hours", topic_codes=("cyber_pro",), hours=12)])])
    two = make_track("ict", [(LevelData("ict-1", "資訊職能", 1), [
        RequirementData("topic_hours", topic_codes=("cyber_pro", "policy"), hours=6)])])
    person = make_employee()
    services.join_track(one, person)
    services.join_track(two, person)
    complete(person, course)
    assert _held(person, one.levels[0]) is not None and _held(person, two.levels[0]) is not None


def test_joining_twice_conflicts_and_a_closed_track_refuses(procurement, make_track, make_employee):
    person = make_employee()
    services.join_track(procurement.track, person)
    with pytest.raises(ConflictError):
        services.join_track(procurement.track, person)
    closed = make_track("closed", [], active=False)
    with pytest.raises(RuleBrokenError):
        services.join_track(closed, person)


def test_officers_nominate_only_their_own_agency(procurement, make_user, make_employee, city, events):
    officer = make_user(Role.AGENCY_OFFICER, agency=city["police"])
    inside, outside = make_employee(agency=city["patrol"]), make_employee(agency=city["fire"])
    with pytest.raises(ValidationFailed, match=outside.staff_no):
        services.nominate(procurement.track, [inside, outside], by=officer, scope=agency_scope(officer))
    assert queries.membership(procurement.track.id, inside.id) is None     # nothing written
    report = services.nominate(procurement.track, [inside], by=officer, scope=agency_scope(officer))
    assert report.added == [inside]
    member = queries.membership(procurement.track.id, inside.id)
    assert member.via == "nomination" and member.nominated_by_id == officer.id
    again = services.nominate(procurement.track, [inside], by=officer, scope=agency_scope(officer))
    assert again.added == [] and len(again.skipped) == 1


def test_definitions_are_validated_with_every_problem_named(procurement, make_track):
    with pytest.raises(ValidationFailed) as caught:
        services.save_level(procurement.track, LevelData("Bad Code!", "", 1, prerequisite_code="proc-advanced",
                                                         validity_kind="fixed"))
    fields = {f for f, _m in caught.value.errors}
    assert fields == {"code", "name_zh", "rank", "prerequisite_code", "validity_months"}
    with pytest.raises(ValidationFailed) as caught:
        services.save_requirement(procurement.basic, RequirementData("exam", subjects=(), pass_mark=120,
                                                                     max_absence_share=0.1))
    assert {f for f, _m in caught.value.errors} == {"subjects", "pass_mark", "course_code"}


def test_holding_is_unique_per_level_and_person(db, procurement, make_employee, attend, passing_scores):
    person = make_employee()
    services.join_track(procurement.track, person)
    attend(person, procurement.basic_course, 360, completed=True)
    services.record_exam_result(procurement.exam, person, passing_scores)
    services.record_exam_result(procurement.exam, person, passing_scores)      # a second pass awards nothing more
    services.evaluate_employee(person.id)
    count = db.session.execute(db.select(db.func.count(TrackHolding.id)).filter_by(employee_id=person.id)).scalar()
    assert count == 1


def test_valid_until_extension_is_left_out_when_there_is_no_expiry(procurement, drone, make_employee, complete,
                                                                   licence, today, events):
    person = make_employee()
    services.join_track(drone.track, person)
    complete(person, drone.course)
    licence(person, today)
    [event] = events("track.awarded")
    assert event.payload["extensions"][EXT_VALID_UNTIL] == _held(person, drone.level).valid_until.isoformat()
