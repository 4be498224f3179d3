"""Reading statements: by id, and the filtered, paged query of the Statements resource.

The filters are set-based: agents and activities through the link table, verbs and registrations
through indexed columns, and statements that point (StatementRef) at a match are added by a
recursive CTE, as the spec's "filter conditions for StatementRefs" require.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from lms.db import utcnow
from lms.extensions import db
from xapi.store.models import (
    LINK_ACTIVITY, LINK_AGENT, LINK_RELATED_ACTIVITY, LINK_RELATED_AGENT, Activity, Statement, StatementLink,
)


@dataclass(frozen=True)
class StatementQuery:
    agent_hash: str | None = None
    verb_hash: str | None = None
    activity_hash: str | None = None
    registration: str | None = None
    related_agents: bool = False
    related_activities: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    ascending: bool = False
    # (stored, seq) of the last statement of the previous page.
    after: tuple[datetime, int] | None = None


def get_statement(statement_id: str, *, voided: bool) -> Statement | None:
    """The statement with that id when its voided state is the one asked for (the spec's 404 rule)."""
    row = db.session.execute(sa.select(Statement).where(
        Statement.statement_id == statement_id.lower())).scalar_one_or_none()
    if row is None or row.voided != voided:
        return None
    return row


def _linked(kind: int, related_kind: int, related: bool, h: str):
    kinds = [kind, related_kind] if related else [kind]
    return Statement.seq.in_(sa.select(StatementLink.statement_seq).where(
        StatementLink.key_hash == h, StatementLink.kind.in_(kinds)))


def query_statements(q: StatementQuery) -> tuple[list[Statement], bool]:
    """One page of matching statements and whether there are more."""
    conditions = []
    if q.agent_hash:
        conditions.append(_linked(LINK_AGENT, LINK_RELATED_AGENT, q.related_agents, q.agent_hash))
    if q.activity_hash:
        conditions.append(_linked(LINK_ACTIVITY, LINK_RELATED_ACTIVITY, q.related_activities, q.activity_hash))
    if q.verb_hash:
        conditions.append(Statement.verb_hash == q.verb_hash)
    if q.registration:
        conditions.append(Statement.registration == q.registration.lower())
    stmt = sa.select(Statement).where(Statement.voided.is_(False))
    if conditions:
        matched = sa.select(Statement.statement_id.label("sid")).where(*conditions).cte("matched", recursive=True)
        referrer = aliased(Statement)
        matched = matched.union(
            sa.select(referrer.statement_id).join(matched, referrer.ref_statement_id == matched.c.sid))
        stmt = stmt.where(Statement.statement_id.in_(sa.select(matched.c.sid)))
    if q.since:
        stmt = stmt.where(Statement.stored > q.since)
    if q.until:
        stmt = stmt.where(Statement.stored <= q.until)
    position = sa.tuple_(Statement.stored, Statement.seq)
    if q.after:
        stmt = stmt.where(position > q.after if q.ascending else position < q.after)
    order = (Statement.stored.asc(), Statement.seq.asc()) if q.ascending else (Statement.stored.desc(),
                                                                              Statement.seq.desc())
    rows = db.session.execute(stmt.order_by(*order).limit(q.limit + 1)).scalars().all()
    return rows[:q.limit], len(rows) > q.limit


def get_activity_definition(h: str) -> Activity | None:
    return db.session.get(Activity, h)


def activity_definitions(activity_ids: set[str]) -> dict[str, dict]:
    """Canonical definitions by activity id, in one query (for format=canonical)."""
    if not activity_ids:
        return {}
    from xapi.store.identity import activity_hash

    rows = db.session.execute(sa.select(Activity.activity_id, Activity.definition).where(
        Activity.id_hash.in_([activity_hash(i) for i in activity_ids])))
    return {activity_id: json.loads(definition) for activity_id, definition in rows}


# X-Experience-API-Consistent-Through promises that every statement stored before it is returned
# by queries. `stored` is taken when a statement is inserted, but the row only becomes visible when
# its transaction commits, so "now" would break the promise for writes in flight.
# - PostgreSQL shows when the oldest transaction that has written anything began; a statement of a
#   transaction in flight cannot have a `stored` earlier than that (CLOCK_MARGIN covers a database
#   clock slightly ahead of the application's).
# - SQLite cannot show other connections' transactions, but it has one writer at a time, and
#   services._insert takes the write lock before it reads the clock for `stored`; a statement is
#   then in flight only from that moment to its commit, which for a statements request is a few
#   milliseconds. SQLITE_WRITE_MARGIN bounds that window generously (an emitter write inside a
#   longer business request included); the value is now minus that margin.
CLOCK_MARGIN = timedelta(seconds=1)
SQLITE_WRITE_MARGIN = timedelta(seconds=2)


def consistent_through() -> datetime:
    now = utcnow()
    if db.session.get_bind().dialect.name != "postgresql":
        return now - SQLITE_WRITE_MARGIN
    oldest = db.session.execute(sa.text(
        "SELECT min(xact_start) FROM pg_stat_activity "
        "WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()")).scalar()
    return min(now, oldest or now) - CLOCK_MARGIN


# --- the Agents resource: a Person ---------------------------------------------------------------

PERSON_STATEMENTS = 100
_IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


def _agents_in(value, wanted: str, agent_hash):
    """Every agent object in a statement's JSON whose identity hash is `wanted` (extensions skipped)."""
    if isinstance(value, dict):
        if any(k in value for k in _IFI_KEYS) and agent_hash(value) == wanted:
            yield value
        for key, item in value.items():
            if key != "extensions":
                yield from _agents_in(item, wanted, agent_hash)
    elif isinstance(value, list):
        for item in value:
            yield from _agents_in(item, wanted, agent_hash)


def _seen_hashes(hashes: list[str]) -> set[str]:
    if not hashes:
        return set()
    return set(db.session.execute(sa.select(StatementLink.key_hash).where(
        StatementLink.key_hash.in_(hashes)).distinct()).scalars())


def person(agent: dict, directory_agents: list[dict]) -> dict:
    """The Person object for `agent` (xAPI Communication 2.4): every property an array.

    It merges the agent's own identifier and name, the names it goes by in its newest stored
    statements, and the other identifiers of the same person known to the platform's directory
    (`directory_agents`, e.g. an employee's account and e-mail) -- each of those only when some
    stored statement already uses it, so the resource reveals no identifier the LRS does not hold.
    """
    from xapi.store.identity import agent_hash

    own = agent_hash(agent)
    others = [a for a in directory_agents if agent_hash(a) != own]
    seen = _seen_hashes([agent_hash(a) for a in others])
    identities = [agent] + [a for a in others if agent_hash(a) in seen]
    names = [agent["name"]] if isinstance(agent.get("name"), str) else []
    payloads = db.session.execute(sa.select(Statement.payload).where(
        Statement.seq.in_(sa.select(StatementLink.statement_seq).where(
            StatementLink.key_hash.in_([agent_hash(a) for a in identities]),
            StatementLink.kind.in_([LINK_AGENT, LINK_RELATED_AGENT]))))
        .order_by(Statement.seq.desc()).limit(PERSON_STATEMENTS)).scalars()
    for payload in payloads:
        statement = json.loads(payload)
        for identity in identities:
            names += [a["name"] for a in _agents_in(statement, agent_hash(identity), agent_hash)
                      if isinstance(a.get("name"), str)]
    result = {"objectType": "Person"}
    if names:
        result["name"] = list(dict.fromkeys(names))
    for key in _IFI_KEYS:
        values = [a[key] for a in identities if key in a]
        if values:
            result[key] = list({json.dumps(v, sort_keys=True): v for v in values}.values())
    return result
