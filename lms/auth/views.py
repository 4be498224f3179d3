"""Sign-in, sign-out and password change pages."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import services
from lms.auth.forms import LoginForm, PasswordChangeForm
from lms.core.urls import safe_local_target
from lms.errors import ValidationFailed

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.identifier.data, form.password.data,
                                         request.remote_addr or "unknown")
        except services.LoginThrottledError:
            flash(_("Too many failed sign-in attempts. Please wait 15 minutes and try again."), "error")
            return render_template("lms/auth/login.html", form=form), 429
        if user is not None:
            # A new session on sign-in (no session fixation): nothing planted or issued before, such as
            # a CSRF token, survives; only the chosen language does.
            locale = session.get("locale")
            session.clear()
            if locale:
                session["locale"] = locale
            login_user(user)
            return redirect(safe_local_target(request.args.get("next")))
        flash(_("Wrong staff number, e-mail or password."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("lms/auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data,
                                     form.confirm.data)
        except ValidationFailed as exc:
            for field, message in exc.errors:
                getattr(form, field).errors = list(getattr(form, field).errors) + [message]
            status = 400
        else:
            login_user(current_user._get_current_object())  # new session token: keep this browser signed in
            flash(_("Your password has been changed. Other devices have been signed out."), "info")
            return redirect(url_for("core.home"))
    elif request.method == "POST":
        status = 400
    return render_template("lms/auth/password.html", form=form), status
