"""When two statements are "the same" (xAPI 1.0.3 Data 2.3.1, Statement Comparison Requirements),
and the one storage normalisation the specification asks of the LRS.

Used for a statement id sent again (identical: 204/200, different: 409) and for a signed
statement (the JWS payload must be the statement received). Differences the LRS itself could have
caused are ignored: id, timestamp and version when one side lacks them (the LRS fills them in),
authority and stored always, the serialisation of timestamps, the order of a group's members,
a single context activity versus an array of one, the case of an e-mail domain, of a UUID and of
a SHA-1 hex digest. Everything else is compared exactly: IRIs, names and durations are
case-sensitive strings.
"""
from __future__ import annotations

import json

from xapi.validation.formats import format_timestamp, parse_timestamp
from xapi.validation.statements import SIGNATURE_USAGE

_FILLED_BY_LRS = ("id", "timestamp", "version")
_SET_BY_LRS = ("authority", "stored")


def normalize_mbox(mbox: str) -> str:
    """mailto: and the domain are case-insensitive, the local part is not (RFC 5321)."""
    scheme, colon, address = mbox.partition(":")
    local, at, domain = address.rpartition("@")
    if not (colon and at):
        return mbox
    return f"{scheme.lower()}:{local}@{domain.lower()}"


def context_activities_as_arrays(statement: dict) -> dict:
    """The statement with every contextActivities value as an array (also in a sub-statement).

    1.0.3 Data 2.4.6.2: the LRS MUST return every value of contextActivities as an array, even
    when it was sent as a single Activity object. Returns the same dict when nothing changes.
    """
    changed = dict(statement)
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    if isinstance(activities, dict) and not all(isinstance(v, list) for v in activities.values()):
        changed["context"] = {**context, "contextActivities": {
            key: value if isinstance(value, list) else [value] for key, value in activities.items()}}
    obj = statement.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        sub = context_activities_as_arrays(obj)
        if sub is not obj:
            changed["object"] = sub
    if changed.get("context") is statement.get("context") and changed.get("object") is statement.get("object"):
        return statement
    return changed


def _instant(value):
    try:
        return format_timestamp(parse_timestamp(value))
    except ValueError:
        return value


def _canonical(value, key: str = ""):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "extensions":
                out[k] = v  # extension values are the sender's own data: compared as sent
                continue
            if k == "mbox" and isinstance(v, str):
                v = normalize_mbox(v)
            elif k == "mbox_sha1sum" and isinstance(v, str):
                v = v.lower()
            elif k in ("registration", "timestamp") and isinstance(v, str):
                v = v.lower() if k == "registration" else _instant(v)
            elif k == "contextActivities" and isinstance(v, dict):
                v = {name: item if isinstance(item, list) else [item] for name, item in v.items()}
            out[k] = _canonical(v, k)
        if out.get("objectType") == "StatementRef" and isinstance(out.get("id"), str):
            out["id"] = out["id"].lower()
        if isinstance(out.get("member"), list):
            out["member"] = sorted(out["member"], key=lambda m: json.dumps(m, sort_keys=True))
        return out
    if isinstance(value, list):
        return [_canonical(v, key) for v in value]
    return value


def _comparable(statement: dict, other: dict) -> dict:
    out = _canonical(statement)
    for key in _SET_BY_LRS:
        out.pop(key, None)
    for key in _FILLED_BY_LRS:
        if key not in statement or key not in other:
            out.pop(key, None)
    if isinstance(out.get("id"), str):
        out["id"] = out["id"].lower()
    if isinstance(out.get("attachments"), list):
        # A signature is added after signing, so it is never part of what was signed.
        kept = [a for a in out["attachments"] if not (isinstance(a, dict) and a.get("usageType") == SIGNATURE_USAGE)]
        if kept:
            out["attachments"] = kept
        else:
            out.pop("attachments")
    return out


def statements_equivalent(a: dict, b: dict) -> bool:
    return _comparable(a, b) == _comparable(b, a)
