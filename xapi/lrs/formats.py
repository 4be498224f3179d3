"""The three statement formats of a GET: exact (as stored), ids (identifiers only) and canonical
(one language per language map, chosen from Accept-Language)."""
from __future__ import annotations

import json

from xapi.jsontext import dumps

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
LANGUAGE_MAP_KEYS = ("display", "name", "description")


def _agent_ids(agent: dict) -> dict:
    out = {k: agent[k] for k in ("objectType",) + IFI_KEYS if k in agent}
    if agent.get("objectType") == "Group" and not any(k in agent for k in IFI_KEYS):
        out["member"] = [_agent_ids(m) for m in agent.get("member", ())]
    return out


def _activity_ids(activity: dict) -> dict:
    return {k: activity[k] for k in ("objectType", "id") if k in activity}


def _object_ids(obj: dict) -> dict:
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return _activity_ids(obj)
    if kind in ("Agent", "Group"):
        return _agent_ids(obj)
    if kind == "SubStatement":
        return ids_format(obj)
    return obj


def ids_format(statement: dict) -> dict:
    out = dict(statement)
    out["actor"] = _agent_ids(statement["actor"])
    out["verb"] = {"id": statement["verb"]["id"]}
    out["object"] = _object_ids(statement["object"])
    if "authority" in statement:
        out["authority"] = _agent_ids(statement["authority"])
    if "context" in statement:
        context = dict(statement["context"])
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _agent_ids(context[key])
        if "contextActivities" in context:
            context["contextActivities"] = {
                key: [_activity_ids(a) for a in value] if isinstance(value, list) else _activity_ids(value)
                for key, value in context["contextActivities"].items()}
        out["context"] = context
    return out


def accepted_languages(header: str | None) -> list[str]:
    ranked = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        if not tag:
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, i, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


def _pick(language_map: dict, wanted: list[str]) -> dict:
    lowered = {k.lower(): k for k in language_map}
    for tag in wanted:
        if tag == "*":
            break
        if tag in lowered:
            return {lowered[tag]: language_map[lowered[tag]]}
        for key_lower, key in lowered.items():
            if key_lower.split("-")[0] == tag.split("-")[0]:
                return {key: language_map[key]}
    first = next(iter(language_map))
    return {first: language_map[first]}


def canonical_format(value, wanted: list[str]):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if (key in LANGUAGE_MAP_KEYS and isinstance(item, dict) and item
                    and all(isinstance(v, str) for v in item.values())):
                out[key] = _pick(item, wanted)
            else:
                out[key] = canonical_format(item, wanted)
        return out
    if isinstance(value, list):
        return [canonical_format(v, wanted) for v in value]
    return value


def activities_of(statement: dict):
    """Every Activity object of a statement: its object, context activities, and the same in a sub-statement."""
    obj = statement.get("object") or {}
    if obj.get("objectType", "Activity") == "Activity":
        yield obj
    elif obj.get("objectType") == "SubStatement":
        yield from activities_of(obj)
    for items in ((statement.get("context") or {}).get("contextActivities") or {}).values():
        yield from items if isinstance(items, list) else [items]


def render_statement(payload: str, fmt: str, accept_language: str | None,
                     definitions: dict[str, dict] | None = None) -> str:
    """JSON text of one stored statement in the asked format (exact needs no parsing at all).

    canonical: activity definitions are replaced by the LRS's canonical ones (`definitions`, by
    activity id), then every language map is narrowed to the best language for Accept-Language.
    """
    if fmt == "exact":
        return payload
    statement = json.loads(payload)
    if fmt == "ids":
        statement = ids_format(statement)
    else:
        for activity in activities_of(statement):
            if activity.get("id") in (definitions or {}):
                activity["definition"] = definitions[activity["id"]]
        statement = canonical_format(statement, accepted_languages(accept_language))
    return dumps(statement)
