"""Read side of notifications."""
from __future__ import annotations

from lms.extensions import db
from lms.notifications.models import Notification


def unsent_ids(limit: int = 500) -> list[int]:
    stmt = (db.select(Notification.id).where(Notification.sent_at.is_(None), Notification.attempts < 10)
            .order_by(Notification.id).limit(limit))
    return list(db.session.execute(stmt).scalars())


def for_employee(employee_id: int, limit: int = 50) -> list[Notification]:
    stmt = (db.select(Notification).where(Notification.employee_id == employee_id)
            .order_by(Notification.created_at.desc()).limit(limit))
    return list(db.session.execute(stmt).scalars())
