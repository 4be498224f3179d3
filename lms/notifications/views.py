"""My notifications, and the outbox administrators read when no mail server is configured."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from lms.auth.models import Role
from lms.auth.permissions import require_role
from lms.notifications import queries, services
from lms.notifications.models import Notification
from lms.extensions import db

bp = Blueprint("notifications", __name__)


@bp.route("/notifications/")
@login_required
def list_notifications():
    items = queries.for_employee(current_user.employee_id) if current_user.employee_id else []
    return render_template("lms/notifications/list.html", items=items)


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def read_notification(notification_id: int):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.employee_id != current_user.employee_id:
        abort(404)
    services.mark_read(notification)
    return redirect(notification.link or url_for("notifications.list_notifications"))


@bp.route("/admin/outbox")
@login_required
def outbox():
    require_role(current_user, Role.SYSADMIN, Role.TRAINING_ADMIN)
    page = queries.outbox_page(request.args.get("page", 1, type=int))
    return render_template("lms/notifications/outbox.html", page=page)
