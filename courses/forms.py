"""Form helpers shared by the training domain's pages: service errors shown next to their fields."""
from __future__ import annotations

from typing import Callable

from flask import Response, render_template, request
from flask_wtf import FlaskForm

from lms.errors import DomainError


def show_errors(form: FlaskForm, exc: DomainError) -> list[str]:
    """Attach each (field, message) to the form field of that name; return the rest for the page top."""
    general = []
    for name, message in exc.errors or [("", exc.message)]:
        target = getattr(form, name, None) if name else None
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + [message]
        else:
            general.append(message)
    return general


def blank_to_none(value):
    return None if value in ("", None) else value


def handle_form(form: FlaskForm, action: Callable[[], object], done: Callable[[object], Response],
                template: str = "courses/form.html", **context):
    """The POST cycle of every editing page: on a valid submit call `action` (one service call) and
    answer `done(result)`; otherwise show the page again with the input kept and errors by their fields."""
    general, status = [], 200
    if form.validate_on_submit():
        try:
            result = action()
        except DomainError as exc:
            general, status = show_errors(form, exc), exc.status
        else:
            return done(result)
    elif request.method == "POST":
        status = 400
    return render_template(template, form=form, general=general, **context), status
