"""Training effectiveness: the reaction survey after completion and the supervisor's follow-up survey
three months later, with the share of yes answers per run (the seeds' fire-safety class: 93.75 %)."""
from datetime import datetime, timedelta, timezone

import pytest

from courses.enrollment import services as enrollment_services
from courses.evaluation import queries, services
from courses.evaluation.models import FollowUpSurvey
from lms.auth.models import Role
from lms.errors import ConflictError, PermissionDeniedError, RuleBrokenError, ValidationFailed
from lms.notifications.models import Notification

NOW = datetime.now(timezone.utc)


def completed(run, employee, when=NOW):
    enrollment = enrollment_services.enroll(run, employee)
    enrollment.outcome, enrollment.completed_at, enrollment.physical_hours = "completed", when, 6
    return enrollment


def test_reaction_survey_after_completion_only_once(db, open_run, make_employee):
    run = open_run()
    waiting = enrollment_services.enroll(run, make_employee())
    with pytest.raises(RuleBrokenError):
        services.submit_reaction(waiting, 5, 5)
    done = completed(run, make_employee())
    with pytest.raises(ValidationFailed) as caught:
        services.submit_reaction(done, 0, None)
    assert [f for f, _m in caught.value.errors] == ["satisfaction", "usefulness"]
    services.submit_reaction(done, 4, 5, "講師很好")
    with pytest.raises(ConflictError):
        services.submit_reaction(done, 4, 5)
    result = queries.run_evaluation(run.id)
    assert (result.reactions, result.satisfaction, result.usefulness) == (1, 4, 5)


def test_follow_up_share_of_yes_answers(db, open_run, make_employee, city):
    run = open_run(capacity=20)
    boss = make_employee(agency=city["lingya"], is_supervisor=True)
    trainees = [completed(run, make_employee(agency=city["patrol"]), NOW - timedelta(days=91)) for _ in range(16)]
    recent = completed(run, make_employee(agency=city["patrol"]), NOW - timedelta(days=10))
    assert services.send_follow_ups(NOW) == 16
    assert services.send_follow_ups(NOW) == 0
    surveys = queries.pending_follow_ups(boss.id)
    assert len(surveys) == 16 and recent.id not in {s.enrollment_id for s in surveys}
    asked = db.session.execute(db.select(Notification).filter_by(employee_id=boss.id, kind="follow_up_survey")
                               ).scalars().all()
    assert len(asked) == 16
    for n, survey in enumerate(surveys):
        services.answer_follow_up(survey, boss, improved=n != 0)
    with pytest.raises(PermissionDeniedError):
        services.answer_follow_up(surveys[0], make_employee(), True)
    result = queries.run_evaluation(run.id)
    assert (result.asked, result.answered, result.improved) == (16, 16, 15)
    assert result.improved_share == 93.75
    assert len(trainees) == 16


def test_supervisor_answers_through_the_page_and_admin_sees_the_share(db, client, login, make_user, make_employee,
                                                                     open_run, city):
    run = open_run()
    boss = make_user(Role.SUPERVISOR, employee=make_employee(agency=city["lingya"], is_supervisor=True),
                     agency=city["lingya"])
    completed(run, make_employee(agency=city["lingya"]), NOW - timedelta(days=100))
    services.send_follow_ups(NOW)
    survey = db.session.execute(db.select(FollowUpSurvey)).scalar_one()
    admin = make_user(Role.TRAINING_ADMIN)
    login(admin)
    page = client.get(f"/admin/evaluation/runs/{run.id}").get_data(as_text=True)
    assert 'id="improved-share">—' in page
    login(boss)
    assert f"/surveys/follow-up/{survey.id}" in client.get("/surveys/follow-up/").get_data(as_text=True)
    assert client.post(f"/surveys/follow-up/{survey.id}", data={}).status_code == 400
    client.post(f"/surveys/follow-up/{survey.id}", data={"improved": "yes"})
    assert survey.improved is True
    login(admin)
    page = client.get(f"/admin/evaluation/runs/{run.id}").get_data(as_text=True)
    assert 'id="improved-share">100.00 %' in page


def test_learner_answers_the_reaction_survey_page(db, client, login, make_user, open_run):
    learner = make_user()
    enrollment = completed(open_run(), learner.employee)
    login(learner)
    assert f"/surveys/reaction/{enrollment.id}" in client.get("/my/enrolments").get_data(as_text=True)
    client.post(f"/surveys/reaction/{enrollment.id}", data={"satisfaction": "5", "usefulness": "4"})
    assert queries.reaction_for(enrollment.id).usefulness == 4


def test_a_refused_reaction_survey_keeps_what_was_answered(db, client, login, make_user, open_run):
    learner = make_user()
    enrollment = completed(open_run(), learner.employee)
    login(learner)
    response = client.post(f"/surveys/reaction/{enrollment.id}", data={"satisfaction": "4", "comment": "講師很好"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and queries.reaction_for(enrollment.id) is None
    assert "講師很好</textarea>" in page and 'name="satisfaction" value="4" checked' in page
