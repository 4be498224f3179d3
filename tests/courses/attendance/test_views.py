"""The instructor's session screen (code, QR code, roster, CSV import) and the learner's check-in page."""
import io
from datetime import timedelta
from unittest import mock

from courses.attendance import services
from lms.auth.models import Role


def test_instructor_screen_shows_code_and_qr(db, client, login, make_user, seated, make_instructor):
    session, enrollment = seated()
    teacher = make_user(Role.INSTRUCTOR)
    session.instructors = [make_instructor(employee=teacher.employee)]
    login(teacher)
    page = client.get(f"/attendance/sessions/{session.id}").get_data(as_text=True)
    assert services.current_code(session)[0] in page
    assert "<svg" in page and f"/check-in/{session.id}?code=" in page
    assert enrollment.employee.staff_no in page


def test_learner_cannot_open_the_instructor_screen(db, learner_client, seated):
    session, _enrollment = seated()
    assert learner_client.get(f"/attendance/sessions/{session.id}").status_code == 403


def test_learner_checks_in_with_the_typed_code(db, client, login, make_user, seated):
    learner = make_user()
    session, enrollment = seated(employee=learner.employee)
    login(learner)
    now = session.starts_at + timedelta(minutes=5)
    with mock.patch("courses.attendance.services.utcnow", return_value=now):
        wrong = client.post(f"/check-in/{session.id}", data={"code": "12345"})
        assert wrong.status_code == 422 and enrollment.minutes_attended == 0
        code = services.current_code(session, now)[0]
        assert f'value="{code}"' in client.get(f"/check-in/{session.id}?code={code}").get_data(as_text=True)
        response = client.post(f"/check-in/{session.id}", data={"code": code})
    assert response.status_code == 200 and 'id="checked-in"' in response.get_data(as_text=True)
    assert enrollment.minutes_attended == 175


def test_admin_marks_roster_and_imports_csv(db, admin_client, seated, open_run):
    run = open_run()
    (session, a), (_s, b) = seated(run), seated(run)
    admin_client.post(f"/attendance/sessions/{session.id}/roster",
                      data={f"present-{a.id}": "y", f"minutes-{a.id}": "150", f"leave-{b.id}": "personal"})
    assert (a.minutes_attended, b.minutes_attended) == (150, 0)
    csv = f"staff_no,join_time,minutes\n{b.employee.staff_no},09:30,90\nX999,09:00,10\n".encode()
    response = admin_client.post(f"/attendance/sessions/{session.id}/import",
                                 data={"file": (io.BytesIO(csv), "meeting.csv")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="import-report"' in page and "X999" in page
    assert b.minutes_attended == 90


def test_a_stale_roster_keeps_check_ins_made_since_it_was_shown(db, admin_client, seated, open_run):
    """The screen stays open while learners check in: rows the instructor left as shown are not written over."""
    run = open_run()
    (session, early), (_s, late), (_t, sick) = seated(run), seated(run), seated(run)
    services.record_attendance(session, late, 120, "code")   # checked in after the instructor's page was shown
    services.record_attendance(session, sick, 90, "code")
    shown = {f"shown-{e.id}": "||" for e in (early, late, sick)}
    admin_client.post(f"/attendance/sessions/{session.id}/roster",
                      data={**shown, f"present-{early.id}": "y", f"leave-{sick.id}": "sick"})
    assert early.minutes_attended == session.duration.total_seconds() // 60   # ticked: the whole session
    assert late.minutes_attended == 120   # untouched: the check-in stands
    assert sick.minutes_attended == 0     # changed by the instructor: their word wins

