"""The HTTP side of xAPI that every resource shares: the version header, HTTP Basic credentials,
the alternate request syntax, query-parameter checks, CORS and the xAPI error answers.

Handlers read the request only through `current()` (an `XapiRequest`), because the alternate
request syntax (a form POST with `method=`) carries the real method, headers, parameters and body
inside the form.
"""
from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g, request
from flask_login import current_user
from werkzeug.datastructures import Headers, MultiDict

from lms.errors import PermissionDeniedError, ValidationFailed
from lms.extensions import db
from xapi import jsontext
from xapi.errors import UnauthorizedError
from xapi.store.models import LrsClient
from xapi.store.services import hash_secret
from xapi.validation.formats import parse_timestamp

VERSIONS = ("1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0")
VERSION_HEADER = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
_V1 = re.compile(r"^1\.0(?:\.\d+)?$")
_V2 = re.compile(r"^2\.0(?:\.\d+)?$")
ALTERNATE_HEADERS = ("Authorization", "X-Experience-API-Version", "Content-Type", "Content-Length",
                     "If-Match", "If-None-Match")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Content-Length, Authorization, If-Match, If-None-Match, "
                                    "X-Experience-API-Version, Accept-Language",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, "
                                     "WWW-Authenticate, X-Experience-API-Version, "
                                     "X-Experience-API-Consistent-Through",
}


def bad_request(message: str, field: str = "") -> ValidationFailed:
    return ValidationFailed([(field, message)])


@dataclass
class XapiRequest:
    method: str
    args: MultiDict
    headers: Headers
    body: bytes

    @property
    def mimetype(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def version(self) -> str:
        return g.xapi_version

    @property
    def v2(self) -> bool:
        return g.xapi_version.startswith("2.")


def current() -> XapiRequest:
    return g.xapi_request


def read_request() -> XapiRequest:
    """The request as xAPI sees it, unwrapping the alternate request syntax."""
    if request.method == "POST" and "method" in request.args:
        return _alternate_request()
    if "method" in request.args:
        raise bad_request("The method parameter is only allowed on POST (alternate request syntax).")
    return XapiRequest(request.method, request.args, request.headers, request.get_data(cache=True))


def _alternate_request() -> XapiRequest:
    if set(request.args) != {"method"}:
        raise bad_request("With the alternate request syntax the only query parameter allowed is 'method'.")
    method = request.args["method"].upper()
    if method not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
        raise bad_request(f"Unsupported method {request.args['method']!r} in the alternate request syntax.")
    if request.mimetype != "application/x-www-form-urlencoded":
        raise bad_request("The alternate request syntax needs Content-Type application/x-www-form-urlencoded.")
    headers = Headers()
    args = MultiDict()
    content = ""
    for name, value in request.form.items(multi=True):
        canonical = next((h for h in ALTERNATE_HEADERS if h.lower() == name.lower()), None)
        if canonical:
            headers.add(canonical, value)
        elif name == "content":
            content = value
        else:
            args.add(name, value)
    if "Content-Type" not in headers and content:
        headers["Content-Type"] = "application/json"
    for name in ("Accept-Language", "Accept"):
        if name in request.headers:
            headers[name] = request.headers[name]
    return XapiRequest(method, args, headers, content.encode("utf-8"))


def negotiate_version(xreq: XapiRequest, *, required: bool) -> str:
    raw = (xreq.headers.get(VERSION_HEADER) or "").strip()
    if not raw:
        if required:
            raise bad_request(f"The {VERSION_HEADER} header is required.")
        return "1.0.3"
    if _V1.match(raw):
        return "1.0.3"
    if _V2.match(raw):
        return "2.0.0"
    raise bad_request(f"Unsupported {VERSION_HEADER} {raw!r}; this LRS accepts 1.0.x and 2.0.0.")


def check_params(xreq: XapiRequest, allowed: set[str], required: tuple[str, ...] = ()) -> None:
    """Every resource's parameter check: names exactly as the spec spells them, each at most once."""
    unknown = sorted(set(xreq.args) - allowed)
    if unknown:
        raise bad_request("Unknown query parameter(s): " + ", ".join(unknown)
                          + (". Allowed: " + ", ".join(sorted(allowed)) if allowed else ". None are allowed here")
                          + " (names are case-sensitive).")
    repeated = sorted(name for name in set(xreq.args) if len(xreq.args.getlist(name)) > 1)
    if repeated:
        raise bad_request("Query parameter(s) given more than once: " + ", ".join(repeated) + ".", repeated[0])
    missing = [name for name in required if name not in xreq.args]
    if missing:
        raise bad_request("Missing required query parameter(s): " + ", ".join(missing))


def param_bool(xreq: XapiRequest, name: str) -> bool:
    raw = xreq.args.get(name)
    if raw is None:
        return False
    if raw not in ("true", "false"):
        raise bad_request(f"Parameter {name} must be true or false.", name)
    return raw == "true"


def param_timestamp(xreq: XapiRequest, name: str) -> datetime | None:
    raw = xreq.args.get(name)
    if raw is None:
        return None
    try:
        return parse_timestamp(raw)
    except ValueError as exc:
        raise bad_request(f"Parameter {name} {exc}.", name) from None


def param_json(xreq: XapiRequest, name: str):
    try:
        return json.loads(xreq.args[name])
    except (ValueError, TypeError):
        raise bad_request(f"Parameter {name} must be JSON.", name) from None


def json_body(xreq: XapiRequest):
    try:
        return jsontext.loads(xreq.body)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise bad_request("The request body is not valid JSON.") from None


# --- credentials ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """Who is calling: an LRS client, or a signed-in person reading only their own statements."""

    authority: dict
    can_write: bool
    own_agent: dict | None = None


def client_authority(client: LrsClient) -> dict:
    return {"objectType": "Agent", "name": client.name,
            "account": {"homePage": current_app.config["BASE_URL"], "name": f"xapi-client:{client.key}"}}


def authenticate(xreq: XapiRequest) -> Principal:
    header = xreq.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            key, _, secret = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise UnauthorizedError("Malformed HTTP Basic credentials.") from None
        from xapi.store.launch_tokens import launch_principal

        if (authority := launch_principal(key, secret, xreq)) is not None:
            return Principal(authority, True)
        client = db.session.execute(db.select(LrsClient).where(LrsClient.key == key)).scalar_one_or_none()
        if client is None or not client.active or not hmac.compare_digest(client.secret_hash, hash_secret(secret)):
            raise UnauthorizedError("Unknown, revoked or wrong LRS credentials.")
        return Principal(client_authority(client), client.can_write)
    if not header and current_user.is_authenticated and current_user.employee is not None:
        from xapi.emitter.actors import employee_agent, platform_authority

        return Principal(platform_authority(), False, own_agent=employee_agent(current_user.employee))
    raise UnauthorizedError("HTTP Basic credentials of an LRS client are required.")


def require_write(principal: Principal) -> None:
    if not principal.can_write:
        raise PermissionDeniedError("These credentials may only read.")


def require_client(principal: Principal) -> None:
    if principal.own_agent is not None:
        raise PermissionDeniedError("Signed-in users may only read their own statements.")
