"""Enrolment pages: open runs and enrolling, the learner's own enrolments, the supervisors' approval
queue, an officer's bulk nomination, and the run's roster, policy and waitlist for administrators."""
from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

import courses.enrollment.models  # noqa: F401  (tables for this blueprint)
from courses.attendance.services import decode_csv
from courses.enrollment import certificates, permissions, queries, services, subscribers
from courses.enrollment.forms import CancelForm, ConfirmForm, DecisionForm, NominationForm, PolicyForm, UploadForm
from courses.enrollment.models import Certificate
from courses.enrollment.tasks import generate_run_certificates
from courses.forms import handle_form
from courses.labels import template_labels
from courses.permissions import EDITOR_ROLES, is_editor
from courses.scheduling import queries as scheduling_queries
from lms.auth.models import Role
from lms.auth.permissions import agency_scope, require, require_role
from lms.celery_app import enqueue
from lms.core.warmup import warm_up_paths
from lms.db import read_only
from lms.errors import DomainError, PermissionDeniedError, ValidationFailed
from lms.extensions import db
from lms.people import queries as people_queries
from lms.storage import get_storage
from lms.templating import add_nav_item

subscribers.register()

bp = Blueprint("enrollment", __name__)

add_nav_item("enrollment.open_runs", _l("Enrol"), set())
add_nav_item("enrollment.my_enrolments", _l("My enrolments"), set())
add_nav_item("enrollment.approvals", _l("Approvals"), {Role.SUPERVISOR})
add_nav_item("enrollment.list_runs", _l("Rosters"), {Role.INSTRUCTOR, *EDITOR_ROLES})

STATUS_LABELS = {"pending": _l("Waiting for approval"), "seated": _l("Seat confirmed"),
                 "waitlisted": _l("Waitlisted"), "cancelled": _l("Cancelled"), "declined": _l("Declined"),
                 "expired": _l("Request expired")}
OUTCOME_LABELS = {"completed": _l("Completed"), "not_completed": _l("Not completed"), "failed": _l("Failed")}


@bp.app_context_processor
def _labels():
    return {"enrollment_status_labels": STATUS_LABELS, "outcome_labels": OUTCOME_LABELS, **template_labels()}


def _run_or_404(run_id: int):
    return scheduling_queries.get_run(run_id) or abort(404)


def _enrollment_or_404(enrollment_id: int):
    return queries.get_enrollment(enrollment_id) or abort(404)


def _employee():
    if current_user.employee is None:
        raise PermissionDeniedError(_("Only staff members enrol in classes."))
    return current_user.employee


def _flash_error(exc: DomainError) -> None:
    flash("; ".join(m for _f, m in exc.errors) or exc.message, "error")


# ---- learners ---------------------------------------------------------------------------------------------

@bp.route("/enrol/")
@login_required
@read_only
def open_runs():
    runs = queries.open_runs(services.local_today())
    return render_template("courses/enrollment/open_runs.html", runs=runs,
                           counts=queries.status_counts([r.id for r in runs]), can_nominate=_may_nominate())


@bp.route("/enrol/runs/<int:run_id>")
@login_required
@read_only
def show_run(run_id: int):
    run = _run_or_404(run_id)
    mine = queries.enrollment_for(run.id, current_user.employee_id) if current_user.employee_id else None
    policy = queries.get_policy(run.id)
    return render_template("courses/enrollment/run.html", run=run, mine=mine, policy=policy,
                           counts=queries.status_counts([run.id])[run.id], form=ConfirmForm(),
                           position=queries.waitlist_position(mine) if mine and mine.status == "waitlisted" else None,
                           deadline=services.cancel_deadline(run, policy), can_nominate=_may_nominate(),
                           enrolment_open=run.enrolment_open_on(services.local_today()))


