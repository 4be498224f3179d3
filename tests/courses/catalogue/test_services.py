from dataclasses import replace

import pytest

from courses.catalogue.models import MANDATED_TOPICS, Topic
from courses.catalogue.services import (CourseData, archive_course, create_course, delete_course,
                                        ensure_mandated_topics, update_course)
from lms.errors import ConflictError, ValidationFailed


def test_migration_seeds_the_mandated_topics(db):
    codes = set(db.session.execute(db.select(Topic.code)).scalars())
    assert {code for code, *_ in MANDATED_TOPICS} <= codes
    cyber = db.session.execute(db.select(Topic).filter_by(code="cyber_pro")).scalar_one()
    assert cyber.portal_code == "523"


def test_create_course_with_topics_and_prerequisite(make_course, make_category, city):
    basic = make_course(code="PROC-B", title_zh="政府採購專業人員基礎班")
    advanced = make_course(code="PROC-A", title_zh="政府採購專業人員進階班", topic_codes=("integrity",),
                           prerequisite_codes=("PROC-B",), delivery_mode="blended")
    assert [c.code for c in advanced.prerequisites] == ["PROC-B"]
    assert [t.code for t in advanced.topics] == ["integrity"]
    assert advanced.delivery_mode == "blended" and basic.agency == city["root"]


def test_every_problem_is_reported_at_once(db, city):
    data = CourseData(code="bad code!", title_zh="", category_code="nope", credited_hours=0,
                      agency_code="NOPE", delivery_mode="teleport", topic_codes=("astrology",),
                      prerequisite_codes=("MISSING",))
    with pytest.raises(ValidationFailed) as caught:
        create_course(data)
    fields = {f for f, _m in caught.value.errors}
    assert fields == {"code", "title_zh", "category", "credited_hours", "agency", "delivery_mode", "topics",
                      "prerequisites"}


def test_duplicate_code_is_a_conflict(make_course):
    make_course(code="DUP-1")
    with pytest.raises(ConflictError) as caught:
        make_course(code="DUP-1")
    assert caught.value.errors[0][0] == "code"


def test_prerequisite_cycle_is_refused(make_course):
    first = make_course(code="CYC-1")
    second = make_course(code="CYC-2", prerequisite_codes=("CYC-1",))
    data = CourseData(code="CYC-1", title_zh=first.title_zh, category_code=first.category.code,
                      credited_hours=6, agency_code=first.agency.code, prerequisite_codes=(second.code,))
    with pytest.raises(ValidationFailed) as caught:
        update_course(first, data)
    assert caught.value.errors == [("prerequisites", caught.value.errors[0][1])]


def test_update_course_changes_fields(make_course):
    course = make_course(code="UPD-1")
    data = CourseData(code="UPD-1", title_zh="新標題", title_en="New title", category_code=course.category.code,
                      credited_hours=12, agency_code=course.agency.code, topic_codes=("gender", "policy"))
    update_course(course, data)
    assert course.title_zh == "新標題" and course.credited_hours == 12
    assert {t.code for t in course.topics} == {"gender", "policy"}
    update_course(course, replace(data, topic_codes=()))
    assert course.topics == []


def test_course_with_runs_is_archived_not_deleted(db, make_course, make_run):
    course = make_course()
    make_run(course)
    with pytest.raises(ConflictError):
        delete_course(course)
    archive_course(course)
    assert course.archived is True
    lonely = make_course()
    delete_course(lonely)
    assert db.session.get(type(lonely), lonely.id) is None


def test_ensure_mandated_topics_is_idempotent(db):
    first = ensure_mandated_topics()
    second = ensure_mandated_topics()
    assert first.keys() == second.keys() and len(first) >= len(MANDATED_TOPICS)
