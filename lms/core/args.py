"""Numbers from URLs and query strings, bounded before they reach the database.

Any integer a client sends in a path or with `request.args.get(..., type=int)` must fit a 32-bit
column: larger ones are treated like non-numbers (a path does not match, so 404; a query argument
falls back to its default), never an overflow deep in the driver (a 500). Years are checked against
the range the platform plans and reports in.
"""
from __future__ import annotations

from flask import Request, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

INT_LIMIT = 2**31 - 1
FIRST_YEAR, LAST_YEAR = 1990, 2100


def bounded_int(raw) -> int:
    value = int(raw)
    if not -INT_LIMIT <= value <= INT_LIMIT:
        raise ValueError(f"{raw!r} is out of range")
    return value


def plausible_year(value: int | None) -> int | None:
    return value if value is not None and FIRST_YEAR <= value <= LAST_YEAR else None


class BoundedArgs(ImmutableMultiDict):
    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        return super().get(key, default, bounded_int if type is int else type)


class BoundedRequest(Request):
    parameter_storage_class = BoundedArgs


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in routes: ids beyond a 32-bit column do not match the route (404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", INT_LIMIT)
        super().__init__(map, *args, **kwargs)


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def refuse_nul_characters() -> None:
    """No text field can store a NUL character (PostgreSQL refuses it deep in the driver), so input that
    carries one is a 400 at the door, for query strings, forms and JSON bodies alike. The LRS (/xapi/)
    answers in its own protocol and stores statements as JSON, where a NUL is escaped."""
    from lms.errors import ValidationFailed

    if request.path.startswith("/xapi/"):
        return
    body = request.get_json(silent=True) if request.is_json else None
    if (any(_holds_nul(v) for v in request.args.listvalues()) or _holds_nul(body)
            or (request.form and any(_holds_nul(v) for v in request.form.listvalues()))):
        raise ValidationFailed([("", _("Text may not contain NUL characters."))])


def init_app(app) -> None:
    app.request_class = BoundedRequest
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_nul_characters)
