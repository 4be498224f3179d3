"""Every evaluation change: the learner's reaction survey after completion, and the supervisor's
follow-up survey three months later (created, sent and answered)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from courses.enrollment import queries as enrollment_queries
from courses.enrollment.events import record
from courses.enrollment.models import Enrollment
from courses.enrollment.services import local_today
from courses.evaluation import queries
from courses.evaluation.models import FollowUpSurvey, ReactionResponse
from lms.db import utcnow
from lms.errors import ConflictError, PermissionDeniedError, RuleBrokenError, ValidationFailed
from lms.extensions import db
from lms.notifications.services import notify
from lms.people.models import Employee

FOLLOW_UP_DAYS = 90


def submit_reaction(enrollment: Enrollment, satisfaction: int | None, usefulness: int | None,
                    comment: str = "") -> ReactionResponse:
    if enrollment.outcome != "completed":
        raise RuleBrokenError(_("The survey opens once you have completed the class."))
    errors = []
    for name, value in (("satisfaction", satisfaction), ("usefulness", usefulness)):
        if value is None or not 1 <= value <= 5:
            errors.append((name, _("Choose from 1 to 5.")))
    if errors:
        raise ValidationFailed(errors)
    if queries.reaction_for(enrollment.id) is not None:
        raise ConflictError(_("You have already answered this survey."))
    response = ReactionResponse(enrollment_id=enrollment.id, satisfaction=satisfaction, usefulness=usefulness,
                                comment=(comment or "").strip()[:2000])
    db.session.add(response)
    db.session.flush()
    record("evaluation.reaction", enrollment, satisfaction=satisfaction, usefulness=usefulness)
    return response


def send_follow_ups(now: datetime | None = None) -> int:
    """訓後追蹤: ask each completer's direct supervisor, 90 days after completion, whether their work improved.
    One survey per completion; safe to run twice."""
    now = now or utcnow()
    today = local_today(now)
    sent = 0
    for enrollment in queries.completions_due_for_follow_up(now - timedelta(days=FOLLOW_UP_DAYS)):
        supervisors = enrollment_queries.supervisors_of(enrollment.employee)
        survey = FollowUpSurvey(enrollment_id=enrollment.id, due_on=today, comment="",
                                supervisor_id=supervisors[0].id if supervisors else None)
        db.session.add(survey)
        db.session.flush()
        if supervisors:
            survey.sent_at = now
            notify(supervisors[0], _("Follow-up: has %(name)s's work improved?", name=enrollment.employee.name_zh),
                   _("%(name)s completed %(title)s three months ago. Has their work improved since? "
                     "Please answer a one-question survey.", name=enrollment.employee.name_zh,
                     title=enrollment.run.course.title_zh),
                   kind="follow_up_survey", link=f"/surveys/follow-up/{survey.id}")
            sent += 1
    return sent


def answer_follow_up(survey: FollowUpSurvey, supervisor: Employee, improved: bool | None,
                     comment: str = "") -> FollowUpSurvey:
    if survey.supervisor_id != supervisor.id:
        raise PermissionDeniedError(_("This survey was sent to another supervisor."))
    if improved is None:
        raise ValidationFailed([("improved", _("Answer yes or no."))])
    if survey.answered_at is not None:
        raise ConflictError(_("This survey has already been answered."))
    survey.improved, survey.comment, survey.answered_at = improved, (comment or "").strip()[:2000], utcnow()
    db.session.flush()
    record("evaluation.follow_up", survey.enrollment, improved=improved, survey_id=survey.id)
    return survey
