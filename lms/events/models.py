"""The event log: one row per state change, written in the same transaction as the change."""
import sqlalchemy as sa

from lms.db import TZDateTime, utcnow
from lms.extensions import db


class DomainEvent(db.Model):
    __tablename__ = "domain_events"

    id = sa.Column(sa.Integer, primary_key=True)
    occurred_at = sa.Column(TZDateTime(), nullable=False, default=utcnow, index=True)
    kind = sa.Column(sa.String(60), nullable=False, index=True)          # e.g. "enrollment.waitlisted"
    actor_user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=True, index=True)
    object_type = sa.Column(sa.String(60), nullable=False, default="")
    object_id = sa.Column(sa.Integer, nullable=True)
    payload = sa.Column(sa.JSON, nullable=False, default=dict)

    __table_args__ = (sa.Index("ix_domain_events_object", "object_type", "object_id"),)
