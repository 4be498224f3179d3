"""Administration pages of the LRS: issuing and revoking client credentials, and the xAPI outbox
(pending, failed, delivered) with replay of failed deliveries."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from lms.auth.models import Role
from lms.auth.permissions import require_role
from lms.extensions import db
from lms.templating import add_nav_item
from xapi.emitter import queries as outbox_queries
from xapi.emitter import services as emitter_services
from xapi.emitter.models import FAILED, OutboxEntry
from xapi.lrs.forms import ClientForm
from xapi.store.models import LrsClient
from xapi.store import services as store_services

bp = Blueprint("xapi_admin", __name__, url_prefix="/admin/xapi")
OUTBOX_ROLES = (Role.SYSADMIN, Role.TRAINING_ADMIN)
add_nav_item("xapi_admin.list_clients", _l("LRS clients"), {Role.SYSADMIN})
add_nav_item("xapi_admin.show_outbox", _l("xAPI outbox"), set(OUTBOX_ROLES))


def _clients_page(form: ClientForm, issued=None, status: int = 200):
    clients = db.session.execute(db.select(LrsClient).order_by(LrsClient.created_at.desc())).scalars().all()
    return render_template("xapi/lrs/clients.html", clients=clients, form=form, issued=issued), status


@bp.route("/clients", methods=["GET", "POST"])
@login_required
def list_clients():
    require_role(current_user, Role.SYSADMIN)
    form = ClientForm()
    if not form.validate_on_submit():
        return _clients_page(form, status=400 if request.method == "POST" else 200)
    client, secret = store_services.create_client(form.name.data, can_write=not form.read_only.data)
    # The secret is shown on this response only; it is never stored or displayed again.
    return _clients_page(ClientForm(formdata=None), issued=(client, secret))


@bp.route("/clients/<int:client_id>/revoke", methods=["POST"])
@login_required
def revoke_client(client_id: int):
    require_role(current_user, Role.SYSADMIN)
    client = db.session.get(LrsClient, client_id) or abort(404)
    store_services.revoke_client(client)
    flash(_("Credentials of %(name)s revoked.", name=client.name), "ok")
    return redirect(url_for("xapi_admin.list_clients"))


@bp.route("/outbox")
@login_required
def show_outbox():
    require_role(current_user, *OUTBOX_ROLES)
    status = request.args.get("status") or None
    page = outbox_queries.list_entries(status, request.args.get("page", 1, type=int))
    return render_template("xapi/lrs/outbox.html", page=page, status=status, counts=outbox_queries.status_counts(),
                           forwarding=emitter_services.forwarding_configured())


@bp.route("/outbox/replay", methods=["POST"])
@login_required
def replay_outbox():
    require_role(current_user, *OUTBOX_ROLES)
    ids = request.form.getlist("entry_id", type=int) or list(db.session.execute(
        db.select(OutboxEntry.id).where(OutboxEntry.status == FAILED)).scalars())
    count = emitter_services.replay_entries(ids)
    flash(_("%(count)s statements queued again.", count=count), "ok")
    return redirect(url_for("xapi_admin.show_outbox"))
