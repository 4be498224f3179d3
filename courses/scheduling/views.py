"""Scheduling pages: runs and sessions, venues and rooms, instructors (administrators), the annual plan,
and the calendar feeds that calendar apps fetch with a secret token instead of a session."""
from __future__ import annotations

import hmac
from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

import courses.models  # noqa: F401  (tables for this blueprint)
from courses.catalogue import queries as catalogue_queries
from courses.forms import handle_form, show_errors
from courses.permissions import EDITOR_ROLES
from courses.scheduling import calendars, permissions, plan_files, queries, services  # noqa: F401
from courses.scheduling.forms import (CancelRunForm, CopyRunForm, InstructorForm, PlanImportForm, RoomForm,
                                      RunForm, SessionForm, VenueForm)
from courses.scheduling.models import ClassRun, Instructor, Venue
from lms.auth.models import Role
from lms.auth.permissions import require, require_role
from lms.db import utcnow
from lms.errors import ValidationFailed
from lms.people import queries as people_queries
from lms.templating import add_nav_item

bp = Blueprint("scheduling", __name__)

add_nav_item("scheduling.show_plan", _l("Annual plan"), set())
add_nav_item("scheduling.list_runs", _l("Class runs"), set(EDITOR_ROLES))
add_nav_item("scheduling.my_calendar", _l("My calendar"), {Role.LEARNER})


def _locale() -> str:
    return str(get_locale() or "zh_Hant_TW")


def _editor() -> None:
    require_role(current_user, *EDITOR_ROLES)


def _to_run(run: ClassRun, message: str):
    flash(message, "info")
    return redirect(url_for("scheduling.show_run", run_id=run.id))


# ---- runs -------------------------------------------------------------------------------------------

@bp.route("/admin/runs/")
@login_required
def list_runs():
    _editor()
    year = request.args.get("year", date.today().year, type=int)
    return render_template("courses/scheduling/runs.html", year=year, runs=queries.runs_for_year(year))


@bp.route("/admin/runs/<int:run_id>")
@login_required
def show_run(run_id: int):
    run = queries.get_run(run_id) or abort(404)
    require(current_user, "edit", run)
    return render_template("courses/scheduling/run.html", run=run, cancel_form=CancelRunForm())


@bp.route("/admin/courses/<int:course_id>/runs/new", methods=["GET", "POST"])
@login_required
def create_run(course_id: int):
    course = catalogue_queries.get_course(course_id) or abort(404)
    _editor()
    form = RunForm()
    if request.method == "GET":
        form.year.data, form.hours_per_day.data = date.today().year, 6
    return handle_form(form, lambda: services.create_run(course, form.to_data()),
                       lambda run: _to_run(run, _("Run %(code)s scheduled.", code=run.code)),
                       title=_("Schedule a run of %(title)s", title=course.title(_locale())),
                       back=url_for("catalogue.show_course", code=course.code))


@bp.route("/admin/runs/<int:run_id>/edit", methods=["GET", "POST"])
@login_required
def edit_run(run_id: int):
    run = queries.get_run(run_id) or abort(404)
    require(current_user, "edit", run)
    form = RunForm()
    if request.method == "GET":
        form.load(services.run_data(run))
    return handle_form(form, lambda: services.update_run(run, form.to_data()),
                       lambda saved: _to_run(saved, _("Run %(code)s saved.", code=saved.code)),
                       title=_("Edit run %(code)s", code=run.code),
                       back=url_for("scheduling.show_run", run_id=run.id))


@bp.route("/admin/runs/<int:run_id>/copy", methods=["GET", "POST"])
@login_required
def copy_run(run_id: int):
    run = queries.get_run(run_id) or abort(404)
    require(current_user, "edit", run)
    form = CopyRunForm()
    return handle_form(form, lambda: services.copy_run(run, form.starts_on.data, form.term.data),
                       lambda copy: _to_run(copy, _("Run copied as %(code)s.", code=copy.code)),
                       title=_("Copy run %(code)s to a new date", code=run.code), submit_label=_("Copy"),
                       back=url_for("scheduling.show_run", run_id=run.id))


@bp.route("/admin/runs/<int:run_id>/cancel", methods=["POST"])
@login_required
def cancel_run(run_id: int):
    run = queries.get_run(run_id) or abort(404)
    require(current_user, "edit", run)
    form = CancelRunForm()
    if not form.validate_on_submit():
        raise ValidationFailed([(name, " ".join(errors)) for name, errors in form.errors.items()])
    told = services.cancel_run(run, form.reason.data or "")
    return _to_run(run, _("Run cancelled; %(n)s people notified.", n=told))


# ---- sessions ---------------------------------------------------------------------------------------

def _session_form() -> SessionForm:
    return SessionForm().fill_choices(queries.list_rooms(), queries.list_instructors(), _locale())


