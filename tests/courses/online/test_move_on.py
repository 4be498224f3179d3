"""moveOn: each cmi5 criterion decides when a unit is satisfied, the course is satisfied when every unit
is, the LMS then sends "satisfied" and records "online.completed", and the hours reach the ledger."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.courses.online.conftest import CMI5, MOVEON

SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"


def events(kind: str, employee) -> list:
    from lms.events.models import DomainEvent
    from lms.extensions import db

    return db.session.execute(sa.select(DomainEvent).where(DomainEvent.kind == kind,
                                                           DomainEvent.employee_id == employee.id)).scalars().all()


def send_outcomes(session, verbs):
    for verb in verbs:
        result = {"completion": True} if verb == "completed" else {
            "success": verb == "passed", "score": {"scaled": 0.9 if verb == "passed" else 0.3}}
        assert session.send(verb, categories=(CMI5, MOVEON), **result).status_code == 200


@pytest.mark.parametrize("move_on, verbs, satisfied", [
    ("Passed", ["completed"], False),
    ("Passed", ["passed"], True),
    ("Completed", ["passed"], False),
    ("Completed", ["completed"], True),
    ("CompletedAndPassed", ["completed"], False),
    ("CompletedAndPassed", ["failed", "completed"], False),
    ("CompletedAndPassed", ["completed", "passed"], True),
    ("CompletedOrPassed", ["failed"], False),
    ("CompletedOrPassed", ["passed"], True),
    ("NotApplicable", [], True),
])
def test_move_on_rules(course_with_units, make_employee, au_session, move_on, verbs, satisfied):
    from courses.online import queries

    course = course_with_units((move_on, "0.5"))
    learner = make_employee()
    session = au_session(learner, course)
    send_outcomes(session, verbs)
    registration = queries.registration_of(learner.id, course.id)
    assert (registration.satisfied_at is not None) is satisfied
    assert len(events("online.completed", learner)) == (1 if satisfied else 0)


def test_course_is_satisfied_when_every_unit_is(course_with_units, make_employee, au_session):
    from courses.online import queries

    course = course_with_units(("Completed", None), ("Passed", "0.8"))
    learner = make_employee()
    send_outcomes(au_session(learner, course, 1), ["completed"])
    assert queries.registration_of(learner.id, course.id).satisfied_at is None
    send_outcomes(au_session(learner, course, 2), ["passed"])
    assert queries.registration_of(learner.id, course.id).satisfied_at is not None


def test_satisfied_statement_event_and_hours(db, sample_course, make_employee, au_session):
    from lms.personnel.models import LearningRecord
    from xapi.store.identity import verb_hash
    from xapi.store.models import Statement

    learner = make_employee()
    session = au_session(learner, sample_course)
    send_outcomes(session, ["passed", "completed"])
    assert session.send("terminated").status_code == 200

    [satisfied] = [json.loads(p) for p in db.session.execute(sa.select(Statement.payload).where(
        Statement.registration == session.registration, Statement.verb_hash == verb_hash(SATISFIED))).scalars()]
    assert satisfied["authority"]["account"]["name"] == "lms-platform"
    assert satisfied["object"]["id"].endswith(f"/course/{sample_course.code}")
    assert {c["id"] for c in satisfied["context"]["contextActivities"]["category"]} == {CMI5, MOVEON}

    [event] = events("online.completed", learner)
    assert event.payload["course"] == {"code": sample_course.code, "name_zh": sample_course.title_zh,
                                       "name_en": sample_course.title_en, "online": True}
    assert event.payload["hours"] == 2.0 and event.payload["success"] is True

    [record] = db.session.execute(sa.select(LearningRecord).where(
        LearningRecord.employee_id == learner.id, LearningRecord.course_code == sample_course.code)).scalars().all()
    assert (record.hours, record.digital_hours, record.learning_mode, record.status) == (2.0, 2.0, 1, "pending")
    assert "gender" in record.topic_codes
    # The content's own "completed" (sent with its launch token) is not a second record: only the platform's is.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LearningRecord).where(
        LearningRecord.employee_id == learner.id)) == 1

    # Sending completion again (another launch) credits nothing more.
    again = au_session(learner, sample_course)
    send_outcomes(again, ["completed"])
    assert len(events("online.completed", learner)) == 1


def test_failed_then_passed_in_a_later_session(course_with_units, make_employee, au_session):
    from courses.online import queries

    course = course_with_units(("Passed", "0.8"))
    learner = make_employee()
    send_outcomes(au_session(learner, course), ["failed"])
    progress = queries.registration_of(learner.id, course.id).progress[0]
    assert progress.failed and progress.satisfied_at is None and progress.score == 0.3
    send_outcomes(au_session(learner, course), ["passed"])
    progress = queries.registration_of(learner.id, course.id).progress[0]
    assert progress.passed and not progress.failed and progress.satisfied_at is not None



def test_a_new_package_keeps_registrations_and_drops_old_progress(db, course_with_units, make_employee, au_session):
    from courses.online import queries
    from courses.online.models import UnitProgress

    course = course_with_units(("Completed", None))
    learner = make_employee()
    send_outcomes(au_session(learner, course), ["completed"])
    course_with_units(("Completed", None), ("Passed", "0.5"))
    db.session.expire_all()
    registration = queries.registration_of(learner.id, course.id)
    assert registration.satisfied_at is not None
    assert db.session.query(UnitProgress).count() == 0
    assert len(events("online.completed", learner)) == 1
