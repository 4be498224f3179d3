"""Catalogue pages: the learners' course search and course page, the administrators' course editor."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

import courses.models  # noqa: F401  (tables for this blueprint)
from courses.catalogue import permissions, queries, services
from courses.catalogue.forms import CourseForm
from courses.catalogue.models import CATALOGUE_STAMP, DELIVERY_MODES, Course
from courses.catalogue.schemas import filters_from_args
from courses.forms import handle_form
from courses.labels import template_labels
from courses.permissions import EDITOR_ROLES, is_editor
from courses.scheduling import queries as schedule_queries
from lms.auth.models import Role
from lms.auth.permissions import require
from lms.core.warmup import warm_up_paths
from lms.db import read_only
from lms.errors import PermissionDeniedError
from lms.stamps import cached
from lms.templating import add_nav_item, template_macros

bp = Blueprint("catalogue", __name__)
bp.app_context_processor(template_labels)

add_nav_item("catalogue.browse_courses", _l("Courses"), set())
add_nav_item("catalogue.admin_courses", _l("Manage courses"), set(EDITOR_ROLES))


def _locale() -> str:
    return str(get_locale() or "zh_Hant_TW")


def today() -> date:
    from courses.scheduling.models import LOCAL_TZ
    from lms.db import utcnow

    return utcnow().astimezone(LOCAL_TZ).date()


def _shared_key(*parts) -> tuple:
    """What a cached catalogue part depends on besides its own arguments and the catalogue's data: the
    language, the day (runs open and close by date) and where the app is mounted (its links)."""
    return (_locale(), today(), request.script_root) + parts


@bp.route("/courses/")
@login_required
@read_only
def browse_courses():
    def render():
        filters = filters_from_args(request.args)
        page = queries.search_courses(filters, today(), page=request.args.get("page", 1, type=int))
        return Markup(render_template("courses/catalogue/_browse_content.html", page=page, filters=filters,
                                      categories=queries.list_categories(), modes=DELIVERY_MODES,
                                      args=request.args.to_dict()))

    key = _shared_key("browse", tuple(sorted(request.args.items(multi=True))))
    return render_template("courses/catalogue/browse.html", content=cached(CATALOGUE_STAMP, key, render))


@dataclass(frozen=True)
class RunPart:
    id: int
    capacity: int
    status: str
    head: Markup
    sessions: Markup


@dataclass(frozen=True)
class CourseParts:
    facts: Markup
    runs: tuple[RunPart, ...]


def _course_parts(course: Course) -> CourseParts:
    macros = template_macros("courses/catalogue/_course_parts.html")
    runs = schedule_queries.runs_for_course(course.id, from_day=today())
    return CourseParts(macros.facts(course), tuple(
        RunPart(run.id, run.capacity, run.status, macros.run_head(run), macros.run_sessions(run)) for run in runs))


@bp.route("/courses/<code>")
@login_required
@read_only
def show_course(code: str):
    course = queries.get_course_by_code(code) or abort(404)
    require(current_user, "view", course)
    parts = cached(CATALOGUE_STAMP, _shared_key("course", course.id), lambda: _course_parts(course))
    return render_template("courses/catalogue/course.html", course=course, parts=parts,
                           seats=queries.seats_for_runs(parts.runs),
                           can_edit=permissions.edits_course(current_user, course))


@warm_up_paths
def _busiest_pages() -> list[str]:
    course = queries.first_course()
    if course is None:
        return [url_for("catalogue.browse_courses")]
    return [url_for("catalogue.browse_courses", q=course.title_zh[:2]),
            url_for("catalogue.show_course", code=course.code)]


@bp.route("/admin/courses/")
@login_required
def admin_courses():
    _require_course_manager()
    filters = filters_from_args(request.args, include_archived=True)
    page = queries.search_courses(filters, today(), page=request.args.get("page", 1, type=int), per_page=50)
    return render_template("courses/catalogue/admin_list.html", page=page, filters=filters,
                           args=request.args.to_dict())


def _require_course_manager() -> None:
    if not (is_editor(current_user) or current_user.has_role(Role.AGENCY_OFFICER)):
        raise PermissionDeniedError(_("Only training administrators and agency training officers manage courses."))


def _course_form() -> CourseForm:
    form = CourseForm()
    return form.fill_choices(queries.list_categories(), queries.list_agencies(), queries.list_topics(), _locale())


@bp.route("/admin/courses/new", methods=["GET", "POST"])
@login_required
def create_course():
    _require_course_manager()
    form = _course_form()
    if request.method == "POST":
        # An agency officer creates courses for their own agency only: the policy sees the chosen agency.
        chosen = next((a for a in queries.list_agencies() if a.code == form.agency.data), None)
        require(current_user, "create", Course(agency=chosen))
    return handle_form(form, lambda: services.create_course(form.to_data()), _saved,
                       title=_("New course"), back=url_for("catalogue.admin_courses"))


def _saved(course: Course):
    flash(_("Course %(code)s saved.", code=course.code), "info")
    return redirect(url_for("catalogue.show_course", code=course.code))


@bp.route("/admin/courses/<int:course_id>/edit", methods=["GET", "POST"])
@login_required
def edit_course(course_id: int):
    course = queries.get_course(course_id) or abort(404)
    require(current_user, "edit", course)
    form = _course_form()
    if request.method == "GET":
        form.load(course)
    return handle_form(form, lambda: services.update_course(course, form.to_data()), _saved,
                       title=_("Edit course %(code)s", code=course.code),
                       back=url_for("catalogue.show_course", code=course.code))


@bp.route("/admin/courses/<int:course_id>/archive", methods=["POST"])
@login_required
def archive_course(course_id: int):
    course = queries.get_course(course_id) or abort(404)
    require(current_user, "archive", course)
    archived = request.form.get("archived", "1") == "1"
    services.archive_course(course, archived)
    flash(_("Course archived.") if archived else _("Course back in the catalogue."), "info")
    return redirect(url_for("catalogue.show_course", code=course.code))


@bp.route("/admin/courses/<int:course_id>/delete", methods=["POST"])
@login_required
def delete_course(course_id: int):
    course = queries.get_course(course_id) or abort(404)
    require(current_user, "delete", course)
    services.delete_course(course)
    flash(_("Course deleted."), "info")
    return redirect(url_for("catalogue.admin_courses"))
