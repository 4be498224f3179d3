"""The notification outbox: a row per message, marked sent once delivered."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from lms.db import TZDateTime, utcnow
from lms.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"

    id = sa.Column(sa.Integer, primary_key=True)
    employee_id = sa.Column(sa.Integer, sa.ForeignKey("employees.id"), nullable=False, index=True)
    kind = sa.Column(sa.String(40), nullable=False, default="message")
    subject = sa.Column(sa.String(200), nullable=False)
    body = sa.Column(sa.Text, nullable=False, default="")
    link = sa.Column(sa.String(400), nullable=True)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    sent_at = sa.Column(TZDateTime(), nullable=True, index=True)
    read_at = sa.Column(TZDateTime(), nullable=True)
    attempts = sa.Column(sa.Integer, nullable=False, default=0)
    last_error = sa.Column(sa.String(400), nullable=True)
    # An iCalendar object sent with the e-mail as its text/calendar part (a booking's invitation), and its
    # iTIP method (REQUEST or CANCEL), which goes into the part's Content-Type. Empty: a plain message.
    calendar_ics = sa.Column(sa.Text, nullable=True)
    calendar_method = sa.Column(sa.String(16), nullable=True)

    employee = relationship("Employee")
