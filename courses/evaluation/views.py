"""Evaluation pages: the learner's reaction survey, the supervisor's follow-up surveys, a run's results."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

import courses.evaluation.models  # noqa: F401  (tables for this blueprint)
from courses.enrollment import queries as enrollment_queries
from courses.enrollment.forms import ConfirmForm
from courses.enrollment.permissions import may_manage_run
from courses.evaluation import queries, services
from courses.scheduling import queries as scheduling_queries
from lms.auth.models import Role
from lms.errors import DomainError, PermissionDeniedError
from lms.templating import add_nav_item

bp = Blueprint("evaluation", __name__)

add_nav_item("evaluation.follow_ups", _l("Follow-up surveys"), {Role.SUPERVISOR})


def _int(name: str) -> int | None:
    raw = request.form.get(name, "")
    return int(raw) if raw.isdigit() else None


@bp.route("/surveys/reaction/<int:enrollment_id>", methods=["GET", "POST"])
@login_required
def reaction(enrollment_id: int):
    enrollment = enrollment_queries.get_enrollment(enrollment_id) or abort(404)
    if enrollment.employee_id != current_user.employee_id:
        raise PermissionDeniedError(_("This survey is for someone else."))
    form = ConfirmForm()
    errors = []
    if form.validate_on_submit():
        try:
            services.submit_reaction(enrollment, _int("satisfaction"), _int("usefulness"), request.form.get("comment"))
        except DomainError as exc:
            errors = [m for _f, m in exc.errors] or [exc.message]
        else:
            flash(_("Thank you for your answers."), "info")
            return redirect(url_for("enrollment.my_enrolments"))
    return render_template("courses/evaluation/reaction.html", enrollment=enrollment, form=form, errors=errors,
                           answered=queries.reaction_for(enrollment.id)), 400 if errors else 200


@bp.route("/surveys/follow-up/")
@login_required
def follow_ups():
    surveys = queries.pending_follow_ups(current_user.employee_id) if current_user.employee_id else []
    return render_template("courses/evaluation/follow_ups.html", surveys=surveys)


@bp.route("/surveys/follow-up/<int:survey_id>", methods=["GET", "POST"])
@login_required
def follow_up(survey_id: int):
    survey = queries.get_follow_up(survey_id) or abort(404)
    if current_user.employee_id is None or survey.supervisor_id != current_user.employee_id:
        raise PermissionDeniedError(_("This survey was sent to another supervisor."))
    form = ConfirmForm()
    errors = []
    if form.validate_on_submit():
        answer = {"yes": True, "no": False}.get(request.form.get("improved", ""))
        try:
            services.answer_follow_up(survey, current_user.employee, answer, request.form.get("comment"))
        except DomainError as exc:
            errors = [m for _f, m in exc.errors] or [exc.message]
        else:
            flash(_("Thank you for your answer."), "info")
            return redirect(url_for("evaluation.follow_ups"))
    return render_template("courses/evaluation/follow_up.html", survey=survey, form=form, errors=errors), \
        400 if errors else 200


@bp.route("/admin/evaluation/runs/<int:run_id>")
@login_required
def run_results(run_id: int):
    run = scheduling_queries.get_run(run_id) or abort(404)
    if not may_manage_run(current_user, run):
        raise PermissionDeniedError(_("Only the training centre and the run's instructors see its evaluation."))
    return render_template("courses/evaluation/run.html", run=run, result=queries.run_evaluation(run.id))
