"""How the LRS names agents and activities for indexing: canonical identity strings and their hashes.

Two agents are the same when they share an inverse functional identifier, so the index key of an
agent is its one IFI, written the same way whatever else the JSON holds.
"""
from __future__ import annotations

import functools
import hashlib

from xapi.store.comparison import normalize_mbox
from xapi.store.models import LINK_ACTIVITY, LINK_AGENT, LINK_RELATED_ACTIVITY, LINK_RELATED_AGENT


@functools.lru_cache(maxsize=65536)
def key_hash(text: str) -> str:
    # Cached: a batch names the same few agents, verbs and activities over and over.
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def agent_key(agent: dict) -> str | None:
    # Compared as the spec says: an e-mail's domain is case-insensitive but its local part is
    # not; a SHA-1 is hex (either case); openid and account homePage are IRIs and account names
    # plain strings, all case-sensitive.
    if "mbox" in agent:
        return "mbox|" + normalize_mbox(agent["mbox"])
    if "mbox_sha1sum" in agent:
        return "mbox_sha1sum|" + agent["mbox_sha1sum"].lower()
    if "openid" in agent:
        return "openid|" + agent["openid"]
    if "account" in agent:
        return "account|" + agent["account"]["homePage"] + "|" + agent["account"]["name"]
    return None


def agent_hash(agent: dict) -> str | None:
    key = agent_key(agent)
    return key_hash(key) if key else None


def activity_hash(activity_id: str) -> str:
    return key_hash("activity|" + activity_id)


def verb_hash(verb_id: str) -> str:
    return key_hash("verb|" + verb_id)


def _agent_links(agent: dict | None, kind: int, out: set) -> None:
    """An agent or group, and the members of a group (members only count as related).

    A direct link is not repeated as a related one: a query with related_agents=true looks for
    both kinds, so the repeat would only cost an index entry per statement."""
    if not isinstance(agent, dict):
        return
    h = agent_hash(agent)
    if h:
        out.add((kind, h))
    for member in agent.get("member") or ():
        _agent_links(member, LINK_RELATED_AGENT, out)


def _context_links(context: dict | None, out: set) -> None:
    if not context:
        return
    _agent_links(context.get("instructor"), LINK_RELATED_AGENT, out)
    _agent_links(context.get("team"), LINK_RELATED_AGENT, out)
    for item in context.get("contextAgents") or ():
        _agent_links(item.get("agent"), LINK_RELATED_AGENT, out)
    for item in context.get("contextGroups") or ():
        _agent_links(item.get("group"), LINK_RELATED_AGENT, out)
    for activities in (context.get("contextActivities") or {}).values():
        for activity in activities if isinstance(activities, list) else [activities]:
            out.add((LINK_RELATED_ACTIVITY, activity_hash(activity["id"])))


def statement_links(statement: dict, *, top: bool = True) -> set[tuple[int, str]]:
    """Every (kind, hash) the statement is found by; a sub-statement's parts are only related."""
    out: set[tuple[int, str]] = set()
    direct_agent = LINK_AGENT if top else LINK_RELATED_AGENT
    direct_activity = LINK_ACTIVITY if top else LINK_RELATED_ACTIVITY
    _agent_links(statement.get("actor"), direct_agent, out)
    obj = statement.get("object") or {}
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out.add((direct_activity, activity_hash(obj["id"])))
    elif kind in ("Agent", "Group"):
        _agent_links(obj, direct_agent, out)
    elif kind == "SubStatement":
        out |= statement_links(obj, top=False)
    _context_links(statement.get("context"), out)
    if top:
        _agent_links(statement.get("authority"), LINK_RELATED_AGENT, out)
    return out
