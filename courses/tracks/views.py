"""Track pages: the list of tracks with the learner's own memberships and holdings, a track with progress
per requirement (the learner's own, or a staff member's for those who oversee them), joining and nominating,
the administrators' definitions, recording exams and licences, certificates, and the reports with exports."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from courses.forms import handle_form
from courses.permissions import is_editor
from courses.tracks import certificates, exports, permissions, queries, services
from courses.tracks.forms import (ActionForm, ExamForm, LevelForm, LicenceForm, NominateForm, RenewLicenceForm,
                                  RequirementForm, TrackForm, split_list)
from courses.tracks.labels import template_labels
from courses.tracks.models import Track, TrackLevel
from courses.tracks.permissions import REPORT_ROLES
from lms.auth.permissions import can, require
from lms.errors import DomainError, ValidationFailed
from lms.people.models import Employee
from lms.people.queries import get_by_staff_no, get_employee
from lms.templating import add_nav_item

bp = Blueprint("tracks", __name__)
bp.app_context_processor(template_labels)
services.register_subscribers()

add_nav_item("tracks.list_tracks", _l("Certification tracks"), set())
add_nav_item("tracks.report", _l("Track reports"), REPORT_ROLES)


def _track(code: str) -> Track:
    return queries.get_track(code) or abort(404)


def _staff_member(staff_no: str | None, scope) -> Employee:
    employee = get_by_staff_no((staff_no or "").strip().upper())
    if employee is None:
        raise ValidationFailed([("staff_no", _("No staff member has this number."))])
    if not scope.covers(employee.agency):
        raise ValidationFailed([("staff_no", _("This staff member is outside your agencies."))])
    return employee


# --- learners -------------------------------------------------------------------------------------------


@bp.route("/tracks/")
@login_required
def list_tracks():
    employee_id = current_user.employee_id
    return render_template("courses/tracks/list.html", tracks=queries.tracks(active_only=False),
                           memberships={m.track_id: m for m in queries.memberships_of(employee_id)} if employee_id
                           else {}, holdings=queries.holdings_of(employee_id) if employee_id else [],
                           is_editor=is_editor(current_user),
                           is_officer=not permissions.officer_scope(current_user).empty)


@bp.route("/tracks/<code>")
@login_required
def show_track(code: str):
    track = _track(code)
    employee = current_user.employee
    if (wanted := request.args.get("employee", type=int)) is not None:
        employee = get_employee(wanted) or abort(404)
        require(current_user, "view", employee)
    member = queries.membership(track.id, employee.id) if employee else None
    levels = queries.track_progress(track, employee.id) if employee else []
    return render_template("courses/tracks/track.html", track=track, employee=employee, member=member, levels=levels,
                           own=employee is not None and employee.id == current_user.employee_id, form=ActionForm(),
                           exams=queries.exam_results_of(employee.id) if employee else [],
                           licences=queries.licences_of(employee.id) if employee else [],
                           is_editor=can(current_user, "edit", track),
                           is_officer=not permissions.officer_scope(current_user).empty)


@bp.route("/tracks/<code>/join", methods=["POST"])
@login_required
def join_track(code: str):
    track = _track(code)
    if current_user.employee is None or not ActionForm().validate_on_submit():
        abort(400 if current_user.employee else 403)
    try:
        services.join_track(track, current_user.employee)
        flash(_("You now follow %(track)s: your progress is below.", track=track.name_zh), "info")
    except DomainError as exc:
        flash(exc.message, "error")
    return redirect(url_for("tracks.show_track", code=track.code), 303)


@bp.route("/tracks/holdings/<int:holding_id>/certificate.pdf")
@login_required
def certificate(holding_id: int):
    holding = queries.get_holding(holding_id) or abort(404)
    require(current_user, "view", holding)
    return Response(certificates.render(holding), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="track-{holding.certificate_no}.pdf"',
                             "Cache-Control": "private, no-store"})


# --- officers -----------------------------------------------------------------------------------------


@bp.route("/tracks/<code>/nominate", methods=["GET", "POST"])
@login_required
def nominate(code: str):
    scope = permissions.require_officer(current_user)
    track = _track(code)
    form = NominateForm()

    def action():
        numbers = [n.upper() for n in split_list(form.staff_nos.data)]
        found = {n: get_by_staff_no(n) for n in numbers}
        if missing := [n for n, e in found.items() if e is None]:
            raise ValidationFailed([("staff_nos", _("No staff member has the number: %(nos)s",
                                                    nos=", ".join(missing)))])
        return services.nominate(track, list(found.values()), by=current_user, scope=scope)

    def done(report):
        flash(_("%(n)s nominated; %(m)s already followed the track.", n=len(report.added), m=len(report.skipped)),
              "info")
        return redirect(url_for("tracks.show_track", code=track.code))
    return handle_form(form, action, done, title=_("Nominate staff for %(track)s", track=track.name_zh),
                       back=url_for("tracks.show_track", code=track.code))


@bp.route("/tracks/exams/new", methods=["GET", "POST"])
@login_required
def record_exam():
    scope = permissions.require_officer(current_user)
    exams = [r for t in queries.tracks(active_only=False) for lv in t.levels for r in lv.requirements
             if r.kind == "exam"]
    form = ExamForm().fill_choices(exams)
    wanted = form.requirement_id.data if request.method == "POST" else request.args.get("requirement_id", type=int)
    chosen = next((r for r in exams if r.id == wanted), exams[0] if exams else None)

    def action():
        requirement = queries.get_requirement(form.requirement_id.data or 0)
        if requirement is None or requirement.kind != "exam":
            raise ValidationFailed([("requirement_id", _("Choose an exam."))])
        scores = {subject: request.form.get(f"score-{n}", "")
                  for n, subject in enumerate(requirement.subjects)}
        return services.record_exam_result(requirement, _staff_member(form.staff_no.data, scope), scores,
                                           taken_on=form.taken_on.data, by=current_user)

    def done(result):
        flash(_("Exam recorded for %(name)s: %(percent)s %% — %(outcome)s.", name=result.employee.name_zh,
                percent=f"{result.percent:g}", outcome=_("passed") if result.passed else _("not passed")), "info")
        return redirect(url_for("tracks.show_track", code=result.requirement.level.track.code,
                                employee=result.employee_id))
    return handle_form(form, action, done, template="courses/tracks/exam_form.html", title=_("Record an exam"),
                       exams=exams, chosen=chosen, back=url_for("tracks.list_tracks"))


@bp.route("/tracks/licences/new", methods=["GET", "POST"])
@login_required
def record_licence():
    scope = permissions.require_officer(current_user)
    form = LicenceForm()

    def done(licence):
        flash(_("Licence %(no)s recorded, valid until %(date)s.", no=licence.number,
                date=licence.expires_on.isoformat()), "info")
        return redirect(url_for("tracks.list_tracks"))
    return handle_form(form, lambda: services.record_licence(_staff_member(form.staff_no.data, scope), form.to_data(),
                                                             by=current_user),
                       done, title=_("Record a licence"), back=url_for("tracks.list_tracks"))


@bp.route("/tracks/licences/<int:licence_id>/renew", methods=["GET", "POST"])
@login_required
def renew_licence(licence_id: int):
    licence = queries.get_licence(licence_id) or abort(404)
    require(current_user, "renew", licence)
    form = RenewLicenceForm()

    def done(renewed):
        flash(_("Licence %(no)s renewed, valid until %(date)s.", no=renewed.number,
                date=renewed.expires_on.isoformat()), "info")
        return redirect(url_for("tracks.list_tracks"))
    return handle_form(form, lambda: services.renew_licence(licence, form.issued_on.data, form.expires_on.data,
                                                            form.number.data or "", by=current_user),
                       done, title=_("Renew licence %(no)s", no=licence.number), back=url_for("tracks.list_tracks"))


# --- administrators -------------------------------------------------------------------------------------


@bp.route("/tracks/new", methods=["GET", "POST"])
@login_required
def new_track():
    permissions.require_editor(current_user)
    form = TrackForm()
    return handle_form(form, lambda: services.save_track(form.to_data()),
                       lambda t: redirect(url_for("tracks.show_track", code=t.code)), title=_("New track"),
                       back=url_for("tracks.list_tracks"))


@bp.route("/tracks/<code>/levels/new", methods=["GET", "POST"])
@login_required
def new_level(code: str):
    permissions.require_editor(current_user)
    track = _track(code)
    form = LevelForm().fill_choices(track.levels)
    return handle_form(form, lambda: services.save_level(track, form.to_data()),
                       lambda lv: redirect(url_for("tracks.show_track", code=track.code)),
                       title=_("New level of %(track)s", track=track.name_zh),
                       back=url_for("tracks.show_track", code=track.code))


@bp.route("/tracks/levels/<int:level_id>/requirements/new", methods=["GET", "POST"])
@login_required
def new_requirement(level_id: int):
    permissions.require_editor(current_user)
    level: TrackLevel = queries.get_level(level_id) or abort(404)
    form = RequirementForm()
    return handle_form(form, lambda: services.save_requirement(level, form.to_data()),
                       lambda r: redirect(url_for("tracks.show_track", code=level.track.code)),
                       title=_("New requirement of %(level)s", level=level.name_zh),
                       back=url_for("tracks.show_track", code=level.track.code))


# --- reports ---------------------------------------------------------------------------------------------


@bp.route("/tracks/reports")
@login_required
def report():
    scope = permissions.require_reports(current_user)
    all_tracks = queries.tracks(active_only=False)
    track = next((t for t in all_tracks if t.code == request.args.get("track")), None)
    today = queries.local_today()
    track_id = track.id if track else None
    held = queries.holders(scope, track_id)
    close = queries.close_to_award(scope, today, track_id)
    lapsing = queries.holders(scope, track_id, lapsing_by=today + timedelta(days=90), today=today)
    export = request.args.get("format")
    if export in ("csv", "xlsx"):
        rows = exports.report_rows(held, close, lapsing)
        name = f"tracks-{track.code if track else 'all'}-{today.isoformat()}"
        if export == "csv":
            return Response(exports.report_csv(rows), mimetype="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
        return send_file(exports.report_xlsx(rows), as_attachment=True, download_name=f"{name}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return render_template("courses/tracks/report.html", tracks=all_tracks, track=track, held=held, close=close,
                           lapsing=lapsing, per_agency=queries.per_agency(held, close, lapsing), today=today)