@bp.route("/admin/runs/<int:run_id>/sessions/new", methods=["GET", "POST"])
@login_required
def add_session(run_id: int):
    run = queries.get_run(run_id) or abort(404)
    require(current_user, "edit", run)
    form = _session_form()
    if request.method == "GET":
        form.day.data = run.starts_on
    return handle_form(form, lambda: services.add_session(run, form.to_data()),
                       lambda s: _to_run(run, _("Session added.")),
                       title=_("Add a session to %(code)s", code=run.code),
                       back=url_for("scheduling.show_run", run_id=run.id))


@bp.route("/admin/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int):
    session = queries.get_session(session_id) or abort(404)
    require(current_user, "edit", session)
    form = _session_form()
    if request.method == "GET":
        form.load(services.session_data(session))
    return handle_form(form, lambda: services.update_session(session, form.to_data()),
                       lambda s: _to_run(s.run, _("Session saved.")),
                       title=_("Edit a session of %(code)s", code=session.run.code),
                       back=url_for("scheduling.show_run", run_id=session.run_id))


@bp.route("/admin/sessions/<int:session_id>/delete", methods=["POST"])
@login_required
def delete_session(session_id: int):
    session = queries.get_session(session_id) or abort(404)
    require(current_user, "edit", session)
    run = session.run
    services.delete_session(session)
    return _to_run(run, _("Session removed."))


# ---- venues, rooms, instructors ------------------------------------------------------------------------

@bp.route("/admin/venues/")
@login_required
def list_venues():
    _editor()
    return render_template("courses/scheduling/venues.html", venues=queries.list_venues())


def _to_venues(message: str):
    flash(message, "info")
    return redirect(url_for("scheduling.list_venues"))


@bp.route("/admin/venues/new", methods=["GET", "POST"], defaults={"venue_id": None})
@bp.route("/admin/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@login_required
def edit_venue(venue_id: int | None):
    venue = (queries.get_venue(venue_id) or abort(404)) if venue_id else None
    _editor()
    form = VenueForm(obj=venue)
    return handle_form(form, lambda: services.save_venue(form.name_zh.data, form.name_en.data, form.address.data,
                                                         venue),
                       lambda v: _to_venues(_("Venue %(name)s saved.", name=v.name_zh)),
                       title=_("Venue"), back=url_for("scheduling.list_venues"))


@bp.route("/admin/venues/<int:venue_id>/rooms/new", methods=["GET", "POST"], defaults={"room_id": None})
@bp.route("/admin/venues/<int:venue_id>/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@login_required
def edit_room(venue_id: int, room_id: int | None):
    venue = queries.get_venue(venue_id) or abort(404)
    room = next((r for r in venue.rooms if r.id == room_id), None) or abort(404) if room_id else None
    _editor()
    form = RoomForm(obj=room)
    return handle_form(form, lambda: services.save_room(venue, form.name.data, form.seats.data, room),
                       lambda r: _to_venues(_("Room %(name)s saved.", name=r.name)),
                       title=_("Room at %(venue)s", venue=venue.name(_locale())),
                       back=url_for("scheduling.list_venues"))


@bp.route("/admin/instructors/")
@login_required
def list_instructors():
    _editor()
    return render_template("courses/scheduling/instructors.html", instructors=queries.list_instructors())


def _save_instructor(form: InstructorForm, instructor: Instructor | None) -> Instructor:
    employee = None
    if form.staff_no.data:
        employee = people_queries.get_by_staff_no(form.staff_no.data.strip())
        if employee is None:
            raise ValidationFailed([("staff_no", _("No staff member has this number."))])
    return services.save_instructor(form.name_zh.data, form.name_en.data, form.affiliation.data,
                                    form.email.data, employee, instructor)


@bp.route("/admin/instructors/new", methods=["GET", "POST"], defaults={"instructor_id": None})
@bp.route("/admin/instructors/<int:instructor_id>/edit", methods=["GET", "POST"])
@login_required
def edit_instructor(instructor_id: int | None):
    instructor = (queries.get_instructor(instructor_id) or abort(404)) if instructor_id else None
    _editor()
    form = InstructorForm(obj=instructor)
    if request.method == "GET" and instructor is not None and instructor.employee is not None:
        form.staff_no.data = instructor.employee.staff_no

    def done(saved: Instructor):
        flash(_("Instructor %(name)s saved.", name=saved.name_zh), "info")
        return redirect(url_for("scheduling.list_instructors"))
    return handle_form(form, lambda: _save_instructor(form, instructor), done, title=_("Instructor"),
                       back=url_for("scheduling.list_instructors"))


# ---- the annual plan ------------------------------------------------------------------------------------

@bp.route("/plan/", defaults={"year": None})
@bp.route("/plan/<int:year>")
@login_required
def show_plan(year: int | None):
    year = year or date.today().year
    return render_template("courses/scheduling/plan.html", year=year, plan=queries.annual_plan(year),
                           can_import=current_user.has_role(*EDITOR_ROLES))


@bp.route("/plan/<int:year>.xlsx")
@login_required
def export_plan(year: int):
    body = plan_files.plan_workbook(year, queries.runs_for_year(year), queries.annual_plan(year), _locale())
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=training-plan-{year}.xlsx"})


@bp.route("/admin/plan/import", methods=["GET", "POST"])
@login_required
def import_plan():
    _editor()
    form = PlanImportForm()
    report, general, status = None, [], 200
    if form.validate_on_submit() and form.file.data:
        upload = form.file.data
        try:
            report = services.import_plan(plan_files.read_plan_file(upload.filename, upload.read()))
        except ValidationFailed as exc:
            general, status = show_errors(form, exc), 400
        else:
            status = 200 if report.written else 400
            if report.written:
                flash(_("%(n)s runs imported.", n=len(report.created)), "info")
    elif request.method == "POST":
        form.file.errors = [_("Choose a file.")]
        status = 400
    return render_template("courses/scheduling/plan_import.html", form=form, report=report, general=general,
                           columns=plan_files.COLUMNS), status


# ---- calendar feeds -------------------------------------------------------------------------------------

def _feed(record, token: str, sessions, name: str) -> Response:
    # The token stands in for a session so calendar apps can subscribe; compare in constant time.
    if record is None or not token or not hmac.compare_digest(record.feed_token, token):
        abort(404)
    return _calendar_response(calendars.calendar_for(sessions, name))


def _calendar_response(body: bytes) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": "inline; filename=calendar.ics", "Cache-Control": "private, max-age=300"})


@bp.route("/calendar/runs/<int:run_id>.ics")
def run_feed(run_id: int):
    run = queries.get_run(run_id)
    return _feed(run, request.args.get("token", ""), run.sessions if run else [],
                 f"{run.course.title_zh} {run.code}" if run else "")


@bp.route("/calendar/instructors/<int:instructor_id>.ics")
def instructor_feed(instructor_id: int):
    instructor = queries.get_instructor(instructor_id)
    sessions = queries.sessions_for_instructor(instructor_id) if instructor else []
    return _feed(instructor, request.args.get("token", ""), sessions, instructor.name_zh if instructor else "")


@bp.route("/calendar/venues/<int:venue_id>.ics")
def venue_feed(venue_id: int):
    venue: Venue | None = queries.get_venue(venue_id)
    sessions = queries.sessions_for_venue(venue_id) if venue else []
    return _feed(venue, request.args.get("token", ""), sessions, venue.name_zh if venue else "")


@bp.route("/admin/calendar/<kind>/<int:record_id>/rotate", methods=["POST"])
@login_required
def rotate_feed(kind: str, record_id: int):
    lookup = {"runs": queries.get_run, "instructors": queries.get_instructor, "venues": queries.get_venue}
    record = lookup[kind](record_id) if kind in lookup else None
    if record is None:
        abort(404)
    require(current_user, "edit", record)
    services.rotate_feed_token(record)
    flash(_("A new calendar address was issued; the old one no longer works."), "info")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for("scheduling.list_runs"))


# ---- the learner's private calendar ---------------------------------------------------------------------

@bp.route("/my/calendar")
@login_required
def my_calendar():
    employee = permissions.calendar_owner(current_user)
    token = queries.calendar_token_for(employee.id)
    address = None
    if token is not None:
        secret = services.calendar_secret(employee.id, token.salt)
        # An address made under another SECRET_KEY no longer opens: offer a new one instead of showing it.
        if services.hash_calendar_secret(secret) == token.token_hash:
            address = current_app.config["BASE_URL"].rstrip("/") + url_for("scheduling.learner_feed", token=secret)
    # Upcoming first (the next class and its meeting link at the top), past ones folded away below.
    now = utcnow()
    sessions = queries.sessions_for_learner(employee.id)
    return render_template("courses/scheduling/my_calendar.html", token=token, address=address,
                           upcoming=[s for s in sessions if s.ends_at >= now],
                           past=[s for s in sessions if s.ends_at < now][::-1])


@bp.route("/my/calendar/address", methods=["POST"])
@login_required
def issue_calendar_address():
    services.issue_calendar_token(permissions.calendar_owner(current_user))
    flash(_("Your calendar address is ready. Any address you had before no longer works."), "info")
    return redirect(url_for("scheduling.my_calendar"))


@bp.route("/my/calendar/address/delete", methods=["POST"])
@login_required
def revoke_calendar_address():
    if services.revoke_calendar_token(permissions.calendar_owner(current_user)):
        flash(_("Your calendar address is turned off."), "info")
    return redirect(url_for("scheduling.my_calendar"))


@bp.route("/calendar/my/<token>.ics")
def learner_feed(token: str):
    # The secret stands in for a session; only its hash is stored, so the look-up is by hash.
    record = queries.calendar_token_by_hash(services.hash_calendar_secret(token)) if token else None
    if record is None:
        abort(404)
    return _calendar_response(calendars.calendar_for(queries.sessions_for_learner(record.employee_id),
                                                     _("My classes")))
