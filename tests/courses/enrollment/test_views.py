"""Enrolment pages: enrol, see one's own enrolments and waitlist number, cancel; the approval queue;
the administrators' roster and rules."""
from flask_babel import gettext as _

from courses.enrollment import queries, services
from lms.auth.models import Role


def test_learner_enrols_sees_status_and_cancels(db, client, login, make_user, open_run):
    run = open_run(capacity=1)
    services.enroll(run, make_user().employee)
    learner = make_user()
    login(learner)
    assert run.code in client.get("/enrol/").get_data(as_text=True)
    response = client.post(f"/enrol/runs/{run.id}", follow_redirects=True)
    assert _("number %(n)s on the waitlist", n=1) in response.get_data(as_text=True)
    mine = client.get("/my/enrolments").get_data(as_text=True)
    assert run.code in mine and _("Waitlisted") in mine
    enrollment = queries.enrollment_for(run.id, learner.employee_id)
    client.post(f"/my/enrolments/{enrollment.id}/cancel", data={"reason": "公務繁忙"})
    assert enrollment.status == "cancelled" and enrollment.cancel_reason == "公務繁忙"


def test_refusal_is_shown_not_raised(db, client, login, make_user, open_run, today):
    from datetime import timedelta

    run = open_run()
    run.enrol_closes_on = today - timedelta(days=1)
    login(make_user())
    page = client.get(f"/enrol/runs/{run.id}").get_data(as_text=True)
    assert 'id="enrolment-closed"' in page and f'action="/enrol/runs/{run.id}"' not in page   # no button to trip on
    response = client.post(f"/enrol/runs/{run.id}", follow_redirects=True)
    assert _("Enrolment for this run is not open.") in response.get_data(as_text=True)


def test_a_learner_cannot_cancel_someone_else(db, client, login, make_user, open_run):
    enrollment = services.enroll(open_run(), make_user().employee)
    login(make_user())
    assert client.post(f"/my/enrolments/{enrollment.id}/cancel").status_code == 403
    assert enrollment.status == "seated"


def test_supervisor_approves_from_the_queue(db, client, login, make_user, make_employee, open_run, set_policy, city):
    run = open_run()
    set_policy(run, approval_required=True)
    request = services.enroll(run, make_employee(agency=city["patrol"]))
    other = services.enroll(run, make_employee(agency=city["fire"]))
    boss = make_user(Role.SUPERVISOR, agency=city["lingya"])
    login(boss)
    page = client.get("/approvals").get_data(as_text=True)
    assert request.employee.staff_no in page and other.employee.staff_no not in page
    assert client.post(f"/approvals/{other.id}/approve").status_code == 403
    client.post(f"/approvals/{request.id}/decline", data={"reason": ""})
    assert request.status == "pending"
    client.post(f"/approvals/{request.id}/approve")
    assert request.status == "seated"


def test_admin_sees_roster_and_edits_rules(db, admin_client, make_employee, open_run):
    run = open_run(capacity=10)
    enrollment = services.enroll(run, make_employee(name_zh="林美華"))
    page = admin_client.get(f"/admin/enrolment/runs/{run.id}").get_data(as_text=True)
    assert "林美華" in page
    response = admin_client.post(f"/admin/enrolment/runs/{run.id}/policy", data={
        "approval_days": 5, "cancel_days_before": 2, "agency_quota": 20, "min_attendance_share": "0.9",
        "prework_days_before": 3})
    assert response.status_code == 400 and _("An agency quota is between 1 and the capacity (%(n)s).", n=10) in response.get_data(as_text=True)
    admin_client.post(f"/admin/enrolment/runs/{run.id}/policy", data={
        "approval_required": "y", "approval_days": 5, "cancel_days_before": 2, "agency_quota": 2,
        "min_attendance_share": "0.9", "prework_days_before": 3, "pass_mark": "70"})
    policy = queries.get_policy(run.id)
    assert (policy.approval_required, policy.agency_quota, policy.pass_mark) == (True, 2, 70)
    assert enrollment.status == "seated"


def test_roster_is_closed_to_learners(db, learner_client, open_run):
    assert learner_client.get(f"/admin/enrolment/runs/{open_run().id}").status_code == 403


def test_rosters_list_for_the_centre_and_only_own_runs_for_instructors(db, client, login, make_user, open_run,
                                                                       make_instructor, count_queries):
    mine, other = open_run(), open_run()
    teacher = make_user(Role.INSTRUCTOR)
    mine.sessions[0].instructors = [make_instructor(employee=teacher.employee)]
    login(teacher)
    page = client.get(f"/admin/enrolment/?year={mine.year}").get_data(as_text=True)
    assert mine.code in page and other.code not in page
    assert client.get(f"/admin/enrolment/runs/{mine.id}").status_code == 200
    assert client.get(f"/admin/enrolment/runs/{other.id}").status_code == 403
    login(make_user(Role.TRAINING_ADMIN))
    with count_queries() as statements:
        page = client.get(f"/admin/enrolment/?year={mine.year}").get_data(as_text=True)
    assert mine.code in page and other.code in page
    assert len(statements) < 15, statements


def test_booked_people_are_the_ones_a_run_change_concerns(db, open_run, make_employee):
    run = open_run(capacity=1)
    seated, waiting, gone = (services.enroll(run, make_employee()) for _ in range(3))
    services.cancel(gone)
    assert [e.id for e in queries.booked_employees(run.id)] == [seated.employee_id, waiting.employee_id]


def test_on_the_day_of_a_remote_class_my_enrolments_has_the_way_in(db, client, login, make_user, open_run,
                                                                   add_session):
    from datetime import datetime, timedelta, timezone

    run = open_run(session=False)
    add_session(run, mode="remote", meeting_url="https://meet.example.tw/today")
    learner = make_user()
    services.enroll(run, learner.employee)
    login(learner)
    assert "https://meet.example.tw/today" not in client.get("/my/enrolments").get_data(as_text=True)
    session = run.sessions[0]                           # time passes: the class is now
    session.starts_at = datetime.now(timezone.utc).replace(microsecond=0)
    session.ends_at = session.starts_at + timedelta(hours=3)
    html = client.get("/my/enrolments").get_data(as_text=True)
    assert 'class="join" rel="noopener"' in html and 'href="https://meet.example.tw/today"' in html
    assert f"/check-in/{session.id}" in html
