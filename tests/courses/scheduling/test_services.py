from datetime import date, time, timezone

import pytest

from courses.scheduling.models import ClassSession
from courses.scheduling.services import (RunData, cancel_run, copy_run,
                                         create_run, run_data, save_room, update_run, update_session)
from lms.errors import ConflictError, RuleBrokenError, ValidationFailed
from lms.notifications.models import Notification


def fields(exc):
    return [f for f, _m in exc.errors]


def test_run_gets_a_term_and_code_and_weekday_count(make_course, make_run):
    course = make_course(code="FIRE-1")
    first = make_run(course, starts_on=date(2026, 9, 7), ends_on=date(2026, 9, 18))
    second = make_run(course, starts_on=date(2026, 10, 5), ends_on=date(2026, 10, 5))
    assert (first.term, first.code, first.days) == (1, "FIRE-1-115-01", 10)
    assert (second.term, second.code, second.hours) == (2, "FIRE-1-115-02", 6.0)


def test_enrolment_window_must_close_before_the_run_starts(make_run):
    with pytest.raises(ValidationFailed) as caught:
        make_run(enrol_opens_on=date(2026, 2, 1), enrol_closes_on=date(2026, 3, 3))
    assert fields(caught.value) == ["enrol_closes_on"]


def test_run_checks_are_collected(make_course):
    with pytest.raises(ValidationFailed) as caught:
        create_run(make_course(), RunData(year=2026, starts_on=date(2025, 3, 2), ends_on=date(2025, 3, 1),
                                          capacity=0, min_size=-1, status="maybe"))
    assert set(fields(caught.value)) == {"ends_on", "starts_on", "capacity", "min_size", "status"}


def test_duplicate_run_code_is_a_conflict(make_course, make_run):
    make_run(code="SAME-CODE")
    with pytest.raises(ConflictError) as caught:
        make_run(code="SAME-CODE")
    assert fields(caught.value) == ["code"]


def test_archived_course_takes_no_new_runs(make_course, make_run):
    from courses.catalogue.services import archive_course

    course = archive_course(make_course())
    with pytest.raises(ValidationFailed) as caught:
        make_run(course)
    assert fields(caught.value) == ["course"]


def test_room_double_booked_at_overlapping_times(make_run, make_room, add_session):
    room = make_room(seats=40)
    add_session(make_run(), room_id=room.id, start=time(9), end=time(12))
    other = make_run()
    with pytest.raises(ConflictError) as caught:
        add_session(other, room_id=room.id, start=time(11), end=time(16))
    assert fields(caught.value) == ["room_id"]
    assert room.name in caught.value.errors[0][1]
    # Back-to-back is fine: the first ends when the second starts.
    assert add_session(other, room_id=room.id, start=time(12), end=time(16)).room == room


def test_cancelled_runs_free_their_rooms(make_run, make_room, add_session):
    room = make_room()
    first = make_run()
    add_session(first, room_id=room.id)
    cancel_run(first)
    assert add_session(make_run(), room_id=room.id).room_id == room.id


def test_instructor_in_two_places_at_once(make_run, make_room, make_instructor, add_session):
    teacher = make_instructor("林志豪")
    add_session(make_run(), room_id=make_room().id, instructor_ids=(teacher.id,))
    with pytest.raises(ConflictError) as caught:
        add_session(make_run(), mode="remote", meeting_url="https://meet.example.tw/abc",
                    start=time(10), end=time(11), instructor_ids=(teacher.id,))
    assert fields(caught.value) == ["instructor_ids"]
    assert "林志豪" in caught.value.errors[0][1]


def test_room_and_instructor_clashes_are_reported_together(make_run, make_room, make_instructor, add_session):
    room, teacher = make_room(), make_instructor()
    add_session(make_run(), room_id=room.id, instructor_ids=(teacher.id,))
    with pytest.raises(ConflictError) as caught:
        add_session(make_run(), room_id=room.id, instructor_ids=(teacher.id,))
    assert sorted(fields(caught.value)) == ["instructor_ids", "room_id"]


def test_capacity_above_room_seats(make_run, make_room, add_session):
    small = make_room(seats=20)
    with pytest.raises(ValidationFailed) as caught:
        add_session(make_run(capacity=30), room_id=small.id)
    assert fields(caught.value) == ["room_id"]


def test_raising_capacity_beyond_booked_room_is_refused(make_run, make_room, add_session):
    run = make_run(capacity=30)
    add_session(run, room_id=make_room(seats=32).id)
    with pytest.raises(ValidationFailed) as caught:
        update_run(run, run_data(run, capacity=35))
    assert fields(caught.value) == ["capacity"]


