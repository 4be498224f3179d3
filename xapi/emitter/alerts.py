"""Telling administrators that the external LRS has been unreachable, at most once a day each."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.auth.models import Role, RoleGrant, User
from lms.db import utcnow
from lms.extensions import db
from lms.notifications.models import Notification
from lms.notifications.services import notify
from lms.people.models import Employee

ALERT_KIND = "xapi_forward_down"


def alert_administrators(since: datetime) -> bool:
    recipients = db.session.execute(
        sa.select(Employee).join(User, User.employee_id == Employee.id).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role.in_([Role.SYSADMIN.value, Role.TRAINING_ADMIN.value]))
        .where(~sa.exists().where(Notification.employee_id == Employee.id, Notification.kind == ALERT_KIND,
                                  Notification.created_at > utcnow() - timedelta(days=1)))
        .distinct()).scalars().all()
    for employee in recipients:
        # Forced, because a Celery task has no request to choose a locale from.
        with force_locale(current_app.config["DEFAULT_LOCALE"]):
            notify(employee, _("The external LRS is unreachable"),
                   _("xAPI statements have been waiting for the external LRS since %(since)s (UTC). "
                     "They are kept in the outbox and will be sent when it is reachable again.",
                     since=since.strftime("%Y-%m-%d %H:%M")),
                   kind=ALERT_KIND, link="/admin/xapi/outbox")
    return bool(recipients)
