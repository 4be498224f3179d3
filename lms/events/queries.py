"""Read side of the event log (audit trail pages and reports)."""
from __future__ import annotations

from lms.events.models import DomainEvent
from lms.extensions import db


def for_object(object_type: str, object_id: int) -> list[DomainEvent]:
    stmt = (db.select(DomainEvent).where(DomainEvent.object_type == object_type,
                                         DomainEvent.object_id == object_id)
            .order_by(DomainEvent.occurred_at, DomainEvent.id))
    return list(db.session.execute(stmt).scalars())


def for_employee(employee_id: int, kinds: tuple[str, ...] = ()) -> list[DomainEvent]:
    stmt = db.select(DomainEvent).where(DomainEvent.employee_id == employee_id)
    if kinds:
        stmt = stmt.where(DomainEvent.kind.in_(kinds))
    return list(db.session.execute(stmt.order_by(DomainEvent.occurred_at, DomainEvent.id)).scalars())
