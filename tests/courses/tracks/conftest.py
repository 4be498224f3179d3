"""Factories for the track tests: courses with topic tags, a track built through the services, completions
recorded through the enrolment service (so the "enrollment.completed" event fires), a seat in a training run
with a chosen share of its hours attended, and a licence."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from courses.tracks import services
from courses.tracks.queries import local_today
from courses.tracks.services import LevelData, LicenceData, RequirementData, TrackData

SUBJECTS = ("法規", "實務", "招標")


@pytest.fixture
def today():
    return local_today()


@pytest.fixture
def make_track(db):
    """make_track("code", [(LevelData, [RequirementData, ...]), ...]) through the services."""
    def factory(code, levels, **track):
        made = services.save_track(TrackData(code=code, name_zh=track.pop("name_zh", f"軌道{code}"), **track))
        for level_data, requirements in levels:
            level = services.save_level(made, level_data)
            for requirement in requirements:
                services.save_requirement(level, requirement)
        return made
    return factory


@pytest.fixture
def complete(db, make_run, today):
    """Record `employee` as having completed `course` in a run that ended `days_ago` days ago."""
    from courses.enrollment import events
    from courses.enrollment.models import Enrollment
    from courses.scheduling.models import LOCAL_TZ

    def factory(employee, course, days_ago=5):
        ends = today - timedelta(days=days_ago)
        run = make_run(course, year=ends.year, starts_on=ends - timedelta(days=1), ends_on=ends, status="finished")
        finished = datetime.combine(ends, time(17), tzinfo=LOCAL_TZ)
        enrollment = Enrollment(run_id=run.id, employee_id=employee.id, status="seated", seq=1, via="import",
                                requested_at=finished, seated_at=finished)
        db.session.add(enrollment)
        finish(db, enrollment, finished, events)
        return run
    return factory


def finish(db, enrollment, finished, events) -> None:
    """The result as the enrolment service records it (outcome, hours, the "enrollment.completed" event),
    without the certificate PDF it also renders (seconds per call on this machine; test_awards has one
    test through the real service)."""
    from courses.enrollment.services import hours_split

    db.session.flush()
    digital, physical = hours_split(enrollment.run)
    enrollment.outcome, enrollment.completed_at = "completed", finished
    enrollment.digital_hours, enrollment.physical_hours = digital, physical
    db.session.flush()
    events.record(events.COMPLETED, enrollment, hours=enrollment.credited_hours, digital_hours=digital,
                  physical_hours=physical, success=True, completion=True)


@pytest.fixture
def attend(db, make_run, add_session, make_room, today):
    """A seat in a finished run of `course` with two 09:00–12:00 sessions (360 min), `minutes` of them attended;
    with `completed`, the result is recorded too (a correction, whatever the attendance)."""
    from courses.attendance.services import record_attendance
    from courses.enrollment.models import Enrollment
    from courses.enrollment import events
    from lms.db import utcnow

    def factory(employee, course, minutes, completed=False):
        start = today - timedelta(days=10)
        run = make_run(course, year=start.year, starts_on=start, ends_on=start + timedelta(days=1))
        room = make_room()
        first = add_session(run, day=start, start=time(9), end=time(12), room_id=room.id)
        second = add_session(run, day=start + timedelta(days=1), start=time(9), end=time(12), room_id=room.id)
        run.status = "finished"
        enrollment = Enrollment(run_id=run.id, employee_id=employee.id, status="seated", seq=1, via="self",
                                requested_at=utcnow(), seated_at=utcnow())
        db.session.add(enrollment)
        db.session.flush()
        record_attendance(first, enrollment, min(minutes, 180), "manual")
        record_attendance(second, enrollment, max(0, minutes - 180), "manual")
        if completed:
            finish(db, enrollment, utcnow(), events)
        return enrollment
    return factory


@pytest.fixture
def procurement(make_track, make_course):
    """Basic (course + exam: pass 70, no zero, absence over a tenth bars) and advanced (needs basic)."""
    basic_course = make_course(code="PROC-101", title_zh="採購基礎班", credited_hours=84)
    advanced_course = make_course(code="PROC-201", title_zh="採購進階班", credited_hours=63)
    exam = dict(subjects=SUBJECTS, pass_mark=70, no_zero=True, max_absence_share=0.1)
    track = make_track("procurement", [
        (LevelData("proc-basic", "基本資格", 1), [
            RequirementData("course", course_code="PROC-101"),
            RequirementData("exam", course_code="PROC-101", sort_order=1, **exam)]),
        (LevelData("proc-advanced", "進階資格", 2, prerequisite_code="proc-basic"), [
            RequirementData("course", course_code="PROC-201")]),
    ], name_zh="政府採購專業人員")
    basic, advanced = track.levels
    return SimpleNamespace(track=track, basic=basic, advanced=advanced, basic_course=basic_course,
                           advanced_course=advanced_course, exam=basic.requirements[1])


@pytest.fixture
def drone(make_track, make_course):
    course = make_course(code="DRN-101", title_zh="無人機證照輔導專班", credited_hours=30)
    track = make_track("drone", [
        (LevelData("drone-basic", "專業操作證（基本級）", 1, validity_kind="licence"), [
            RequirementData("course", course_code="DRN-101"),
            RequirementData("licence", licence_kind="professional", licence_level="basic", sort_order=1)]),
    ], name_zh="遙控無人機操作證")
    return SimpleNamespace(track=track, level=track.levels[0], course=course)


@pytest.fixture
def licence(db):
    def factory(employee, issued_on, level="basic", number=None, expires_on=None):
        return services.record_licence(employee, LicenceData(
            kind="professional", level=level, number=number or f"UAV-{employee.staff_no}", issued_on=issued_on,
            structure="multirotor", expires_on=expires_on))
    return factory


@pytest.fixture
def events(db):
    """The domain events of one kind, oldest first."""
    from lms.events.models import DomainEvent

    def find(kind):
        return list(db.session.execute(db.select(DomainEvent).filter_by(kind=kind).order_by(DomainEvent.id)).scalars())
    return find


@pytest.fixture
def passing_scores():
    return {s: 80 for s in SUBJECTS}


@pytest.fixture
def tr():
    return SimpleNamespace(SUBJECTS=SUBJECTS, date=date)
