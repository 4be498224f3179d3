"""Administration pages: issuing credentials (secret shown once), revoking them, the outbox and replay."""
import re

from lms.auth.models import Role
from xapi.emitter.models import DELIVERED, FAILED, OutboxEntry


def test_sysadmin_issues_and_revokes_credentials(db, make_user, login):
    browser = login(make_user(Role.SYSADMIN))
    page = browser.post("/admin/xapi/clients", data={"name": "e等公務園+ bridge", "read_only": "y"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    key, secret = re.findall(r"<code>([^<]+)</code>", html)[:2]
    assert "e等公務園+ bridge" in html
    listing = browser.get("/admin/xapi/clients").get_data(as_text=True)
    assert key in listing and secret not in listing  # the secret is shown once
    from xapi.store.models import LrsClient

    client = db.session.execute(db.select(LrsClient).where(LrsClient.key == key)).scalar_one()
    assert client.can_write is False
    assert browser.post(f"/admin/xapi/clients/{client.id}/revoke").status_code == 302
    assert client.revoked_at is not None
    assert browser.post("/admin/xapi/clients", data={"name": ""}).status_code == 400


def test_clients_page_is_for_sysadmins_only(db, make_user, login):
    browser = login(make_user(Role.TRAINING_ADMIN))
    assert browser.get("/admin/xapi/clients").status_code == 403
    assert browser.get("/admin/xapi/outbox").status_code == 200


def test_outbox_lists_and_replays_failed(db, make_user, login):
    db.session.add_all([
        OutboxEntry(statement_id="00000000-0000-4000-8000-000000000001", event="attended", payload="{}",
                    status=FAILED, attempts=10, last_error="HTTP 503"),
        OutboxEntry(statement_id="00000000-0000-4000-8000-000000000002", event="completed", payload="{}",
                    status=DELIVERED),
    ])
    db.session.commit()
    browser = login(make_user(Role.SYSADMIN))
    html = browser.get("/admin/xapi/outbox?status=failed").get_data(as_text=True)
    assert "HTTP 503" in html and "000000000002" not in html
    assert browser.post("/admin/xapi/outbox/replay").status_code == 302
    entry = db.session.execute(db.select(OutboxEntry).where(
        OutboxEntry.statement_id == "00000000-0000-4000-8000-000000000001")).scalar_one()
    assert entry.status == "pending" and entry.attempts == 0
