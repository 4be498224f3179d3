"""An agency training officer nominates staff in bulk: from their tree or pasted staff numbers, with a
per-person report of who could not be nominated and why, and each person's no-show history."""
from flask_babel import gettext as _

from courses.enrollment import queries, services
from lms.auth.models import Role
from lms.auth.permissions import agency_scope


def test_bulk_nomination_reports_each_refusal(db, open_run, make_employee, make_user, city):
    run = open_run(capacity=2)
    officer = make_user(Role.AGENCY_OFFICER, agency=city["police"])
    a, b, c = (make_employee(agency=city["lingya"]) for _ in range(3))
    outsider = make_employee(agency=city["fire"])
    already = make_employee(agency=city["patrol"])
    services.enroll(run, already)
    report = services.nominate(run, by_user=officer, scope=agency_scope(officer), employees=[a],
                               staff_numbers=[b.staff_no, c.staff_no.lower(), outsider.staff_no,
                                              already.staff_no, "NOPE01"])
    assert report.seated == [a] and report.waitlisted == [b, c]
    refused = dict(report.refused)
    assert refused["NOPE01"] == _("No staff member has this number.")
    assert refused[f"{outsider.staff_no} {outsider.name_zh}"] == _("Not in your agency.")
    assert refused[f"{already.staff_no} {already.name_zh}"] == _("Already enrolled in this run.")
    assert queries.enrollment_for(run.id, a.id).nominated_by_id == officer.id


def test_nomination_page_shows_no_show_history_and_the_report(db, client, login, open_run, make_employee,
                                                              make_user, city):
    run = open_run()
    officer = make_user(Role.AGENCY_OFFICER, agency=city["police"])
    absent = make_employee(agency=city["lingya"], name_zh="缺席者")
    past = services.enroll(open_run(starts_in=60), absent)
    past.outcome, past.no_show = "not_completed", True
    login(officer)
    page = client.get(f"/enrol/runs/{run.id}/nominate").get_data(as_text=True)
    assert "缺席者" in page and _("%(n)s of %(total)s classes", n=1, total=1) in page
    response = client.post(f"/enrol/runs/{run.id}/nominate",
                           data={"employee_ids": [absent.id], "staff_numbers": "ZZ999\nE1"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "ZZ999" in text and _("No staff member has this number.") in text
    assert queries.enrollment_for(run.id, absent.id).status == "seated"


def test_learners_cannot_nominate(db, learner_client, open_run):
    assert learner_client.get(f"/enrol/runs/{open_run().id}/nominate").status_code == 403
