"""Sending one notification by e-mail, or to the log when no mail server is configured."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app

from lms.db import utcnow
from lms.notifications.models import Notification


def attach_calendar(message: EmailMessage, ics: str, method: str) -> None:
    """An invitation as mail clients expect it (iMIP, RFC 6047): a text/calendar alternative to the text
    with the iTIP method in its Content-Type, which Outlook, Gmail and Apple Mail act on, and the same
    object as an invite.ics attachment for clients that only offer to open files."""
    data = ics.encode("utf-8")   # bytes, base64-encoded: the CRLF line ends that RFC 5545 requires survive
    message.add_alternative(data, maintype="text", subtype="calendar",
                            params={"charset": "utf-8", "method": method})
    message.add_attachment(data, maintype="application", subtype="ics", filename="invite.ics")


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
        if notification.calendar_ics:
            attach_calendar(message, notification.calendar_ics, notification.calendar_method)
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