@bp.route("/enrol/runs/<int:run_id>", methods=["POST"])
@login_required
def enrol(run_id: int):
    run = _run_or_404(run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        enrollment = services.enroll(run, _employee())
    except DomainError as exc:
        _flash_error(exc)
        return redirect(url_for("enrollment.show_run", run_id=run.id))
    flash({"seated": _("You have a seat."), "waitlisted": _("The class is full: you are on the waitlist."),
           "pending": _("Your supervisor has been asked to approve.")}[enrollment.status], "info")
    return redirect(url_for("enrollment.show_run", run_id=run.id))


@warm_up_paths
def _busiest_pages() -> list[str]:
    runs = queries.open_runs(services.local_today(), limit=1)
    return [url_for("enrollment.open_runs")] + [url_for("enrollment.show_run", run_id=run.id) for run in runs]


@bp.route("/my/enrolments")
@login_required
def my_enrolments():
    enrollments = queries.for_employee(current_user.employee_id) if current_user.employee_id else []
    positions = {e.id: queries.waitlist_position(e) for e in enrollments if e.status == "waitlisted"}
    today = services.local_today()
    sessions_today = {e.id: [s for s in e.run.sessions if s.local_date == today and s.mode != "online_prework"]
                      for e in enrollments if e.status == "seated"}
    return render_template("courses/enrollment/mine.html", enrollments=enrollments, positions=positions,
                           form=CancelForm(), sessions_today=sessions_today,
                           certificates=certificates.for_enrollments([e.id for e in enrollments]))


@bp.route("/my/enrolments/<int:enrollment_id>/cancel", methods=["POST"])
@login_required
def cancel_enrolment(enrollment_id: int):
    enrollment = _enrollment_or_404(enrollment_id)
    require(current_user, "cancel", enrollment)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.cancel(enrollment, by_user=current_user, reason=form.reason.data,
                        override=is_editor(current_user))
    except DomainError as exc:
        _flash_error(exc)
    else:
        flash(_("The enrolment is cancelled."), "info")
    return redirect(request.form.get("next") or url_for("enrollment.my_enrolments"))


# ---- supervisors ---------------------------------------------------------------------------------------

@bp.route("/approvals")
@login_required
def approvals():
    scope = agency_scope(current_user, permissions.APPROVER_ROLES)
    if scope.empty:
        raise PermissionDeniedError(_("Only supervisors approve enrolments."))
    queue = [e for e in queries.approval_queue(scope) if e.employee_id != current_user.employee_id]
    return render_template("courses/enrollment/approvals.html", queue=queue, form=DecisionForm())


@bp.route("/approvals/<int:enrollment_id>/<any(approve, decline):answer>", methods=["POST"])
@login_required
def decide_request(enrollment_id: int, answer: str):
    enrollment = _enrollment_or_404(enrollment_id)
    require(current_user, "decide", enrollment)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.decide(enrollment, answer == "approve", by_user=current_user, reason=form.reason.data)
    except DomainError as exc:
        _flash_error(exc)
    else:
        who = {"name": enrollment.employee.display_name(str(get_locale())), "code": enrollment.run.code}
        flash(_("%(name)s's request for %(code)s is approved.", **who) if answer == "approve"
              else _("%(name)s's request for %(code)s is declined.", **who), "info")
    return redirect(url_for("enrollment.approvals"))


# ---- agency training officers ----------------------------------------------------------------------------

def _may_nominate() -> bool:
    return not agency_scope(current_user, permissions.OFFICER_ROLES).empty


@bp.route("/enrol/runs/<int:run_id>/nominate", methods=["GET", "POST"])
@login_required
def nominate(run_id: int):
    run = _run_or_404(run_id)
    require_role(current_user, Role.AGENCY_OFFICER, *EDITOR_ROLES)
    scope = agency_scope(current_user, permissions.OFFICER_ROLES)
    staff = people_queries.search_employees(scope, request.args.get("q", ""), per_page=200).items
    form = NominationForm()
    form.employee_ids.choices = [(e.id, f"{e.staff_no} {e.name_zh}") for e in staff]
    report = None
    if form.validate_on_submit():
        chosen = [e for e in staff if e.id in set(form.employee_ids.data or ())]
        numbers = [n for n in re.split(r"[\s,，、;]+", form.staff_numbers.data or "") if n]
        try:
            report = services.nominate(run, by_user=current_user, scope=scope, employees=chosen,
                                       staff_numbers=numbers)
            form.staff_numbers.data = ""   # the report says what became of them: a second click must not resend
        except DomainError as exc:
            _flash_error(exc)
    history = queries.no_show_counts([e.id for e in staff])
    statuses = {e.employee_id: e.status for e in queries.roster(run.id)}
    return render_template("courses/enrollment/nominate.html", run=run, form=form, staff=staff, history=history,
                           report=report, statuses=statuses)


# ---- administrators and instructors ---------------------------------------------------------------------

def _manageable_run(run_id: int):
    run = _run_or_404(run_id)
    if not permissions.may_manage_run(current_user, run):
        raise PermissionDeniedError(_("Only the training centre and the run's instructors see its roster."))
    return run


@bp.route("/admin/enrolment/")
@login_required
def list_runs():
    """The runs whose rosters the user keeps: every run of the year for the centre, their own for instructors."""
    require_role(current_user, Role.INSTRUCTOR, *EDITOR_ROLES)
    year = request.args.get("year", services.local_today().year, type=int)
    runs = [r for r in scheduling_queries.runs_for_year(year) if permissions.may_manage_run(current_user, r)]
    return render_template("courses/enrollment/runs.html", runs=runs, year=year,
                           counts=queries.status_counts([r.id for r in runs]))


@bp.route("/admin/enrolment/runs/<int:run_id>")
@login_required
def manage_run(run_id: int):
    run = _manageable_run(run_id)
    roster = queries.roster(run.id)
    return render_template("courses/enrollment/manage_run.html", run=run, roster=roster,
                           policy=services.ensure_policy(run) if is_editor(current_user) else queries.get_policy(run.id),
                           counts=queries.status_counts([run.id])[run.id], form=CancelForm(),
                           history=queries.no_show_counts([e.employee_id for e in roster]),
                           editor=is_editor(current_user), now=datetime.now())


@bp.route("/admin/enrolment/runs/<int:run_id>/policy", methods=["GET", "POST"])
@login_required
def edit_policy(run_id: int):
    run = _run_or_404(run_id)
    require_role(current_user, *EDITOR_ROLES)
    form = PolicyForm()
    if request.method == "GET":
        form.load(services.ensure_policy(run))

    def done(_policy):
        flash(_("The run's enrolment rules are saved."), "info")
        return redirect(url_for("enrollment.manage_run", run_id=run.id))
    return handle_form(form, lambda: services.update_policy(run, form.to_data()), done,
                       title=_("Enrolment rules for %(code)s", code=run.code),
                       back=url_for("enrollment.manage_run", run_id=run.id))


# ---- results, completions import, certificates ---------------------------------------------------------

def _entries_from_form(roster) -> list[services.ResultEntry]:
    entries = []
    for enrollment in roster:
        raw_score = request.form.get(f"score-{enrollment.id}", "").strip()
        try:
            score = float(raw_score) if raw_score else None
        except ValueError:
            raise ValidationFailed([("results", _("%(value)s is not a number.", value=raw_score))]) from None
        outcome = request.form.get(f"outcome-{enrollment.id}") or None
        entries.append(services.ResultEntry(
            enrollment.id, score=score, prework_done=request.form.get(f"prework-{enrollment.id}") == "y"
            if f"prework-shown-{enrollment.id}" in request.form else None,
            outcome=outcome, reason=request.form.get(f"reason-{enrollment.id}", "")))
    return entries


@bp.route("/admin/enrolment/runs/<int:run_id>/results", methods=["GET", "POST"])
@login_required
def record_results(run_id: int):
    run = _manageable_run(run_id)
    roster = queries.roster(run.id, ("seated",))
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            changed = services.record_results(run, _entries_from_form(roster), by_user=current_user)
        except DomainError as exc:
            _flash_error(exc)
            return _results_page(run, typed=request.form), 422   # what was typed stays on the page
        flash(_("Results saved: %(n)s changed.", n=changed), "info")
        return redirect(url_for("enrollment.record_results", run_id=run.id))
    return _results_page(run)


def _results_page(run, report=None, typed=None):
    return render_template("courses/enrollment/results.html", run=run, roster=queries.roster(run.id, ("seated",)),
                           form=ConfirmForm(), upload=UploadForm(), policy=services.ensure_policy(run),
                           report=report, progress=certificates.progress(run.id),
                           blended=run.course.delivery_mode == "blended", typed=typed)


@bp.route("/admin/enrolment/runs/<int:run_id>/completions", methods=["POST"])
@login_required
def import_completions(run_id: int):
    run = _run_or_404(run_id)
    require_role(current_user, *EDITOR_ROLES)
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    return _results_page(run, services.import_completions(run, decode_csv(form.read_csv()), by_user=current_user))


@bp.route("/admin/enrolment/runs/<int:run_id>/certificates", methods=["GET", "POST"])
@login_required
def run_certificates(run_id: int):
    run = _run_or_404(run_id)
    require_role(current_user, *EDITOR_ROLES)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        enqueue(generate_run_certificates, run.id)
        flash(_("Certificates are being generated."), "info")
        return redirect(url_for("enrollment.run_certificates", run_id=run.id))
    progress = certificates.progress(run.id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(completed=progress.completed, requested=progress.requested, issued=progress.issued,
                       percent=progress.percent)
    return render_template("courses/enrollment/certificates.html", run=run, progress=progress, form=ConfirmForm())


@bp.route("/certificates/<int:certificate_id>.pdf")
@login_required
def download_certificate(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id) or abort(404)
    require(current_user, "download", certificate)
    if certificate.storage_key is None or certificate.revoked:
        abort(404)
    storage = get_storage()
    filename = f"certificate-{certificate.number}.pdf"
    url = storage.presigned_url(certificate.storage_key, filename=filename)
    if url:
        return redirect(url)
    stream = storage.open(certificate.storage_key)
    return send_file(stream, mimetype="application/pdf", as_attachment=True, download_name=filename)


@bp.route("/verify/<code>")
def verify_certificate(code: str):
    """Public: anyone holding a certificate's link or QR can check that it is genuine."""
    certificate = certificates.by_code(code)
    status = 404 if certificate is None or certificate.issued_at is None else 200
    return render_template("courses/enrollment/verify.html", certificate=certificate if status == 200 else None), status
