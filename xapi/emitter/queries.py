"""Reading the outbox: what is due for forwarding, counts by status, the admin listing."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from lms.extensions import db
from xapi.emitter.models import PENDING, OutboxEntry


def due_entry_ids(now: datetime, limit: int = 500) -> list[int]:
    return list(db.session.execute(sa.select(OutboxEntry.id).where(
        OutboxEntry.status == PENDING, OutboxEntry.next_attempt_at <= now,
    ).order_by(OutboxEntry.id).limit(limit)).scalars())


def status_counts() -> dict[str, int]:
    rows = db.session.execute(sa.select(OutboxEntry.status, sa.func.count()).group_by(OutboxEntry.status))
    return {status: count for status, count in rows}


def oldest_undelivered_failure() -> datetime | None:
    """When the oldest entry that has already failed at least once was written (None: all is well)."""
    return db.session.execute(sa.select(sa.func.min(OutboxEntry.created_at)).where(
        OutboxEntry.status == PENDING, OutboxEntry.attempts > 0)).scalar()


def list_entries(status: str | None, page: int, per_page: int = 50):
    stmt = sa.select(OutboxEntry).order_by(OutboxEntry.id.desc())
    if status:
        stmt = stmt.where(OutboxEntry.status == status)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
