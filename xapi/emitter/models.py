"""The outbox: every statement the platform emits, written in the transaction of the change that
caused it, and its delivery state towards the external LRS."""
from __future__ import annotations

import sqlalchemy as sa

from lms.db import TZDateTime, utcnow
from lms.extensions import db

PENDING, DELIVERED, FAILED, LOCAL = "pending", "delivered", "failed", "local"


class OutboxEntry(db.Model):
    __tablename__ = "xapi_outbox"
    __table_args__ = (sa.Index("ix_xapi_outbox_status_next", "status", "next_attempt_at"),)

    id = sa.Column(sa.Integer, primary_key=True)
    statement_id = sa.Column(sa.String(36), nullable=False, unique=True)
    event = sa.Column(sa.String(40), nullable=False)
    payload = sa.Column(sa.Text, nullable=False)
    # pending: to forward · delivered: the remote LRS has it · failed: gave up (replayable) ·
    # local: no remote LRS configured when it was written.
    status = sa.Column(sa.String(16), nullable=False, default=PENDING)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    last_error = sa.Column(sa.String(500), nullable=True)
    next_attempt_at = sa.Column(TZDateTime(), nullable=True)
    delivered_at = sa.Column(TZDateTime(), nullable=True)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
