"""The Statements resource (/xapi/statements) and the About resource."""
from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from flask import g
from werkzeug.datastructures import MultiDict
from werkzeug.http import http_date

from lms.db import utcnow
from lms.errors import PermissionDeniedError, RecordNotFoundError
from xapi.lrs.blueprint import ALL_METHODS, bp, dispatch, json_response
from xapi.lrs.formats import activities_of, render_statement
from xapi.lrs.protocol import (
    VERSIONS, bad_request, check_params, current, json_body, param_bool, param_json, param_timestamp,
    require_write,
)
from xapi.store import queries, services
from xapi.store.identity import activity_hash, agent_hash, statement_links, verb_hash
from xapi.validation.formats import check_iri, check_uuid
from xapi.validation.statements import agent_errors

MAX_LIMIT = 500
SINGLE_PARAMS = {"statementId", "voidedStatementId", "format", "attachments"}
QUERY_PARAMS = {"agent", "verb", "activity", "registration", "related_activities", "related_agents", "since",
                "until", "limit", "format", "attachments", "ascending"}


@bp.route("/about", methods=ALL_METHODS, strict_slashes=False)
def about():
    # A 1.0.x client (e.g. the tincan library) refuses an About listing versions it does not know.
    asked = current().headers.get("X-Experience-API-Version", "")
    versions = [v for v in VERSIONS if v.startswith("1.")] if asked.startswith("1.") else list(VERSIONS)

    def get_about():
        check_params(current(), set())
        return json_response({"version": versions, "extensions": {}})
    return dispatch({"GET": get_about})


@bp.route("/statements", methods=ALL_METHODS, strict_slashes=False)
def statements():
    return dispatch({"GET": get_statements, "PUT": put_statement, "POST": post_statements})


def _read_statements_body(xreq):
    """(statements, attachment parts) from a JSON or multipart/mixed body."""
    if xreq.mimetype == "application/json":
        return json_body(xreq), {}
    if xreq.mimetype == "multipart/mixed":
        from xapi.lrs.multipart import read_multipart_statements

        return read_multipart_statements(xreq)
    raise bad_request("Statements must be sent as application/json or multipart/mixed.")


def put_statement():
    xreq = current()
    require_write(g.xapi_principal)
    check_params(xreq, {"statementId"}, ("statementId",))
    statement_id = xreq.args["statementId"]
    if problem := check_uuid(statement_id):
        raise bad_request(f"statementId {problem}.", "statementId")
    statement, parts = _read_statements_body(xreq)
    if not isinstance(statement, dict):
        raise bad_request("PUT takes exactly one statement (a JSON object).")
    if "id" in statement and str(statement["id"]).lower() != statement_id.lower():
        raise bad_request("The statement's id differs from the statementId parameter.", "statement.id")
    statement = {**statement, "id": statement_id.lower()}
    services.store_statements(services.StoreRequest([statement], g.xapi_principal.authority, xreq.version, parts))
    return json_response(None, 204, text="")


def post_statements():
    xreq = current()
    require_write(g.xapi_principal)
    check_params(xreq, set())
    body, parts = _read_statements_body(xreq)
    batch = body if isinstance(body, list) else [body]
    if not batch:
        return json_response([])
    ids = services.store_statements(services.StoreRequest(batch, g.xapi_principal.authority, xreq.version, parts))
    return json_response(ids)


def get_statements():
    xreq = current()
    if "more" in xreq.args:
        check_params(xreq, {"more"})
        args, after = _decode_more(xreq.args["more"])
    else:
        args, after = xreq.args, None
    fmt = args.get("format", "exact")
    if fmt not in ("exact", "ids", "canonical"):
        raise bad_request("format must be ids, exact or canonical.", "format")
    with_attachments = param_bool(_with_args(xreq, args), "attachments")
    if "statementId" in args or "voidedStatementId" in args:
        return _get_single(_with_args(xreq, args), fmt, with_attachments)
    return _get_many(_with_args(xreq, args), after, fmt, with_attachments)


def _with_args(xreq, args):
    return type(xreq)(xreq.method, args, xreq.headers, xreq.body)


