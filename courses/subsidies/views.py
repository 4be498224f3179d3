"""Subsidy pages: the learner's claims and claim form, the reviewers' queue and decisions, the uploads
(streamed after an access check), the payout register, the dashboard and the administrators' rule editor."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

import courses.subsidies.models  # noqa: F401  (tables for this blueprint)
from courses.forms import handle_form, show_errors
from courses.subsidies import charts, exports, permissions, queries, services
from courses.subsidies.forms import ClaimForm, PayoutForm, ReasonForm, RuleSetForm, SeedYearForm, TestForm
from courses.subsidies.labels import STATUS_LABELS, template_labels
from courses.subsidies.models import REVIEWABLE_STATUSES, SubsidyClaim, SubsidyRuleSet, format_score
from courses.subsidies.permissions import REVIEWER_ROLES, is_reviewer, is_subsidy_admin, review_scope
from courses.subsidies.rules import claim_deadline
from lms.auth.permissions import can, require, require_role
from lms.errors import DomainError, PermissionDeniedError
from lms.storage import CHUNK_SIZE, content_disposition, get_storage
from lms.templating import add_nav_item

bp = Blueprint("subsidies", __name__)
bp.app_context_processor(template_labels)
bp.add_app_template_filter(format_score, "subsidy_score")

add_nav_item("subsidies.my_claims", _l("English test subsidy"), set())
add_nav_item("subsidies.review_queue", _l("Subsidy claims"), REVIEWER_ROLES)


def _locale() -> str:
    return str(get_locale() or "zh_Hant_TW")


def _claim(claim_id: int, action: str = "view") -> SubsidyClaim:
    claim = queries.get_claim(claim_id) or abort(404)
    require(current_user, action, claim)
    return claim


def _year() -> int:
    return request.args.get("year", queries.local_today().year, type=int)


def _require_reviewer() -> None:
    if not is_reviewer(current_user):
        raise PermissionDeniedError(_("Only agency training officers and training administrators review claims."))


# --- learners ------------------------------------------------------------------------------------


@bp.route("/subsidies/")
@login_required
def my_claims():
    employee_id = current_user.employee_id
    claims = queries.claims_of(employee_id) if employee_id else []
    level = queries.certified_english_level(employee_id) if employee_id else None
    return render_template("courses/subsidies/my_claims.html", claims=claims, level=level,
                           rule_set=queries.rule_set_for_year(queries.local_today().year),
                           can_claim=employee_id is not None)


def _claim_page(form: ClaimForm, action, title: str, claim: SubsidyClaim | None = None):
    rule_set = claim.rule_set if claim else queries.rule_set_for_year(queries.local_today().year)
    form.fill_choices(rule_set, _locale())
    if claim is not None and request.method == "GET":
        form.load(claim)
    return handle_form(form, action, _submitted, template="courses/subsidies/claim_form.html", title=title,
                       rule_set=rule_set, claim=claim, back=url_for("subsidies.my_claims"))


def _submitted(claim: SubsidyClaim):
    flash(_("Claim %(id)s sent for review: NT$%(amount)s if approved.", id=claim.id, amount=f"{claim.amount:,}"),
          "info")
    return redirect(url_for("subsidies.show_claim", claim_id=claim.id))


@bp.route("/subsidies/claims/new", methods=["GET", "POST"])
@login_required
def new_claim():
    if current_user.employee is None:
        raise PermissionDeniedError(_("Only staff members claim the subsidy."))
    form = ClaimForm()
    return _claim_page(form, lambda: services.submit_claim(current_user.employee, form.to_data(), form.uploads()),
                       _("Claim the English test fee"))


@bp.route("/subsidies/claims/<int:claim_id>/correct", methods=["GET", "POST"])
@login_required
def correct_claim(claim_id: int):
    claim = _claim(claim_id, "correct")
    form = ClaimForm()
    return _claim_page(form, lambda: services.resubmit_claim(claim, form.to_data(), form.uploads()),
                       _("Correct claim %(id)s", id=claim.id), claim)


@bp.route("/subsidies/claims/<int:claim_id>")
@login_required
def show_claim(claim_id: int):
    claim = _claim(claim_id)
    return render_template("courses/subsidies/claim.html", claim=claim, history=queries.claim_history(claim.id),
                           can_review=claim.status in REVIEWABLE_STATUSES and can(current_user, "review", claim),
                           can_correct=can(current_user, "correct", claim),
                           deadline=claim_deadline(claim.rule_set, claim.test_date), form=ReasonForm())


@bp.route("/subsidies/claims/<int:claim_id>/files/<kind>")
@login_required
def download_upload(claim_id: int, kind: str):
    if kind not in services.UPLOAD_KINDS:
        abort(404)
    claim = _claim(claim_id)
    key, name, mime = claim.upload(kind)
    storage = get_storage()
    if url := storage.presigned_url(key, filename=name):
        return redirect(url)
    size = storage.size(key)
    stream = storage.open(key)

    def chunks():
        try:
            while chunk := stream.read(CHUNK_SIZE):
                yield chunk
        finally:
            stream.close()

    # Inline, so reviewers read the score report in the browser; check_upload vouched for the type.
    headers = {"Content-Disposition": content_disposition(name).replace("attachment", "inline", 1),
               "Content-Length": str(size), "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
    return Response(chunks(), mimetype=mime, headers=headers)


# --- reviewers -----------------------------------------------------------------------------------


@bp.route("/subsidies/review/")
@login_required
def review_queue():
    _require_reviewer()
    status = request.args.get("status", "submitted")
    statuses = (status,) if status in STATUS_LABELS else REVIEWABLE_STATUSES
    page = queries.review_queue(review_scope(current_user), statuses, page=request.args.get("page", 1, type=int))
    return render_template("courses/subsidies/queue.html", page=page, status=status,
                           is_admin=is_subsidy_admin(current_user))


def _decision(claim_id: int, decide):
    claim = _claim(claim_id, "review")
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decide(claim, form.reason.data or "")
    except DomainError as exc:
        general = show_errors(form, exc)
        for message in general + form.reason.errors:
            flash(message, "error")
        return redirect(url_for("subsidies.show_claim", claim_id=claim.id)), 303
    return redirect(url_for("subsidies.review_queue"))


@bp.route("/subsidies/claims/<int:claim_id>/approve", methods=["POST"])
@login_required
def approve_claim(claim_id: int):
    def decide(claim, _reason):
        services.approve_claim(claim, current_user)
        flash(_("Claim %(id)s approved: NT$%(amount)s reserved.", id=claim.id, amount=f"{claim.amount:,}"), "info")
    return _decision(claim_id, decide)


@bp.route("/subsidies/claims/<int:claim_id>/reject", methods=["POST"])
@login_required
def reject_claim(claim_id: int):
    def decide(claim, reason):
        services.reject_claim(claim, reason, current_user)
        flash(_("Claim %(id)s rejected.", id=claim.id), "info")
    return _decision(claim_id, decide)


@bp.route("/subsidies/claims/<int:claim_id>/request-correction", methods=["POST"])
@login_required
def request_correction(claim_id: int):
    def decide(claim, note):
        services.request_correction(claim, note, current_user)
        flash(_("Claim %(id)s returned to the claimant for a correction.", id=claim.id), "info")
    return _decision(claim_id, decide)


@bp.route("/subsidies/dashboard")
@login_required
def dashboard():
    _require_reviewer()
    year = _year()
    rule_set = queries.rule_set_for_year(year)
    if rule_set is None:
        return render_template("courses/subsidies/dashboard.html", year=year, rule_set=None)
    scope = review_scope(current_user)
    counts = queries.pass_counts(rule_set.id, scope)
    chart = charts.bar_chart([(f"{c.test_name} {c.cefr}", c.count) for c in counts])
    return render_template("courses/subsidies/dashboard.html", year=year, rule_set=rule_set, counts=counts,
                           chart=chart, budget=queries.budget_summary(rule_set),
                           failed_sits=queries.failed_sit_count(rule_set.id, scope),
                           years=[rs.year for rs in queries.list_rule_sets()])


# --- payouts (training administrators) ---------------------------------------------------------


def _admin_rule_set(year: int) -> SubsidyRuleSet:
    require_role(current_user, *permissions.ADMIN_ROLES)
    return queries.rule_set_for_year(year) or abort(404)


@bp.route("/subsidies/payouts", methods=["GET", "POST"])
@login_required
def payouts():
    year = _year()
    rule_set = _admin_rule_set(year)
    form = PayoutForm()
    status = 200
    if form.validate_on_submit():
        ids = request.form.getlist("claim_ids", type=int)
        try:
            for claim in queries.claims_by_ids(ids):
                require(current_user, "pay", claim)
            batch = services.pay_claims(rule_set, ids, form.paid_on.data, current_user)
        except DomainError as exc:
            for message in show_errors(form, exc):
                flash(message, "error")
            status = exc.status
        else:
            flash(_("Payout %(reference)s: %(count)s claims, NT$%(total)s marked paid.", reference=batch.reference,
                    count=batch.claim_count, total=f"{batch.total:,}"), "info")
            return redirect(url_for("subsidies.payouts", year=year))
    return render_template("courses/subsidies/payouts.html", rule_set=rule_set, form=form,
                           claims=queries.approved_unpaid(rule_set.id),
                           batches=queries.payout_batches(rule_set.id)), status


@bp.route("/subsidies/payouts/<int:batch_id>.xlsx")
@login_required
def export_payout(batch_id: int):
    batch = queries.get_batch(batch_id) or abort(404)
    require(current_user, "view", batch)
    workbook = exports.payout_register_xlsx(batch, queries.batch_claims(batch.id))
    return send_file(workbook, as_attachment=True, download_name=f"subsidy-payout-{batch.reference}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- rules (training administrators) -------------------------------------------------------------


@bp.route("/admin/subsidies/rules/", methods=["GET", "POST"])
@login_required
def rule_sets():
    require_role(current_user, *permissions.ADMIN_ROLES)
    existing = queries.list_rule_sets()
    form = SeedYearForm().fill_choices(existing)
    if request.method == "GET":
        form.year.data = queries.local_today().year + (1 if any(
            rs.year == queries.local_today().year for rs in existing) else 0)

    def seed():
        source = next((rs for rs in existing if rs.id == form.copy_from.data), None)
        return services.seed_rule_set(form.year.data, source)

    def done(rule_set):
        flash(_("The rules for %(year)s were created; check them before staff claim.", year=rule_set.year), "info")
        return redirect(url_for("subsidies.edit_rules", year=rule_set.year))
    return handle_form(form, seed, done, template="courses/subsidies/rule_sets.html", rule_sets=existing)


@bp.route("/admin/subsidies/rules/<int:year>", methods=["GET", "POST"])
@login_required
def edit_rules(year: int):
    rule_set = _admin_rule_set(year)
    require(current_user, "edit", rule_set)
    form = RuleSetForm()
    if request.method == "GET":
        form.load(rule_set)

    def done(_saved):
        flash(_("The rules for %(year)s were saved.", year=year), "info")
        return redirect(url_for("subsidies.edit_rules", year=year))
    return handle_form(form, lambda: services.update_rule_set(rule_set, form.to_data()), done,
                       template="courses/subsidies/rules.html", rule_set=rule_set,
                       budget=queries.budget_summary(rule_set))


def _test_page(rule_set: SubsidyRuleSet, form: TestForm, test=None):
    def done(saved):
        flash(_("Test %(code)s saved.", code=saved.code), "info")
        return redirect(url_for("subsidies.edit_rules", year=rule_set.year))
    title = (_("Edit %(test)s (%(year)s)", test=test.name(_locale()), year=rule_set.year) if test
             else _("Add a test to %(year)s", year=rule_set.year))
    return handle_form(form, lambda: services.save_test(rule_set, form.to_data(), test), done,
                       template="courses/subsidies/test_form.html", title=title,
                       back=url_for("subsidies.edit_rules", year=rule_set.year))


@bp.route("/admin/subsidies/rules/<int:year>/tests/new", methods=["GET", "POST"])
@login_required
def new_test(year: int):
    rule_set = _admin_rule_set(year)
    require(current_user, "edit", rule_set)
    return _test_page(rule_set, TestForm())


@bp.route("/admin/subsidies/rules/<int:year>/tests/<int:test_id>", methods=["GET", "POST"])
@login_required
def edit_test(year: int, test_id: int):
    rule_set = _admin_rule_set(year)
    test = queries.get_test(test_id)
    if test is None or test.rule_set_id != rule_set.id:
        abort(404)
    require(current_user, "edit", test)
    form = TestForm()
    if request.method == "GET":
        form.load(test)
    return _test_page(rule_set, form, test)

