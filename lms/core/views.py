"""Home page per role, the language switch, the administrators' status page."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from lms import LOCALES
from lms.auth.models import Role
from lms.auth.permissions import agency_scope, require_role
from lms.core.health import run_checks
from lms.core.urls import safe_local_target
from lms.people import queries as people_queries

bp = Blueprint("core", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    scope = agency_scope(current_user)
    overview = None if scope.empty else people_queries.overview(scope)
    return render_template("lms/core/home.html", roles=current_user.roles, Role=Role,
                           employee=current_user.employee, overview=overview)


@bp.route("/locale/<code>", methods=["POST"])
def set_locale(code: str):
    if code in LOCALES:
        session["locale"] = code
    return redirect(safe_local_target(request.form.get("next")))


@bp.route("/admin/status")
@login_required
def status():
    require_role(current_user, Role.SYSADMIN, Role.TRAINING_ADMIN)
    checks = run_checks()
    return render_template("lms/core/status.html", checks=checks), 200 if all(c.ok for c in checks) else 503


@bp.route("/healthz")
def liveness():
    """Liveness: the process answers. Touches no other service, so a database outage never restarts it."""
    return jsonify(status="ok")


@bp.route("/readyz")
def readiness():
    """Readiness: the database, the broker and the object storage answer; 503 (and which one) otherwise.
    Names the services but never their addresses or credentials: the endpoint needs no login."""
    checks = run_checks()
    ready = all(c.ok for c in checks)
    body = {"status": "ready" if ready else "unavailable", "checks": {c.name: c.ok for c in checks}}
    return jsonify(body), 200 if ready else 503
