"""Recording domain events and handing them to subscribers inside the same transaction.

A service calls `record_event("enrollment.completed", employee=..., obj=enrollment, hours=6)`.
The row is the audit trail; subscribers (the xAPI emitter, notifications) run synchronously so that
their writes commit or roll back together with the change itself. Subscribers are registered by the
package that owns them (the core never needs to know the training domain).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from flask import has_request_context
from flask_login import current_user

from lms.db import utcnow
from lms.events.models import DomainEvent
from lms.extensions import db

Subscriber = Callable[[DomainEvent], None]
_SUBSCRIBERS: list[tuple[str, Subscriber]] = []


def subscribe(prefix: str, fn: Subscriber) -> Subscriber:
    """Call `fn(event)` for every event whose kind starts with `prefix` ("" = all). Idempotent."""
    if (prefix, fn) not in _SUBSCRIBERS:
        _SUBSCRIBERS.append((prefix, fn))
    return fn


def _actor_id() -> int | None:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return None


def record_event(kind: str, *, employee=None, obj: Any = None, actor_user_id: int | None = None,
                 occurred_at: datetime | None = None, **payload: Any) -> DomainEvent:
    """`occurred_at` defaults to now; imports of past results pass the time the learning happened."""
    event = DomainEvent(
        kind=kind,
        occurred_at=occurred_at or utcnow(),
        actor_user_id=actor_user_id if actor_user_id is not None else _actor_id(),
        employee_id=getattr(employee, "id", employee),
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        payload=payload,
    )
    db.session.add(event)
    db.session.flush()
    for prefix, fn in list(_SUBSCRIBERS):
        if kind.startswith(prefix):
            fn(event)
    return event
