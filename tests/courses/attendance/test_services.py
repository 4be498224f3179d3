"""Attendance: the rotating code, check-in within the window, minutes actually attended, the hand-marked
roster, and the meeting tool's CSV export with a row-by-row report."""
from datetime import timedelta

import pytest
from flask_babel import gettext as _

from courses.attendance import services
from courses.attendance.models import Attendance
from lms.errors import RuleBrokenError, ValidationFailed
from lms.events.models import DomainEvent


def test_code_rotates_and_the_previous_one_still_works(db, seated):
    session, _enrollment = seated()
    now = session.starts_at
    code, left = services.current_code(session, now)
    assert len(code) == 6 and code.isdigit() and 0 < left <= 30
    later = now + timedelta(seconds=30)
    assert services.current_code(session, later)[0] != code or services.code_for(session.id, 1) != code
    assert services.code_is_valid(session, code, now)
    assert services.code_is_valid(session, code, later)             # typed as it turned over
    assert not services.code_is_valid(session, code, now + timedelta(seconds=60))
    assert services.code_for(session.id + 1, 5) != services.code_for(session.id, 5)


def test_check_in_records_the_minutes_from_arrival(db, seated):
    session, enrollment = seated()
    now = session.starts_at + timedelta(minutes=20)
    row = services.check_in(session, enrollment.employee, services.current_code(session, now)[0], now)
    assert (row.minutes, row.method) == (160, "code") and enrollment.minutes_attended == 160
    again = services.check_in(session, enrollment.employee, services.current_code(session, now)[0], now)
    assert again.id == row.id and again.minutes == 160
    event = db.session.execute(db.select(DomainEvent).filter_by(kind="attendance.recorded")).scalar_one()
    assert event.payload["minutes_attended"] == 160 and event.payload["session_id"] == session.id


def test_early_check_in_counts_the_whole_session(db, seated):
    session, enrollment = seated()
    now = session.starts_at - timedelta(minutes=10)
    assert services.check_in(session, enrollment.employee, services.current_code(session, now)[0], now).minutes == 180


def test_check_in_refusals(db, seated, make_employee):
    session, enrollment = seated()
    late = session.ends_at + timedelta(minutes=1)
    with pytest.raises(RuleBrokenError) as caught:
        services.check_in(session, enrollment.employee, services.current_code(session, late)[0], late)
    assert [f for f, _m in caught.value.errors] == ["session"]
    now = session.starts_at
    with pytest.raises(RuleBrokenError) as caught:
        services.check_in(session, make_employee(), "000000", now)
    assert [f for f, _m in caught.value.errors] == ["session", "code"] or \
        [f for f, _m in caught.value.errors] == ["session"]
    assert db.session.execute(db.select(db.func.count(Attendance.id))).scalar() == 0


def test_roster_marking_with_leave_and_partial_minutes(db, seated, open_run):
    run = open_run()
    (session, a), (_s, b), (_s2, c) = seated(run), seated(run), seated(run)
    services.mark_roster(session, [services.Mark(a.id, True), services.Mark(b.id, True, 90),
                                   services.Mark(c.id, False, leave_type="sick")])
    assert (a.minutes_attended, b.minutes_attended, c.minutes_attended) == (180, 90, 0)
    services.mark_roster(session, [services.Mark(b.id, True, 120)])     # a correction, kept in the event log
    assert b.minutes_attended == 120
    history = [e.payload["minutes_attended"] for e in db.session.execute(
        db.select(DomainEvent).filter_by(kind="attendance.recorded", object_id=b.id).order_by(DomainEvent.id)).scalars()]
    assert history == [90, 120]
    with pytest.raises(ValidationFailed):
        services.mark_roster(session, [services.Mark(a.id, True, 999), services.Mark(a.id, False, leave_type="x")])


def test_meeting_export_is_imported_row_by_row(db, seated, open_run, make_employee):
    run = open_run()
    (session, a), (_s, b) = seated(run), seated(run)
    stranger = make_employee()
    data = ("User Email,Join Time,Duration (Minutes)\n"
            f"{a.employee.email},2026-03-02 09:01,100\n"
            f"{a.employee.email.upper()},2026-03-02 11:00,100\n"
            f"{stranger.email},2026-03-02 09:00,180\n"
            "nobody@example.gov.tw,2026-03-02 09:00,30\n"
            f"{b.employee.email},2026-03-02 09:05,abc\n").encode("cp950")
    report = services.import_meeting_attendance(session, data)
    assert [(line, result) for line, _who, result, _m in report.rows] == [
        (2, "ok"), (3, "ok"), (4, "error"), (5, "error"), (6, "error")]
    assert report.rows[3][3] == _("No staff member matches this row.")
    assert a.minutes_attended == 180      # 100 + 100 capped at the session's length
    assert b.minutes_attended == 0


def test_staff_number_column_and_big5_header(db, seated):
    session, enrollment = seated()
    data = f"員工編號,加入時間,出席分鐘\n{enrollment.employee.staff_no},09:00,75\n".encode("cp950")
    assert services.import_meeting_attendance(session, data).accepted == 1
    assert enrollment.minutes_attended == 75
