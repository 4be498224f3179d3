"""Pushing certified records to the HR system (HR_EXPORT_URL, bearer HR_EXPORT_TOKEN) and keeping
the reconciliation: what was sent, accepted, rejected (with the HR system's reason) or is still pending.

Idempotent by design: each record goes with its source_ref and a fingerprint of its fields; only new
or changed records (and deletions of records accepted earlier and since voided or rejected) are sent,
a failed call leaves its records pending for the next run, and the HR side may dedupe on
(source_ref, fingerprint). The request body is {"records": [{"id", "fingerprint", "layout", "deleted",
"fields"}]}; the answer {"results": [{"id", "status": "accepted"|"rejected", "reason"}]}.
"""
from __future__ import annotations

import hashlib
import json
import logging
import urllib.error
import urllib.request

import sqlalchemy as sa
from flask import current_app

from lms.auth.permissions import Scope
from lms.db import utcnow
from lms.extensions import db
from lms.personnel.export import certified_records, layout_of, record_fields
from lms.personnel.models import PUSH_ACCEPTED, PUSH_PENDING, PUSH_REJECTED, HrPushItem, HrPushRun

log = logging.getLogger(__name__)
BATCH = 100
TIMEOUT_SECONDS = 15
MISSING_ID = "national ID missing in the personnel record"


class PushCallFailed(Exception):
    """The HR endpoint did not answer usefully (down, timeout, 5xx, unreadable answer)."""


def _fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _outgoing(retry_rejected: bool) -> list[tuple[dict, int]]:
    """(payload, employee_id) of every record the HR system does not hold as it is now."""
    items = {i.source_ref: i for i in db.session.execute(sa.select(HrPushItem)).scalars()}
    out, current = [], set()
    for record, employee in certified_records(Scope(True)):
        fields = record_fields(record, employee)
        body = {"layout": layout_of(record), "deleted": False, "fields": fields}
        fingerprint = _fingerprint(body)
        current.add(record.source_ref)
        item = items.get(record.source_ref)
        if item is not None and item.accepted_fingerprint == fingerprint and not item.deleted:
            continue
        if item is not None and item.state == PUSH_REJECTED and item.fingerprint == fingerprint and not retry_rejected:
            continue
        out.append(({"id": record.source_ref, "fingerprint": fingerprint, **body}, employee.id))
    for ref, item in items.items():
        if ref not in current and item.accepted_fingerprint and not item.deleted:
            body = {"layout": "", "deleted": True, "fields": {}}
            out.append(({"id": ref, "fingerprint": _fingerprint(body), **body}, item.employee_id))
    return out


def _post(records: list[dict]) -> dict[str, tuple[str, str]]:
    config = current_app.config
    request = urllib.request.Request(
        config["HR_EXPORT_URL"], method="POST", data=json.dumps({"records": records}, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {config.get('HR_EXPORT_TOKEN', '')}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = json.loads(response.read().decode("utf-8"))
        return {r["id"]: (r.get("status", ""), str(r.get("reason", ""))) for r in answer["results"]}
    except urllib.error.HTTPError as exc:
        raise PushCallFailed(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError) as exc:
        raise PushCallFailed(str(getattr(exc, "reason", exc))[:300]) from None


def _item(items: dict, payload: dict, employee_id: int) -> HrPushItem:
    item = items.get(payload["id"])
    if item is None:
        item = HrPushItem(source_ref=payload["id"], employee_id=employee_id, attempts=0)
        db.session.add(item)
        items[payload["id"]] = item
    return item


def push_changes(retry_rejected: bool = False) -> HrPushRun | None:
    """Send what changed; returns the run with its reconciliation figures (None: no endpoint set)."""
    if not current_app.config.get("HR_EXPORT_URL"):
        return None
    run = HrPushRun(started_at=utcnow(), sent=0, accepted=0, rejected=0, failed=0, pending=0, error="")
    db.session.add(run)
    outgoing = _outgoing(retry_rejected)
    items = {i.source_ref: i for i in db.session.execute(
        sa.select(HrPushItem).where(HrPushItem.source_ref.in_([p["id"] for p, _ in outgoing] or [""]))).scalars()}
    for start in range(0, len(outgoing), BATCH):
        chunk = outgoing[start:start + BATCH]
        now = utcnow()
        sendable = []
        for payload, employee_id in chunk:
            item = _item(items, payload, employee_id)
            item.fingerprint, item.attempts, item.last_sent_at = payload["fingerprint"], item.attempts + 1, now
            if not payload["deleted"] and not payload["fields"].get("身分證字號"):
                # Never send what the portal must refuse: the record stays visible as rejected.
                item.state, item.last_error = PUSH_REJECTED, MISSING_ID
                run.rejected += 1
            else:
                sendable.append((payload, employee_id))
        if not sendable:
            continue
        run.sent += len(sendable)
        try:
            answers = _post([p for p, _ in sendable])
        except PushCallFailed as exc:
            run.failed += len(sendable)
            run.error = str(exc)[:500]
            for payload, _ in sendable:
                item = items[payload["id"]]
                item.state, item.last_error = PUSH_PENDING, str(exc)[:500]
            log.warning("HR push call failed: %s", exc)
            continue
        for payload, _ in sendable:
            item = items[payload["id"]]
            status, reason = answers.get(payload["id"], ("", "no answer for this record"))
            if status == "accepted":
                item.state, item.last_error, item.accepted_at = PUSH_ACCEPTED, "", now
                item.accepted_fingerprint, item.deleted = payload["fingerprint"], payload["deleted"]
                run.accepted += 1
            elif status == "rejected":
                item.state, item.last_error = PUSH_REJECTED, reason[:500]
                run.rejected += 1
            else:
                item.state, item.last_error = PUSH_PENDING, reason[:500]
    db.session.flush()
    run.pending = db.session.execute(sa.select(sa.func.count()).select_from(HrPushItem)
                                     .where(HrPushItem.state == PUSH_PENDING)).scalar_one()
    run.finished_at = utcnow()
    db.session.flush()
    return run
