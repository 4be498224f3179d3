"""Online-course pages: the learner's list and course page (launch buttons, progress), the launch
itself, the cmi5 fetch URL, the player that frames plain packages, the package files (streamed from
object storage after an access check) and the editors' package upload."""
from __future__ import annotations

from flask import (
    Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, stream_with_context, url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from courses.catalogue.permissions import edits_course
from courses.forms import handle_form
from courses.online import permissions, queries, services  # noqa: F401  (policies)
from courses.online.forms import PackageForm
from courses.online.labels import template_labels
from courses.online.packages import check_member_name, content_type_of
from lms.auth.models import Role
from lms.auth.permissions import agency_scope, require
from lms.errors import PermissionDeniedError
from lms.extensions import csrf
from lms.storage import CHUNK_SIZE, StoredObjectMissingError, get_storage
from lms.templating import add_nav_item
from xapi.store.launch_tokens import FetchRefusedError

bp = Blueprint("online", __name__)
bp.context_processor(template_labels)
services.register_subscribers()

EDITOR_ROLES = {Role.TRAINING_ADMIN, Role.SYSADMIN, Role.AGENCY_OFFICER}
add_nav_item("online.my_courses", _l("Online courses"), set())
add_nav_item("online.manage", _l("Online course packages"), EDITOR_ROLES)


def _locale() -> str:
    return str(get_locale() or "zh_Hant_TW")


def _course_and_package(code: str, action: str):
    course = queries.online_course(code) or abort(404)
    package = queries.package_of(course.id)
    if package is None:
        abort(404)
    require(current_user, action, package)
    return course, package


@bp.route("/online/")
@login_required
def my_courses():
    return render_template("courses/online/my_courses.html", rows=queries.learner_courses(current_user.employee_id),
                           locale=_locale())


@bp.route("/online/courses/<code>")
@login_required
def show_course(code: str):
    course, package = _course_and_package(code, "take")
    registration = queries.registration_of(current_user.employee_id, course.id)
    return render_template("courses/online/course.html", course=course, package=package, registration=registration,
                           progress=queries.progress_by_unit(registration), locale=_locale())


@bp.post("/online/courses/<code>/units/<int:position>/launch")
@login_required
def launch_unit(code: str, position: int):
    course, package = _course_and_package(code, "take")
    unit = next((u for u in package.units if u.position == position), None) or abort(404)
    launch = services.launch_unit(
        current_user.employee, course, unit, base_url=request.host_url,
        return_url=url_for("online.show_course", code=code, _external=True),
        player_url=url_for("online.player", code=code), language="en-US" if _locale().startswith("en") else "zh-TW")
    return redirect(launch.url)


@bp.post("/online/fetch/<fetch_code>")
@csrf.exempt
def fetch_token(fetch_code: str):
    # cmi5 8.2: the AU posts here (no session needed: the fetch code is the capability) and gets the
    # auth token once; every later call answers the spec's error JSON.
    # Content hosted elsewhere (an AU url outside the package) calls it from its own origin.
    try:
        response = jsonify({"auth-token": services.fetch_auth_token(fetch_code)})
    except FetchRefusedError as exc:
        response = jsonify({"error-code": exc.code, "error-text": exc.text})
        response.status_code = 400
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/online/courses/<code>/play")
@login_required
def player(code: str):
    course, package = _course_and_package(code, "content")
    if package.kind != "html":
        abort(404)
    unit = package.units[0]
    return render_template("courses/online/player.html", course=course, package=package, locale=_locale(),
                           entry=services.content_url("", package, unit.url),
                           progress_url=url_for("online_api.record_progress", code=code))


@bp.route("/online/content/<int:package_id>/v<int:version>/<path:path>")
@login_required
def content(package_id: int, version: int, path: str):
    package = queries.get_package(package_id) or abort(404)
    require(current_user, "content", package)
    if version != package.version or check_member_name(path):
        abort(404)
    storage = get_storage()
    try:
        stream = storage.open(f"{package.storage_prefix}/{path}")
    except (StoredObjectMissingError, ValueError):
        abort(404)

    def chunks():
        with stream:
            while chunk := stream.read(CHUNK_SIZE):
                yield chunk

    response = Response(stream_with_context(chunks()), content_type=content_type_of(path))
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- editors ------------------------------------------------------------------------------------


def _require_editor_scope():
    scope = agency_scope(current_user, EDITOR_ROLES)
    if scope.empty:
        raise PermissionDeniedError(_("Only training administrators and agency training officers manage packages."))
    return scope


@bp.route("/admin/online/")
@login_required
def manage():
    return render_template("courses/online/manage.html", rows=queries.editor_courses(_require_editor_scope()))


@bp.route("/admin/online/courses/<code>/package", methods=["GET", "POST"])
@login_required
def upload_package(code: str):
    course = queries.online_course(code) or abort(404)
    if not edits_course(current_user, course):
        raise PermissionDeniedError(_("Only the course's editors upload its package."))
    form = PackageForm()

    def action():
        file = form.package.data
        return services.upload_package(course, services.PackageUpload(
            file.stream, file.filename, form.kind.data or "", form.completion_rule.data or "",
            (form.last_page.data or "").strip(), form.watched_percent.data or 0), current_user)

    def done(package):
        flash(_("Package version %(version)s uploaded: %(files)s files.", version=package.version,
                files=package.file_count), "info")
        return redirect(url_for("online.upload_package", code=code))

    return handle_form(form, action, done, template="courses/online/upload.html", course=course,
                       package=queries.package_of(course.id), locale=_locale())
