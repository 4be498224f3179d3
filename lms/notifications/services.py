"""Creating and delivering notifications. Delivery is a task, so a slow mail server never blocks a page."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

from lms.celery_app import enqueue
from lms.db import utcnow
from lms.extensions import db
from lms.notifications.models import Notification
from lms.people.models import Employee


def notify(employee: Employee, subject: str, body: str, kind: str = "message",
           link: str | None = None) -> Notification:
    from lms.notifications.tasks import deliver_notification

    notification = Notification(employee=employee, subject=subject[:200], body=body, kind=kind, link=link)
    db.session.add(notification)
    db.session.flush()
    enqueue(deliver_notification, notification.id)
    return notification


def deliver(notification: Notification) -> None:
    """Send one notification by e-mail (or to the log when no mail server is configured). Idempotent."""
    if notification.sent_at is not None:
        return
    notification.attempts += 1
    address = notification.employee.email
    config = current_app.config
    if config["MAIL_SERVER"] and address:
        message = EmailMessage()
        message["From"] = config["MAIL_DEFAULT_SENDER"]
        message["To"] = address
        message["Subject"] = notification.subject
        link = f"\n\n{config['BASE_URL'].rstrip('/')}{notification.link}" if notification.link else ""
        message.set_content(notification.body + link)
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
                if config["MAIL_USE_TLS"]:
                    smtp.starttls()
                if config["MAIL_USERNAME"]:
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            notification.last_error = str(exc)[:400]
            raise
    else:
        current_app.logger.info("notification %s to %s: %s", notification.id, address, notification.subject)
    notification.sent_at = utcnow()
    notification.last_error = None


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
