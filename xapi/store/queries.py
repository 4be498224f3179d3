"""Reading statements: by id, and the filtered, paged query of the Statements resource.

The filters are set-based: agents and activities through the link table, verbs and registrations
through indexed columns, and statements that point (StatementRef) at a match are added by a
recursive CTE, as the spec's "filter conditions for StatementRefs" require.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

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