def _get_single(xreq, fmt: str, with_attachments: bool):
    check_params(xreq, SINGLE_PARAMS)
    if "statementId" in xreq.args and "voidedStatementId" in xreq.args:
        raise bad_request("Give statementId or voidedStatementId, not both.")
    voided = "voidedStatementId" in xreq.args
    name = "voidedStatementId" if voided else "statementId"
    if problem := check_uuid(xreq.args[name]):
        raise bad_request(f"{name} {problem}.", name)
    row = queries.get_statement(xreq.args[name], voided=voided)
    if row is None:
        raise RecordNotFoundError(f"No {'voided ' if voided else ''}statement with id {xreq.args[name]}.")
    own = g.xapi_principal.own_agent
    if own is not None and agent_hash(own) not in _agents_of(row.payload):
        raise PermissionDeniedError("You may only read your own statements.")
    text = render_statement(row.payload, fmt, xreq.headers.get("Accept-Language"), _definitions([row], fmt))
    return _statements_response([row], text, with_attachments, row.stored)


def _definitions(rows, fmt: str) -> dict[str, dict]:
    if fmt != "canonical":
        return {}
    ids = {a["id"] for row in rows for a in activities_of(json.loads(row.payload)) if "id" in a}
    return queries.activity_definitions(ids)


def _agents_of(payload: str) -> set[str]:
    return {h for _, h in statement_links(json.loads(payload))}


def _get_many(xreq, after, fmt: str, with_attachments: bool):
    check_params(xreq, QUERY_PARAMS)
    query = _parse_query(xreq, after)
    rows, has_more = queries.query_statements(query)
    more = ""
    if has_more:
        more = "/xapi/statements?more=" + _encode_more(xreq.args, rows[-1].stored, rows[-1].seq)
    accept_language = xreq.headers.get("Accept-Language")
    definitions = _definitions(rows, fmt)
    body = ",".join(render_statement(row.payload, fmt, accept_language, definitions) for row in rows)
    text = '{"statements":[' + body + '],"more":' + json.dumps(more) + "}"
    newest = max((row.stored for row in rows), default=utcnow())
    return _statements_response(rows, text, with_attachments, newest)


def _statements_response(rows, text: str, with_attachments: bool, last_modified: datetime):
    if with_attachments:
        from xapi.lrs.multipart import multipart_statements_response

        response = multipart_statements_response(text, rows)
    else:
        response = json_response(None, text=text)
    response.headers["Last-Modified"] = http_date(last_modified)
    return response


def _parse_query(xreq, after) -> queries.StatementQuery:
    values = {}
    own = g.xapi_principal.own_agent
    if "agent" in xreq.args:
        agent = param_json(xreq, "agent")
        if errors := agent_errors(agent):
            raise bad_request("agent is not a valid Agent or Identified Group: "
                              + "; ".join(f"{f}: {m}" for f, m in errors), "agent")
        values["agent_hash"] = agent_hash(agent)
        if values["agent_hash"] is None:
            raise bad_request("agent must carry an inverse functional identifier.", "agent")
    if own is not None:
        own_hash = agent_hash(own)
        if values.setdefault("agent_hash", own_hash) != own_hash:
            raise PermissionDeniedError("You may only read your own statements.")
    for name, builder in (("verb", verb_hash), ("activity", activity_hash)):
        if name in xreq.args:
            if problem := check_iri(xreq.args[name]):
                raise bad_request(f"{name} {problem}.", name)
            values[f"{name}_hash"] = builder(xreq.args[name])
    if "registration" in xreq.args:
        if problem := check_uuid(xreq.args["registration"]):
            raise bad_request(f"registration {problem}.", "registration")
        values["registration"] = xreq.args["registration"]
    limit = xreq.args.get("limit", "0")
    if not limit.isdigit():
        raise bad_request("limit must be a non-negative integer.", "limit")
    return queries.StatementQuery(
        **values, related_agents=param_bool(xreq, "related_agents"),
        related_activities=param_bool(xreq, "related_activities"),
        since=param_timestamp(xreq, "since"), until=param_timestamp(xreq, "until"),
        limit=min(int(limit), MAX_LIMIT) or MAX_LIMIT, ascending=param_bool(xreq, "ascending"), after=after)


def _encode_more(args: MultiDict, stored: datetime, seq: int) -> str:
    # The cursor carries the query and the position (stored, seq) of the last statement shown, so
    # the next page is the same whatever is stored meanwhile, and no server-side state is kept.
    token = json.dumps({"a": list(args.items(multi=True)), "s": stored.isoformat(), "q": seq})
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def _decode_more(token: str):
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return MultiDict(data["a"]), (datetime.fromisoformat(data["s"]), int(data["q"]))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise bad_request("The more token is not one this LRS issued.", "more") from None

