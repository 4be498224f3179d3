"""The /xapi blueprint and what runs around every xAPI request: reading the (possibly alternate)
request, version and credential checks, answers with xAPI status codes and headers, CORS."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, json, request
from werkzeug.exceptions import HTTPException

from lms.errors import DomainError
from lms.extensions import csrf, db
from xapi.lrs.protocol import (
    CONSISTENT_THROUGH, CORS_HEADERS, VERSION_HEADER, authenticate, bad_request, negotiate_version, read_request,
)
from xapi.store.queries import consistent_through
from xapi.validation.formats import format_timestamp

bp = Blueprint("xapi", __name__, url_prefix="/xapi")
csrf.exempt(bp)

ALL_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"]
# Resources that answer without the version header or credentials.
OPEN_ENDPOINTS = {"xapi.about"}


@bp.before_request
def _open_request():
    g.xapi_version = "1.0.3"
    if request.method == "OPTIONS":
        return Response(status=200)
    xreq = read_request()
    g.xapi_request = xreq
    is_open = request.endpoint in OPEN_ENDPOINTS
    g.xapi_version = negotiate_version(xreq, required=not is_open)
    if xreq.v2 and request.method == "POST" and "method" in request.args:
        raise bad_request("The alternate request syntax does not exist in xAPI 2.0.0.")
    if not is_open:
        g.xapi_principal = authenticate(xreq)
    return None


@bp.after_request
def _xapi_headers(response: Response) -> Response:
    response.headers[VERSION_HEADER] = g.get("xapi_version", "1.0.3")
    for name, value in CORS_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint == "xapi.statements" and g.get("xapi_request") and g.xapi_request.method in ("GET", "HEAD"):
        response.headers.setdefault(CONSISTENT_THROUGH, format_timestamp(consistent_through()))
    return response


def error_response(status: int, message: str, errors=None) -> Response:
    body = {"error": status, "message": message}
    if errors:
        body["errors"] = [{"field": f, "message": m} for f, m in errors]
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="xAPI"'
    return response


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    # Handled errors reach the teardown as success, so undo any flushed work here:
    # a refused xAPI request must change nothing.
    db.session.rollback()
    # Every invalid request is 400 in xAPI, even when the rest of the app would say 422.
    status = 400 if exc.status == 422 else exc.status
    return error_response(status, exc.message, exc.errors)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    db.session.rollback()
    return error_response(exc.code or 500, exc.description or exc.name)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled xAPI error on %s %s", request.method, request.path)
    return error_response(500, "Internal error; it has been logged.")


def dispatch(handlers: dict) -> Response:
    """Call the handler of the (possibly alternate-syntax) method; HEAD is answered like GET."""
    method = g.xapi_request.method
    handler = handlers.get("GET" if method == "HEAD" else method)
    if handler is None:
        response = error_response(405, f"{method} is not allowed on this resource.")
        response.headers["Allow"] = ", ".join(sorted(set(handlers) | {"HEAD", "OPTIONS"}))
        return response
    return handler()


def json_response(data, status: int = 200, *, text: str | None = None) -> Response:
    body = text if text is not None else json.dumps(data, ensure_ascii=False)
    return Response(body, status=status, mimetype="application/json")


@bp.route("/", defaults={"unknown": ""}, methods=ALL_METHODS)
@bp.route("/<path:unknown>", methods=ALL_METHODS)
def unknown_resource(unknown: str):
    return error_response(404, f"There is no xAPI resource at /xapi/{unknown}.")
