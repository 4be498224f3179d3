"""The document resources (State, Activity Profile, Agent Profile) and the Activities and Agents
(Person) resources."""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Response, g
from werkzeug.http import http_date

from lms.errors import RecordNotFoundError
from xapi.lrs.blueprint import ALL_METHODS, bp, dispatch, json_response
from xapi.lrs.protocol import (
    bad_request, check_params, current, param_json, param_timestamp, require_client, require_write,
)
from xapi.store import documents, queries
from xapi.store.identity import activity_hash, agent_hash
from xapi.validation.formats import check_iri, check_uuid
from xapi.validation.statements import agent_errors


@dataclass(frozen=True)
class DocumentResource:
    kind: str
    id_param: str
    key_params: tuple[str, ...]
    optional_params: tuple[str, ...] = ()
    # xAPI 1.0.3 exempts the State resource from the 409-without-precondition rule; 2.0.0 does not.
    concurrency_in_v1: bool = True


STATE = DocumentResource(documents.STATE, "stateId", ("activityId", "agent"), ("registration",), False)
ACTIVITY_PROFILE = DocumentResource(documents.ACTIVITY_PROFILE, "profileId", ("activityId",))
AGENT_PROFILE = DocumentResource(documents.AGENT_PROFILE, "profileId", ("agent",))


def _agent_param(xreq) -> str:
    agent = param_json(xreq, "agent")
    if errors := agent_errors(agent):
        raise bad_request("agent is not a valid Agent: " + "; ".join(f"{f}: {m}" for f, m in errors), "agent")
    h = agent_hash(agent)
    if h is None:
        raise bad_request("agent must carry an inverse functional identifier.", "agent")
    return h


def _activity_param(xreq) -> str:
    if problem := check_iri(xreq.args["activityId"]):
        raise bad_request(f"activityId {problem}.", "activityId")
    return activity_hash(xreq.args["activityId"])


def _scope(xreq, resource: DocumentResource, *, extra: set[str], id_required: bool) -> documents.DocumentScope:
    require_client(g.xapi_principal)
    allowed = set(resource.key_params) | set(resource.optional_params) | {resource.id_param} | extra
    check_params(xreq, allowed, resource.key_params + ((resource.id_param,) if id_required else ()))
    values = {}
    if "activityId" in resource.key_params:
        values["activity_hash"] = _activity_param(xreq)
    if "agent" in resource.key_params:
        values["agent_hash"] = _agent_param(xreq)
    if "registration" in xreq.args:
        if problem := check_uuid(xreq.args["registration"]):
            raise bad_request(f"registration {problem}.", "registration")
        values["registration"] = xreq.args["registration"].lower()
    return documents.DocumentScope(resource.kind, **values)


def _preconditions(xreq, resource: DocumentResource, *, put: bool) -> documents.Preconditions:
    required = put and (resource.concurrency_in_v1 or xreq.v2)
    return documents.Preconditions(xreq.headers.get("If-Match"), xreq.headers.get("If-None-Match"), required)


def _handlers(resource: DocumentResource) -> dict:
    def get():
        xreq = current()
        if resource.id_param not in xreq.args:
            scope = _scope(xreq, resource, extra={"since"}, id_required=False)
            return json_response(documents.list_document_ids(scope, param_timestamp(xreq, "since")))
        scope = _scope(xreq, resource, extra=set(), id_required=True)
        document = documents.get_document(scope, xreq.args[resource.id_param])
        if document is None:
            raise RecordNotFoundError(f"No document with {resource.id_param} {xreq.args[resource.id_param]!r}.")
        response = Response(document.content, status=200, content_type=document.content_type)
        response.headers["ETag"] = document.etag
        response.headers["Last-Modified"] = http_date(document.updated)
        return response

    def write(merge: bool):
        xreq = current()
        require_write(g.xapi_principal)
        scope = _scope(xreq, resource, extra=set(), id_required=True)
        content_type = xreq.headers.get("Content-Type") or "application/octet-stream"
        document = documents.save_document(scope, xreq.args[resource.id_param], xreq.body, content_type,
                                           _preconditions(xreq, resource, put=not merge), merge=merge)
        response = Response(status=204)
        response.headers["ETag"] = document.etag
        return response

    def delete():
        xreq = current()
        require_write(g.xapi_principal)
        single = resource.id_param in xreq.args or resource is not STATE
        scope = _scope(xreq, resource, extra=set(), id_required=single)
        if single:
            documents.delete_document(scope, xreq.args[resource.id_param], _preconditions(xreq, resource, put=False))
        else:
            documents.delete_documents(scope)
        return Response(status=204)

    return {"GET": get, "PUT": lambda: write(False), "POST": lambda: write(True), "DELETE": delete}


_STATE_HANDLERS = _handlers(STATE)
_ACTIVITY_PROFILE_HANDLERS = _handlers(ACTIVITY_PROFILE)
_AGENT_PROFILE_HANDLERS = _handlers(AGENT_PROFILE)


@bp.route("/activities/state", methods=ALL_METHODS, strict_slashes=False)
def state():
    return dispatch(_STATE_HANDLERS)


@bp.route("/activities/profile", methods=ALL_METHODS, strict_slashes=False)
def activity_profile():
    return dispatch(_ACTIVITY_PROFILE_HANDLERS)


@bp.route("/agents/profile", methods=ALL_METHODS, strict_slashes=False)
def agent_profile():
    return dispatch(_AGENT_PROFILE_HANDLERS)


def _get_activity():
    xreq = current()
    require_client(g.xapi_principal)
    check_params(xreq, {"activityId"}, ("activityId",))
    activity = {"objectType": "Activity", "id": xreq.args["activityId"]}
    row = queries.get_activity_definition(_activity_param(xreq))
    if row is not None:
        activity["definition"] = json.loads(row.definition)
    return json_response(activity)


def _get_person():
    xreq = current()
    require_client(g.xapi_principal)
    check_params(xreq, {"agent"}, ("agent",))
    _agent_param(xreq)
    agent = param_json(xreq, "agent")
    if agent.get("objectType") == "Group":
        raise bad_request("agent must be an Agent: the Agents resource describes a person.", "agent")
    from xapi.emitter.actors import directory_agents

    return json_response(queries.person(agent, directory_agents(agent)))


@bp.route("/activities", methods=ALL_METHODS, strict_slashes=False)
def activities():
    return dispatch({"GET": _get_activity})


@bp.route("/agents", methods=ALL_METHODS, strict_slashes=False)
def agents():
    return dispatch({"GET": _get_person})
