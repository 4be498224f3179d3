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


def outbox_page(page: int, per_page: int = 50):
    from lms.people.queries import Page

    page = max(1, page)
    total = db.session.execute(db.select(db.func.count(Notification.id))).scalar_one()
    stmt = (db.select(Notification).options(db.joinedload(Notification.employee))
            .order_by(Notification.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return Page(list(db.session.execute(stmt).scalars()), total, page, per_page)


def unread_count(employee_id: int) -> int:
    return db.session.execute(db.select(db.func.count(Notification.id)).where(
        Notification.employee_id == employee_id, Notification.read_at.is_(None))).scalar_one()