def test_shrinking_a_booked_room_is_refused(make_run, make_room, add_session):
    room = make_room(seats=40)
    add_session(make_run(capacity=35), room_id=room.id)
    with pytest.raises(ConflictError):
        save_room(room.venue, room.name, 30, room)


def test_session_outside_the_run_dates(make_run, make_room, add_session):
    run = make_run()
    with pytest.raises(ValidationFailed) as caught:
        add_session(run, day=date(2026, 3, 9), room_id=make_room().id)
    assert fields(caught.value) == ["day"]
    add_session(run, day=date(2026, 3, 6), room_id=make_room().id)
    with pytest.raises(ValidationFailed) as caught:
        update_run(run, run_data(run, ends_on=date(2026, 3, 5)))
    assert fields(caught.value) == ["starts_on"]


def test_remote_session_needs_a_link_and_no_room(make_run, make_room, add_session):
    with pytest.raises(ValidationFailed) as caught:
        add_session(make_run(), mode="remote", room_id=make_room().id)
    assert set(fields(caught.value)) == {"room_id", "meeting_url"}


def test_session_times_are_stored_in_utc(make_run, make_room, add_session):
    session = add_session(make_run(), room_id=make_room().id, start=time(9), end=time(12))
    assert session.starts_at.tzinfo is not None
    assert session.starts_at.astimezone(timezone.utc).hour == 1     # 09:00 in Taipei
    assert session.local_start.hour == 9


def test_moving_a_session_bumps_its_sequence(make_run, make_room, add_session):
    from courses.scheduling.services import session_data

    session = add_session(make_run(), room_id=make_room().id)
    update_session(session, session_data(session, start=time(13), end=time(16)))
    assert session.sequence == 1 and session.local_start.hour == 13


def test_copy_run_moves_sessions(db, make_run, make_room, make_instructor, add_session):
    room, teacher = make_room(), make_instructor()
    run = make_run(enrol_opens_on=date(2026, 2, 1), enrol_closes_on=date(2026, 2, 20))
    add_session(run, room_id=room.id, instructor_ids=(teacher.id,))
    add_session(run, day=date(2026, 3, 4), mode="remote", meeting_url="https://meet.example.tw/x")
    copy = copy_run(run, date(2026, 5, 4))
    assert copy.term == 2 and copy.status == "planned"
    assert (copy.starts_on, copy.ends_on, copy.enrol_closes_on) == (date(2026, 5, 4), date(2026, 5, 8),
                                                                     date(2026, 4, 24))
    assert [s.local_date for s in copy.sessions] == [date(2026, 5, 4), date(2026, 5, 6)]
    assert copy.sessions[0].instructors == [teacher] and copy.sessions[1].meeting_url


def test_copy_run_onto_a_taken_room_is_a_conflict(make_run, make_room, add_session):
    room = make_room()
    run = make_run()
    add_session(run, room_id=room.id)
    add_session(make_run(starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 5)), room_id=room.id)
    with pytest.raises(ConflictError):
        copy_run(run, date(2026, 6, 1))


def test_cancel_run_tells_staff_instructors(db, make_run, make_room, make_instructor, make_employee, add_session):
    staff = make_employee()
    teacher = make_instructor(employee=staff, affiliation="")
    run = make_run()
    session = add_session(run, room_id=make_room().id, instructor_ids=(teacher.id, make_instructor().id))
    told = cancel_run(run, "颱風停班")
    assert told == 1 and run.status == "cancelled" and session.sequence == 1
    notes = db.session.execute(db.select(Notification).filter_by(employee_id=staff.id)).scalars().all()
    assert len(notes) == 1 and notes[0].kind == "run_cancelled" and "颱風停班" in notes[0].body
    from lms.events.models import DomainEvent

    event = db.session.execute(db.select(DomainEvent).filter_by(kind="run.cancelled")).scalar_one()
    assert event.object_id == run.id and event.payload["reason"] == "颱風停班"
    with pytest.raises(RuleBrokenError):
        update_run(run, run_data(run, status="open"))
    with pytest.raises(ValidationFailed):
        add_session(run, room_id=make_room().id)


def test_staff_instructor_takes_name_from_record(make_employee, make_instructor):
    staff = make_employee(name_zh="林志豪")
    assert make_instructor(name_zh="", employee=staff, affiliation="").name_zh == "林志豪"


def test_external_lecturer_needs_affiliation(db):
    from courses.scheduling.services import save_instructor

    with pytest.raises(ValidationFailed) as caught:
        save_instructor("王教授", affiliation="")
    assert fields(caught.value) == ["affiliation"]
    assert db.session.execute(db.select(db.func.count(ClassSession.id))).scalar() == 0
