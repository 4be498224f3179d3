"""Domain errors and the one place that maps them to HTTP answers (HTML pages or JSON for /api/)."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from lms.extensions import db
from lms.storage import StorageUnavailableError


class DomainError(Exception):
    status = 400

    def __init__(self, message: str = "", errors: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class ValidationFailed(DomainError):
    """Bad input: every problem collected as (field, message) before failing."""

    status = 400

    def __init__(self, errors: list[tuple[str, str]], message: str = ""):
        super().__init__(message or "; ".join(f"{f}: {m}" if f else m for f, m in errors), errors)


class PermissionDeniedError(DomainError):
    status = 403


class RecordNotFoundError(DomainError):
    status = 404


class ConflictError(DomainError):
    status = 409


class RuleBrokenError(DomainError):
    status = 422


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def _render(status: int, title: str, message: str, errors=None):
    # The request failed: nothing it flushed may be committed by the teardown.
    db.session.rollback()
    if wants_json():
        body = {"error": title, "message": message}
        if errors:
            body["errors"] = [{"field": f, "message": m} for f, m in errors]
        return jsonify(body), status
    return render_template("lms/core/error.html", status=status, title=title, message=message,
                           errors=errors or []), status


def register_error_handlers(app) -> None:
    titles = {
        400: lambda: _("Bad request"),
        403: lambda: _("Forbidden"),
        404: lambda: _("Page not found"),
        405: lambda: _("Method not allowed"),
        409: lambda: _("Conflict"),
        413: lambda: _("File too large"),
        422: lambda: _("Not allowed by the rules"),
        429: lambda: _("Too many attempts"),
        500: lambda: _("Something went wrong"),
        503: lambda: _("Service unavailable"),
    }
    messages = {
        403: lambda: _("You do not have permission to see this page or record."),
        404: lambda: _("The page or record you asked for does not exist."),
        500: lambda: _("An unexpected error happened. It has been logged; please try again."),
    }

    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        return _render(exc.status, titles.get(exc.status, titles[400])(), exc.message, exc.errors)

    @app.errorhandler(StorageUnavailableError)
    def handle_storage_down(exc: StorageUnavailableError):
        # The file store (MinIO) is down or refusing us: nothing of this request is kept, say so plainly.
        app.logger.warning("file storage unavailable on %s %s: %s", request.method, request.path, exc)
        return _render(503, titles[503](), _("The file storage is not available right now, so nothing was "
                                             "saved. Please try again in a few minutes."))

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException):
        code = exc.code or 500
        title = titles[code]() if code in titles else exc.name
        message = messages[code]() if code in messages else (exc.description or "")
        return _render(code, title, message)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500, titles[500](), messages[500]())
