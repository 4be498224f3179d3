"""Completion rules per run (attendance share, blended pre-work, exam pass mark), hours split into digital
and classroom parts, bulk results with corrections kept in the audit trail, offline completions from CSV,
blended pre-work gating and the day-before reminder."""
from datetime import time, timedelta

import pytest

from courses.attendance import services as attendance
from courses.enrollment import services
from courses.enrollment.models import Certificate
from lms.errors import ValidationFailed
from lms.events.models import DomainEvent
from lms.notifications.models import Notification


def events_of(db, kind):
    return list(db.session.execute(db.select(DomainEvent).filter_by(kind=kind).order_by(DomainEvent.id)).scalars())


def test_attendance_share_and_pass_mark_decide_the_outcome(db, open_run, seated, set_policy):
    run = open_run()
    set_policy(run, min_attendance_share=0.8, pass_mark=70)
    (session, full), (_s, short), (_s2, low_score), (_s3, no_score) = (seated(run) for _ in range(4))
    attendance.mark_roster(session, [attendance.Mark(full.id, True), attendance.Mark(short.id, True, 120),
                                     attendance.Mark(low_score.id, True), attendance.Mark(no_score.id, True)])
    services.record_results(run, [services.ResultEntry(full.id, score=85), services.ResultEntry(short.id, score=90),
                                  services.ResultEntry(low_score.id, score=60)])
    assert (full.outcome, short.outcome, low_score.outcome, no_score.outcome) == (
        "completed", "not_completed", "failed", "not_completed")
    assert full.credited_hours == 6 and short.credited_hours == 0
    completed = events_of(db, "enrollment.completed")[0].payload
    assert completed["hours"] == 6 and completed["score"] == [85, 0, 100] and completed["success"] is True
    assert events_of(db, "enrollment.failed")[0].payload["score"] == [60, 0, 100]


def test_no_show_is_flagged(db, open_run, seated):
    run = open_run()
    session, enrollment = seated(run)
    services.record_results(run, [])
    assert enrollment.outcome == "not_completed" and enrollment.no_show is True


def test_blended_hours_split_and_prework_rule(db, open_run, make_course, seated, add_session):
    course = make_course(delivery_mode="blended", credited_hours=6)
    run = open_run(course=course, days=2)
    add_session(run, day=run.starts_on + timedelta(days=1), start=time(9), end=time(12), mode="online_prework")
    (session, done), (_s, lazy) = seated(run), seated(run)
    assert services.ensure_policy(run).online_required is True
    attendance.mark_roster(session, [attendance.Mark(done.id, True), attendance.Mark(lazy.id, True)])
    services.record_results(run, [services.ResultEntry(done.id, prework_done=True)])
    assert done.outcome == "completed" and lazy.outcome == "not_completed"
    assert (done.digital_hours, done.physical_hours) == (3, 3)


def test_correction_overrides_the_rules_with_a_reason_and_leaves_a_trail(db, open_run, seated):
    run = open_run()
    session, enrollment = seated(run)
    services.record_results(run, [])
    assert enrollment.outcome == "not_completed"
    with pytest.raises(ValidationFailed):
        services.record_results(run, [services.ResultEntry(enrollment.id, outcome="completed")])
    services.record_results(run, [services.ResultEntry(enrollment.id, outcome="completed", reason="補登紙本簽到")])
    assert enrollment.outcome == "completed" and enrollment.credited_hours == 6
    trail = events_of(db, "enrollment.completed")[-1].payload
    assert trail["previous_outcome"] == "not_completed" and trail["reason"] == "補登紙本簽到"
    services.record_results(run, [services.ResultEntry(enrollment.id, outcome="failed", reason="考試作弊")])
    certificate = db.session.execute(db.select(Certificate).filter_by(enrollment_id=enrollment.id)).scalar_one()
    assert certificate.revoked is True


def test_bulk_results_page(db, admin_client, open_run, seated, set_policy):
    run = open_run()
    set_policy(run, pass_mark=60)
    session, enrollment = seated(run)
    attendance.mark_roster(session, [attendance.Mark(enrollment.id, True)])
    page = admin_client.get(f"/admin/enrolment/runs/{run.id}/results").get_data(as_text=True)
    assert enrollment.employee.staff_no in page
    admin_client.post(f"/admin/enrolment/runs/{run.id}/results", data={f"score-{enrollment.id}": "75"})
    assert enrollment.outcome == "completed" and enrollment.score == 75


def test_offline_completions_from_csv(db, open_run, make_employee, admin_client):
    import io

    run = open_run(session=False)
    a, b = make_employee(), make_employee()
    data = (f"staff_no,outcome,score\n{a.staff_no},completed,88\n{b.staff_no},未通過,40\nNOPE,completed,\n"
            f"{a.staff_no},maybe,\n").encode("utf-8")
    response = admin_client.post(f"/admin/enrolment/runs/{run.id}/completions",
                                 data={"file": (io.BytesIO(data), "offline.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200 and 'id="import-report"' in response.get_data(as_text=True)
    from courses.enrollment import queries

    first, second = queries.enrollment_for(run.id, a.id), queries.enrollment_for(run.id, b.id)
    assert (first.outcome, first.score, first.via, first.credited_hours) == ("completed", 88, "import", 6)
    assert second.outcome == "failed" and second.no_show is False


def test_prework_gating_sends_the_seat_back_to_the_waitlist(db, open_run, make_course, make_employee, add_session):
    course = make_course(delivery_mode="blended")
    run = open_run(course=course, capacity=2, starts_in=10, session=False)
    add_session(run, day=run.starts_on, start=time(9), end=time(12), mode="online_prework")
    from tests.courses.enrollment.fixtures import classroom

    classroom(run, add_session)
    ready, lazy, waiting_ready, waiting_lazy = (services.enroll(run, make_employee()) for _ in range(4))
    services.record_prework(ready)
    services.record_prework(waiting_ready)
    first_classroom = min(s.starts_at for s in run.sessions if s.mode == "in_person")
    too_early = first_classroom - timedelta(days=5)
    assert services.gate_prework(too_early) == 0 and lazy.status == "seated"
    due = first_classroom - timedelta(days=2)
    assert services.gate_prework(due) == 1
    assert (ready.status, lazy.status, waiting_ready.status, waiting_lazy.status) == (
        "seated", "waitlisted", "seated", "waitlisted")
    assert lazy.seq > waiting_lazy.seq          # to the end of the line
    assert services.gate_prework(due) == 0      # twice is safe
    note = db.session.execute(db.select(Notification).filter_by(employee_id=lazy.employee_id,
                                                                kind="prework_missed")).scalar_one()
    assert run.code in note.subject


def test_day_before_reminder_once(db, open_run, seated):
    run = open_run()
    session, enrollment = seated(run)
    day_before = session.starts_at - timedelta(hours=20)
    assert services.send_reminders(day_before) == 1
    assert services.send_reminders(day_before) == 0
    note = db.session.execute(db.select(Notification).filter_by(kind="session_reminder")).scalar_one()
    assert note.employee_id == enrollment.employee_id


def test_beat_schedule_lists_the_periodic_jobs(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"courses.enrollment.tasks.expire_approval_requests", "courses.enrollment.tasks.gate_blended_prework",
            "courses.enrollment.tasks.send_session_reminders"} <= tasks
