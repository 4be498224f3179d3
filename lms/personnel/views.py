"""Pages of the personnel learning records: My learning (chart, history, qualifications, transcript,
external learning), the officers' review queue, requirement rules, the HR export, the push
reconciliation and the HR system's tokens."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

import lms.personnel.models  # noqa: F401  (loads the tables)
from lms.auth.models import Role
from lms.auth.permissions import require, require_role
from lms.core.warmup import warm_up_paths
from lms.db import read_only
from lms.errors import PermissionDeniedError, ValidationFailed
from lms.extensions import db
from lms.personnel import cli, export, labels, queries, services  # noqa: F401  (cli registers commands)
from lms.personnel.charts import progress_chart
from lms.personnel.forms import ExportForm, ExternalLearningForm, HrTokenForm, RuleForm, RuleSetForm
from lms.personnel.models import CERTIFIED, PENDING, ExternalLearning, HrApiToken, RequirementRule, RequirementSet
from lms.personnel.permissions import (
    EXPORT_ROLES, REVIEWER_ROLES, RULE_EDITOR_ROLES, TOKEN_ADMIN_ROLES, export_scope, review_scope,
)
from lms.storage import content_disposition, get_storage
from lms.templating import add_nav_item

bp = Blueprint("personnel", __name__)
services.register_subscribers()

add_nav_item("personnel.my_learning", _l("My learning"), {Role.LEARNER})
add_nav_item("personnel.review_queue", _l("Hours review"), REVIEWER_ROLES)
add_nav_item("personnel.list_requirement_sets", _l("Hour requirements"), RULE_EDITOR_ROLES)
add_nav_item("personnel.export_form", _l("HR export"), EXPORT_ROLES)
add_nav_item("personnel.list_hr_tokens", _l("HR tokens"), TOKEN_ADMIN_ROLES)


def _locale() -> str:
    return str(get_locale() or "zh_Hant_TW")


def _employee():
    if current_user.employee is None:
        raise PermissionDeniedError(_("My learning is for staff members."))
    return current_user.employee


def _year_arg() -> int:
    return request.args.get("year", date.today().year, type=int)


def _flash_errors(exc: ValidationFailed, form=None) -> None:
    for name, message in exc.errors:
        field = getattr(form, name, None) if form is not None and name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message]
        else:
            flash(message, "error")


# --- My learning -----------------------------------------------------------------------------------


warm_up_paths(lambda: [url_for("personnel.my_learning")])


@bp.route("/my/learning")
@login_required
@read_only
def my_learning():
    employee, year = _employee(), _year_arg()
    results = queries.employee_summary(employee.id, year)
    records = queries.records_of(employee.id, year)
    locale = _locale()
    chart = progress_chart(results, lambda rule: rule.label(locale), _("Hours against each requirement"),
                           _("Pending review")) if results else None
    return render_template(
        "lms/personnel/my_learning.html", employee=employee, year=year, results=results, chart=chart,
        certified=[r for r in records if r.status == CERTIFIED], pending=[r for r in records if r.status == PENDING],
        rejected=[r for r in records if r.status not in (CERTIFIED, PENDING)],
        history=queries.yearly_totals(employee.id), external=queries.external_of(employee.id), labels=labels,
        qualifications=queries.qualifications_of(employee.id), today=date.today(), locale=locale)


@bp.route("/my/learning/transcript.pdf")
@login_required
def transcript():
    from lms.personnel.transcript import transcript_pdf

    employee, year = _employee(), _year_arg()
    body = transcript_pdf(employee, year, _locale())
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": content_disposition(f"transcript-{year}.pdf")})


@bp.route("/my/learning/external/new", methods=["GET", "POST"])
@login_required
def submit_external():
    employee = _employee()
    form = ExternalLearningForm()
    if form.validate_on_submit():
        upload = form.proof.data
        data = services.ExternalInput(
            title=form.title.data or "", provider=form.provider.data or "", started_on=form.started_on.data,
            ended_on=form.ended_on.data, hours=float(form.hours.data) if form.hours.data is not None else None,
            learning_mode=form.learning_mode.data, topics=tuple(form.topics.data or ()),
            job_related=bool(form.job_related.data))
        try:
            services.submit_external(employee, data, upload.stream if upload else None,
                                     upload.filename if upload else "")
        except ValidationFailed as exc:
            _flash_errors(exc, form)
        else:
            flash(_("Submitted. Your personnel officer will review it."), "success")
            return redirect(url_for("personnel.my_learning"))
    return render_template("lms/personnel/external_form.html", form=form), 400 if form.errors else 200


@bp.route("/personnel/external/<int:item_id>/proof")
@login_required
def external_proof(item_id: int):
    item = services.get_or_404(ExternalLearning, item_id)
    require(current_user, "view", item)
    return send_file(get_storage().open(item.proof_key), mimetype=item.proof_type, as_attachment=True,
                     download_name=item.proof_name)


# --- review ----------------------------------------------------------------------------------------


@bp.route("/personnel/review")
@login_required
def review_queue():
    return _review_page()


def _review_page(selected: set[int] | None = None, reason: str = "", status: int = 200):
    """The queue; `selected` (None: every record) and `reason` bring back what the officer sent after an error."""
    scope = review_scope(current_user)
    if scope.empty:
        raise PermissionDeniedError(_("Only the agency personnel officer reviews learning hours."))
    page = queries.review_queue(scope, request.args.get("page", 1, type=int))
    return render_template("lms/personnel/review.html", page=page, external=queries.external_queue(scope),
                           labels=labels, selected=selected, reason=reason), status


@bp.route("/personnel/review", methods=["POST"])
@login_required
def review_records():
    ids = [int(v) for v in request.form.getlist("record_id") if v.isdigit()]
    decision = request.form.get("decision", "")
    try:
        count = services.review_records(current_user, ids, decision, request.form.get("reason", ""))
    except ValidationFailed as exc:
        _flash_errors(exc)
        return _review_page(set(ids), request.form.get("reason", ""), 400)
    flash(_("%(n)s records certified.", n=count) if decision == CERTIFIED
          else _("%(n)s records rejected.", n=count), "success")
    return redirect(url_for("personnel.review_queue"))


@bp.route("/personnel/external/<int:item_id>/decide", methods=["POST"])
@login_required
def decide_external(item_id: int):
    item = services.get_or_404(ExternalLearning, item_id)
    try:
        services.decide_external(current_user, item, request.form.get("decision") == "approve",
                                 request.form.get("note", ""))
    except ValidationFailed as exc:
        _flash_errors(exc)
    else:
        flash(_("Decision recorded."), "success")
    return redirect(url_for("personnel.review_queue"))


# --- requirement rules -----------------------------------------------------------------------------


def _rule_input(form: RuleForm) -> services.RuleInput:
    return services.RuleInput(
        code=form.code.data or "", label_zh=form.label_zh.data or "", label_en=form.label_en.data or "",
        hours=float(form.hours.data) if form.hours.data is not None else None, period_years=form.period_years.data,
        topics=tuple(form.topics.data or ()), exclude_topics=tuple(form.exclude_topics.data or ()),
        job_related_only=bool(form.job_related_only.data), rank_classes=tuple(form.rank_classes.data or ()),
        cyber_roles=tuple(form.cyber_roles.data or ()), agency_code=form.agency_code.data or "",
        position=form.position.data or 0)


@bp.route("/personnel/requirements", methods=["GET", "POST"])
@login_required
def list_requirement_sets():
    require_role(current_user, *RULE_EDITOR_ROLES)
    sets = queries.requirement_sets()
    form = RuleSetForm()
    form.copy_from.choices = [(0, _("Nothing (an empty set)"))] + [(s.id, f"{s.year} {s.name}") for s in sets]
    if form.validate_on_submit():
        source = db.session.get(RequirementSet, form.copy_from.data) if form.copy_from.data else None
        try:
            rule_set = services.create_requirement_set(form.year.data or 0, form.name.data or "", source)
        except ValidationFailed as exc:
            _flash_errors(exc, form)
        else:
            return redirect(url_for("personnel.edit_requirement_set", year=rule_set.year))
    return render_template("lms/personnel/requirement_sets.html", sets=sets, form=form), 400 if form.errors else 200


@bp.route("/personnel/requirements/<int:year>", methods=["GET", "POST"])
@login_required
def edit_requirement_set(year: int):
    require_role(current_user, *RULE_EDITOR_ROLES)
    rule_set = queries.requirement_set(year) or abort(404)
    form = RuleForm()
    if form.validate_on_submit():
        try:
            services.save_rule(rule_set, _rule_input(form))
        except ValidationFailed as exc:
            _flash_errors(exc, form)
        else:
            flash(_("Rule saved."), "success")
            return redirect(url_for("personnel.edit_requirement_set", year=year))
    return render_template("lms/personnel/requirement_set.html", rule_set=rule_set, form=form, labels=labels,
                           locale=_locale()), 400 if form.errors else 200


@bp.route("/personnel/rules/<int:rule_id>", methods=["GET", "POST"])
@login_required
def edit_rule(rule_id: int):
    require_role(current_user, *RULE_EDITOR_ROLES)
    rule = services.get_or_404(RequirementRule, rule_id)
    form = RuleForm(obj=rule) if request.method == "GET" else RuleForm()
    if request.method == "GET":
        for name in ("topics", "exclude_topics", "rank_classes", "cyber_roles"):
            getattr(form, name).data = RequirementRule.split(getattr(rule, name))
        form.agency_code.data = rule.agency.code if rule.agency else ""
    if form.validate_on_submit():
        try:
            services.save_rule(rule.requirement_set, _rule_input(form), rule)
        except ValidationFailed as exc:
            _flash_errors(exc, form)
        else:
            flash(_("Rule saved."), "success")
            return redirect(url_for("personnel.edit_requirement_set", year=rule.requirement_set.year))
    return render_template("lms/personnel/rule_form.html", rule=rule, form=form), 400 if form.errors else 200


@bp.route("/personnel/rules/<int:rule_id>/delete", methods=["POST"])
@login_required
def delete_rule(rule_id: int):
    require_role(current_user, *RULE_EDITOR_ROLES)
    rule = services.get_or_404(RequirementRule, rule_id)
    year = rule.requirement_set.year
    services.delete_rule(rule)
    flash(_("Rule deleted."), "success")
    return redirect(url_for("personnel.edit_requirement_set", year=year))


# --- HR export and push ----------------------------------------------------------------------------


@bp.route("/personnel/export")
@login_required
def export_form():
    scope = export_scope(current_user)
    if scope.empty:
        raise PermissionDeniedError(_("The HR export is for personnel officers and administrators."))
    form = ExportForm(request.args, year=date.today().year)
    if request.args.get("download") and form.validate():
        table = export.export_table(scope, form.year.data or date.today().year, form.layout.data)
        try:
            body, mime, name = export.render(table, form.file_format.data)
        except ValidationFailed as exc:
            _flash_errors(exc, form)
        else:
            return Response(body, mimetype=mime, headers={"Content-Disposition": content_disposition(name),
                                                          "Cache-Control": "no-store"})
    return render_template("lms/personnel/export.html", form=form,
                           can_push=current_user.has_role(*RULE_EDITOR_ROLES))


@bp.route("/personnel/hr-push")
@login_required
def push_report():
    require_role(current_user, Role.SYSADMIN, Role.TRAINING_ADMIN)
    return render_template("lms/personnel/push_report.html", summary=queries.push_summary(),
                           runs=queries.push_runs(), rejected=queries.rejected_push_items(), labels=labels)


@bp.route("/personnel/hr-push", methods=["POST"])
@login_required
def run_push():
    require_role(current_user, Role.SYSADMIN, Role.TRAINING_ADMIN)
    from lms.personnel.push import push_changes

    run = push_changes(retry_rejected=True)
    if run is None:
        flash(_("No HR endpoint is configured (HR_EXPORT_URL)."), "error")
    else:
        flash(_("Push finished: %(sent)s sent, %(accepted)s accepted, %(rejected)s rejected, %(pending)s pending.",
                sent=run.sent, accepted=run.accepted, rejected=run.rejected, pending=run.pending), "success")
    return redirect(url_for("personnel.push_report"))


@bp.route("/personnel/hr-tokens", methods=["GET", "POST"])
@login_required
def list_hr_tokens():
    """The HR system's tokens; a new one is shown on this answer only (never flashed: the session cookie
    is signed, not encrypted)."""
    require_role(current_user, *TOKEN_ADMIN_ROLES)
    form, issued = HrTokenForm(), None
    if form.validate_on_submit():
        try:
            row, token = services.issue_hr_token(form.name.data or "", current_user)
        except ValidationFailed as exc:
            _flash_errors(exc, form)
        else:
            issued, form.name.data = (row, token), ""
    response = render_template("lms/personnel/hr_tokens.html", form=form, tokens=queries.hr_tokens(), issued=issued)
    return response, 400 if form.errors else 200, {"Cache-Control": "no-store"}


@bp.route("/personnel/hr-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_hr_token(token_id: int):
    require_role(current_user, *TOKEN_ADMIN_ROLES)
    row = services.get_or_404(HrApiToken, token_id)
    services.revoke_hr_token(row)
    flash(_("Token %(name)s revoked.", name=row.name), "success")
    return redirect(url_for("personnel.list_hr_tokens"))
