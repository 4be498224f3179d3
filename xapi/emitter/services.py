"""Turning the platform's learning events into xAPI statements and getting them where they belong.

`record_event` builds the statement with `tincan`, writes it to the outbox and to the platform's
own LRS in the caller's transaction (so a rolled-back change emits nothing), and, when an external
LRS is configured (XAPI_FORWARD_URL / _KEY / _SECRET), queues its forwarding. `deliver` forwards
one entry with PUT statementId, which the remote LRS treats as idempotent (204 for the same
statement), so retries and replays can never duplicate anything.
"""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Mapping
from urllib.parse import quote, urlencode

import sqlalchemy as sa
import tincan
from flask import current_app

from lms.celery_app import enqueue
from lms.db import utcnow
from lms.extensions import db
from xapi.emitter import vocabulary as vocab
from xapi.emitter.actors import employee_agent, platform_authority
from xapi.emitter.models import DELIVERED, FAILED, LOCAL, PENDING, OutboxEntry
from xapi.store.services import StoreRequest, store_statements

MAX_ATTEMPTS = 10
FORWARD_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class ActivityRef:
    iri: str
    name: Mapping[str, str]
    type_key: str


def _activity_iri(kind: str, code: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/xapi/activities/{kind}/{quote(code, safe='')}"


def course_activity(code: str, name_zh: str, name_en: str = "", *, online: bool = False) -> ActivityRef:
    names = {"zh-TW": name_zh, **({"en-US": name_en} if name_en else {})}
    return ActivityRef(_activity_iri("course", code), names, "online_course" if online else "course")


def run_activity(code: str, name_zh: str, name_en: str = "") -> ActivityRef:
    return ActivityRef(_activity_iri("run", code), {"zh-TW": name_zh, **({"en-US": name_en} if name_en else {})},
                       "run")


def other_activity(kind: str, code: str, name_zh: str) -> ActivityRef:
    """Certificates, subsidy claims and tracks (kind is a key of vocabulary.ACTIVITY_TYPES)."""
    return ActivityRef(_activity_iri(kind, code), {"zh-TW": name_zh}, kind)


def registration_for(run: ActivityRef) -> str:
    """The run as context registration: a UUID derived from its IRI, the same every time."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, run.iri))


@dataclass(frozen=True)
class LearningEvent:
    verb: str  # a key of vocabulary.VERBS
    employee: Any  # lms.people.models.Employee
    activity: ActivityRef
    parent: ActivityRef | None = None
    registration: str | None = None
    occurred_at: datetime | None = None
    credited_hours: float | None = None
    minutes_attended: int | None = None
    success: bool | None = None
    completion: bool | None = None
    score: tuple[float, float, float] | None = None  # raw, min, max
    extensions: Mapping[str, Any] = field(default_factory=dict)


def _activity(ref: ActivityRef) -> tincan.Activity:
    return tincan.Activity(id=ref.iri, definition=tincan.ActivityDefinition(
        name=tincan.LanguageMap(dict(ref.name)), type=vocab.ACTIVITY_TYPES[ref.type_key]))


def _result(event: LearningEvent) -> tincan.Result | None:
    extensions = {}
    duration = None
    # "attended" carries the minutes actually attended, never the scheduled length.
    if event.minutes_attended is not None:
        extensions[vocab.EXT_MINUTES_ATTENDED] = event.minutes_attended
        duration = timedelta(minutes=event.minutes_attended)
    if event.credited_hours is not None:
        extensions[vocab.EXT_HOURS] = event.credited_hours
        duration = duration or timedelta(hours=event.credited_hours)
    values = {"success": event.success, "completion": event.completion}
    if event.score is not None:
        raw, low, high = event.score
        values["score"] = tincan.Score(raw=raw, min=low, max=high, scaled=(raw - low) / (high - low))
    values = {k: v for k, v in values.items() if v is not None}
    if not values and not extensions:
        return None
    return tincan.Result(duration=duration, extensions=tincan.Extensions(extensions) if extensions else None,
                         **values)


def build_statement(event: LearningEvent, statement_id: str | None = None) -> dict:
    verb_iri, display = vocab.VERBS[event.verb]
    context = {"extensions": tincan.Extensions(dict(event.extensions))} if event.extensions else {}
    registration = event.registration or (registration_for(event.activity) if event.activity.type_key == "run"
                                          else None)
    if registration:
        context["registration"] = registration
    if event.parent is not None:
        context["context_activities"] = tincan.ContextActivities(parent=[_activity(event.parent)])
    account = employee_agent(event.employee)
    statement = tincan.Statement(
        id=statement_id or str(uuid.uuid4()), actor=tincan.Agent(**_tincan_agent(account)),
        verb=tincan.Verb(id=verb_iri, display=tincan.LanguageMap(display)), object=_activity(event.activity),
        result=_result(event), context=tincan.Context(**context) if context else None,
        timestamp=event.occurred_at or utcnow())
    data = json.loads(statement.to_json())
    data.pop("version", None)  # the LRS sets it to the version it stores
    return data


def _tincan_agent(agent: dict) -> dict:
    if "account" in agent:
        return {"account": tincan.AgentAccount(home_page=agent["account"]["homePage"], name=agent["account"]["name"])}
    return {k: v for k, v in agent.items() if k != "objectType"}


def forwarding_configured() -> bool:
    return bool(current_app.config.get("XAPI_FORWARD_URL"))


def _write(statement: dict, event_name: str) -> OutboxEntry:
    store_statements(StoreRequest([statement], platform_authority()))
    entry = OutboxEntry(statement_id=statement["id"], event=event_name,
                        payload=json.dumps(statement, ensure_ascii=False),
                        status=PENDING if forwarding_configured() else LOCAL, next_attempt_at=utcnow())
    db.session.add(entry)
    db.session.flush()
    if entry.status == PENDING:
        from xapi.emitter.tasks import forward_outbox_entry

        enqueue(forward_outbox_entry, entry.id)
    return entry


def record_event(event: LearningEvent) -> OutboxEntry:
    """Emit the statement for one learning event in the caller's transaction."""
    return _write(build_statement(event), event.verb)


def void_statement(statement_id: str) -> OutboxEntry:
    """Withdraw an emitted statement (e.g. attendance recorded by mistake) with a voiding statement."""
    verb_iri, display = vocab.VERBS["voided"]
    statement = {"id": str(uuid.uuid4()), "actor": platform_authority(), "verb": {"id": verb_iri, "display": display},
                 "object": {"objectType": "StatementRef", "id": statement_id}}
    return _write(statement, "voided")


class ForwardError(Exception):
    """The remote LRS could not take the statement now (down, timeout, 5xx, refused)."""


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _put_remote(entry: OutboxEntry) -> None:
    config = current_app.config
    url = config["XAPI_FORWARD_URL"].rstrip("/") + "/statements?" + urlencode({"statementId": entry.statement_id})
    token = base64.b64encode(f"{config.get('XAPI_FORWARD_KEY', '')}:{config.get('XAPI_FORWARD_SECRET', '')}"
                             .encode()).decode()
    request = urllib.request.Request(url, data=entry.payload.encode("utf-8"), method="PUT", headers={
        "Content-Type": "application/json", "X-Experience-API-Version": "1.0.3", "Authorization": f"Basic {token}"})
    try:
        with urllib.request.urlopen(request, timeout=FORWARD_TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise ForwardError(f"HTTP {exc.code}: {exc.read()[:200].decode('utf-8', 'replace')}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ForwardError(str(getattr(exc, "reason", exc))) from None


def deliver(entry: OutboxEntry) -> bool:
    """Forward one entry; on failure count the attempt and schedule the next one. Safe to repeat."""
    if entry.status != PENDING:
        return entry.status == DELIVERED
    now = utcnow()
    try:
        _put_remote(entry)
    except ForwardError as exc:
        entry.attempts += 1
        entry.last_error = str(exc)[:500]
        entry.next_attempt_at = now + _backoff(entry.attempts)
        if entry.attempts >= MAX_ATTEMPTS:
            entry.status = FAILED
        db.session.flush()
        return False
    entry.status, entry.delivered_at, entry.last_error = DELIVERED, now, None
    db.session.flush()
    return True


def replay_entries(entry_ids: list[int]) -> int:
    """Put failed (or stuck) entries back in the queue; returns how many were requeued."""
    from xapi.emitter.tasks import forward_outbox_entry

    entries = db.session.execute(sa.select(OutboxEntry).where(
        OutboxEntry.id.in_(entry_ids), OutboxEntry.status.in_([FAILED, PENDING]))).scalars().all()
    for entry in entries:
        entry.status, entry.attempts, entry.next_attempt_at = PENDING, 0, utcnow()
    db.session.flush()
    if forwarding_configured():
        for entry in entries:
            enqueue(forward_outbox_entry, entry.id)
    return len(entries)
