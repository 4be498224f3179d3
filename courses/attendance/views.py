"""Attendance pages: the instructor's session screen (rotating code, QR code, roster marking, meeting
CSV import) and the learner's check-in page that the QR code opens (with the typed code as fallback)."""
from __future__ import annotations

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

import courses.attendance.models  # noqa: F401  (tables for this blueprint)
from courses.attendance import queries, services
from courses.enrollment import queries as enrollment_queries
from courses.enrollment.forms import ConfirmForm, UploadForm
from courses.enrollment.permissions import may_manage_run
from courses.scheduling import queries as scheduling_queries
from lms.errors import DomainError, PermissionDeniedError

bp = Blueprint("attendance", __name__)


LEAVE_LABELS = {"": _l("—"), "personal": _l("Personal leave"), "sick": _l("Sick leave"),
                "bereavement": _l("Bereavement leave"), "absent": _l("Absent")}


METHOD_LABELS = {"code": _l("Checked in with the code"), "manual": _l("Marked on the roster"),
                 "csv": _l("Meeting tool's report")}


@bp.app_context_processor
def _labels():
    return {"leave_labels": LEAVE_LABELS, "attendance_method_labels": METHOD_LABELS}


def _session_or_404(session_id: int):
    return scheduling_queries.get_session(session_id) or abort(404)


def _managed_session(session_id: int):
    session = _session_or_404(session_id)
    if not may_manage_run(current_user, session.run):
        raise PermissionDeniedError(_("Only the training centre and the run's instructors take attendance."))
    return session


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, border=2)


@bp.route("/attendance/sessions/<int:session_id>")
@login_required
def show_session(session_id: int):
    return _session_page(_managed_session(session_id))


def _session_page(session, report=None):
    code, seconds_left = services.current_code(session)
    check_in_url = url_for("attendance.check_in", session_id=session.id, code=code, _external=True)
    return render_template("courses/attendance/session.html", session=session, run=session.run, code=code,
                           seconds_left=seconds_left, check_in_url=check_in_url, qr=qr_svg(check_in_url),
                           roster=enrollment_queries.roster(session.run_id, ("seated",)),
                           marks=queries.attendance_by_enrollment(session.id), form=ConfirmForm(),
                           upload=UploadForm(), report=report, row_state=_row_state)


def _row_state(attendance) -> str:
    """A roster row as the page shows it (present, minutes, leave), to see later whether the instructor changed it."""
    if attendance is None:
        return "||"
    return f"{'y' if attendance.minutes else ''}|{attendance.minutes}|{attendance.leave_type}"


@bp.route("/attendance/sessions/<int:session_id>/roster", methods=["POST"])
@login_required
def mark_roster(session_id: int):
    session = _managed_session(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    marks, recorded = [], queries.attendance_by_enrollment(session.id)
    for enrollment in enrollment_queries.roster(session.run_id, ("seated",)):
        raw = request.form.get(f"minutes-{enrollment.id}", "").strip()
        sent = "|".join((request.form.get(f"present-{enrollment.id}", ""), raw,
                          request.form.get(f"leave-{enrollment.id}", "")))
        shown = request.form.get(f"shown-{enrollment.id}")
        if shown == sent and shown != _row_state(recorded.get(enrollment.id)):
            continue   # a row the instructor left alone that a check-in or an import changed since: keep that
        marks.append(services.Mark(enrollment.id, request.form.get(f"present-{enrollment.id}") == "y",
                                   int(raw) if raw.isdigit() else None,
                                   request.form.get(f"leave-{enrollment.id}", "")))
    try:
        services.mark_roster(session, marks)
    except DomainError as exc:
        flash("; ".join(m for _f, m in exc.errors) or exc.message, "error")
    else:
        flash(_("Attendance saved."), "info")
    return redirect(url_for("attendance.show_session", session_id=session.id))


@bp.route("/attendance/sessions/<int:session_id>/import", methods=["POST"])
@login_required
def import_attendance(session_id: int):
    session = _managed_session(session_id)
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    return _session_page(session, services.import_meeting_attendance(session, form.read_csv()))


@bp.route("/check-in/<int:session_id>", methods=["GET", "POST"])
@login_required
def check_in(session_id: int):
    session = _session_or_404(session_id)
    code = request.values.get("code", "")
    done = None
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if current_user.employee is None:
            raise PermissionDeniedError(_("Only staff members check in."))
        try:
            done = services.check_in(session, current_user.employee, code)
        except DomainError as exc:
            flash("; ".join(m for _f, m in exc.errors) or exc.message, "error")
    return render_template("courses/attendance/check_in.html", session=session, run=session.run, code=code,
                           done=done, form=ConfirmForm()), 422 if request.method == "POST" and done is None else 200
