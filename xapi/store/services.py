"""Writing statements: validation, ids, conflicts, voiding, indexing and canonical activities.

`store_statements` is the one entry for every writer: the HTTP Statements resource and the
platform's own emitter. It flushes and never commits (the request or task boundary does).
A batch is all-or-nothing: every check runs before the first row is written.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa

from lms.db import utcnow
from lms.errors import ConflictError, ValidationFailed
from lms.extensions import db
from xapi.store.identity import activity_hash, statement_links, verb_hash
from xapi.store.models import Activity, LrsClient, Statement, StatementLink
from xapi.validation.formats import format_timestamp
from xapi.validation.statements import VOIDED_VERB, statement_errors

# Properties the LRS sets or that the spec says to ignore when deciding whether two statements
# with the same id are "the same" (1.0.3, Statement Comparison Requirements).
_IGNORED_IN_COMPARISON = ("id", "authority", "stored", "timestamp", "version", "attachments")


@dataclass
class StoreRequest:
    statements: list
    authority: dict
    version: str = "1.0.3"
    # sha2 -> (content type, bytes) of the attachment parts that came with a multipart request.
    parts: dict = field(default_factory=dict)


def _comparable(statement: dict) -> dict:
    def strip(value):
        if isinstance(value, dict):
            value = {k: strip(v) for k, v in value.items()}
            if isinstance(value.get("member"), list):
                value["member"] = sorted(value["member"], key=lambda m: json.dumps(m, sort_keys=True))
            return value
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip({k: v for k, v in statement.items() if k not in _IGNORED_IN_COMPARISON})


def statements_equivalent(a: dict, b: dict) -> bool:
    return _comparable(a) == _comparable(b)


def _validate(request: StoreRequest) -> None:
    errors = []
    single = len(request.statements) == 1
    for i, statement in enumerate(request.statements):
        errors += statement_errors(statement, request.version, "statement" if single else f"statement[{i}]")
    if errors:
        raise ValidationFailed(errors)
    seen = set()
    for i, statement in enumerate(request.statements):
        sid = statement.get("id", "").lower()
        if sid and sid in seen:
            errors.append((f"statement[{i}].id", f"repeats the id {sid} within the same request"))
        seen.add(sid)
    if errors:
        raise ValidationFailed(errors)


def _check_attachments(request: StoreRequest) -> None:
    """Every attachment without a fileUrl needs its body in the request, and no body may be left over."""
    wanted = set()
    errors = []
    for i, statement in enumerate(request.statements):
        for j, attachment in enumerate(_all_attachments(statement)):
            sha2 = attachment["sha2"].lower()
            if "fileUrl" not in attachment:
                wanted.add(sha2)
                if sha2 not in request.parts:
                    errors.append((f"statement[{i}].attachments[{j}]",
                                   "has no fileUrl and no part with its sha2 in the multipart request"))
            elif sha2 in request.parts:
                wanted.add(sha2)
    for sha2 in request.parts.keys() - wanted:
        errors.append(("attachments", f"the part with hash {sha2} matches no attachment of the statements"))
    if errors:
        raise ValidationFailed(errors)


def _all_attachments(statement: dict) -> list[dict]:
    found = list(statement.get("attachments") or ())
    obj = statement.get("object") or {}
    if obj.get("objectType") == "SubStatement":
        found += obj.get("attachments") or ()
    return found


def _existing(ids: list[str]) -> dict[str, Statement]:
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Statement).where(Statement.statement_id.in_(ids))).scalars()
    return {row.statement_id: row for row in rows}


def _void_targets(statements: list[dict]) -> dict[str, int]:
    """statement id voided -> index of the voiding statement in the batch."""
    return {s["object"]["id"].lower(): i for i, s in enumerate(statements) if s["verb"]["id"] == VOIDED_VERB}


def _check_voiding(statements: list[dict], targets: dict[str, int]) -> None:
    if not targets:
        return
    errors = []
    batch_voiding = {s["id"] for s in statements if s["verb"]["id"] == VOIDED_VERB}
    voiding_rows = db.session.execute(sa.select(Statement.statement_id).where(
        Statement.statement_id.in_(list(targets)), Statement.is_voiding.is_(True))).scalars().all()
    for target in set(voiding_rows) | (batch_voiding & targets.keys()):
        errors.append((f"statement[{targets[target]}].object.id",
                       f"statement {target} is itself a voiding statement and cannot be voided"))
    if errors:
        raise ValidationFailed(errors)


def store_statements(request: StoreRequest) -> list[str]:
    """Validate and store a batch; return the ids in request order. 409 if an id holds another statement."""
    _validate(request)
    _check_attachments(request)
    statements = [dict(s) for s in request.statements]
    for s in statements:
        s["id"] = s["id"].lower() if "id" in s else str(uuid.uuid4())
    existing = _existing([s["id"] for s in statements])
    new = []
    for s in statements:
        row = existing.get(s["id"])
        if row is None:
            new.append(s)
        elif not statements_equivalent(json.loads(row.payload), s):
            raise ConflictError(f"Statement {s['id']} already exists with different content.")
    targets = _void_targets(new)
    _check_voiding(new, targets)
    if new:
        try:
            _insert(new, request)
        except sa.exc.IntegrityError:
            # Another request stored one of these ids between our check and our insert.
            raise ConflictError("A statement with one of these ids was stored at the same time.") from None
        # A voiding statement may have arrived before the statement it voids.
        targets.update({sid: -1 for sid in db.session.execute(sa.select(Statement.ref_statement_id).where(
            Statement.is_voiding.is_(True), Statement.ref_statement_id.in_([s["id"] for s in new]))).scalars()})
    if targets:
        db.session.execute(sa.update(Statement).where(
            Statement.statement_id.in_(list(targets)), Statement.is_voiding.is_(False)).values(voided=True))
    if request.parts:
        from xapi.store.attachments import save_attachments

        save_attachments(request.parts, [a for s in new for a in _all_attachments(s)])
    return [s["id"] for s in statements]


def _insert(statements: list[dict], request: StoreRequest) -> None:
    now = utcnow()
    stored = format_timestamp(now)
    default_version = "2.0.0" if request.version.startswith("2.") else "1.0.0"
    rows = []
    for s in statements:
        s["stored"] = stored
        s["authority"] = request.authority
        s.setdefault("timestamp", stored)
        s.setdefault("version", default_version)
        obj = s["object"]
        registration = (s.get("context") or {}).get("registration")
        rows.append({
            "statement_id": s["id"], "payload": json.dumps(s, ensure_ascii=False, separators=(",", ":")),
            "verb_hash": verb_hash(s["verb"]["id"]), "registration": registration.lower() if registration else None,
            "ref_statement_id": obj["id"].lower() if obj.get("objectType") == "StatementRef" else None,
            "stored": now, "voided": False, "is_voiding": s["verb"]["id"] == VOIDED_VERB,
            "has_attachments": bool(_all_attachments(s)),
        })
    # Core executemany and one SELECT for the new keys: RETURNING with ordered rows makes SQLite
    # insert row by row, and ingestion speed is a requirement.
    table = Statement.__table__
    db.session.execute(table.insert(), rows)
    seq_of = dict(db.session.execute(sa.select(table.c.statement_id, table.c.seq).where(
        table.c.statement_id.in_([s["id"] for s in statements]))).all())
    seqs = [seq_of[s["id"]] for s in statements]
    links = [(seq, kind, h) for seq, s in zip(seqs, statements) for kind, h in statement_links(s)]
    if links:
        _insert_links(links)
    _update_activities(statements, now)


def _insert_links(links: list[tuple[int, int, str]]) -> None:
    """Straight to the driver's executemany: links are six or more rows per statement, and
    SQLAlchemy's per-row parameter processing was the largest cost of ingestion after SQLite's fsync."""
    connection = db.session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        f"INSERT INTO {StatementLink.__tablename__} (statement_seq, kind, key_hash) VALUES ({mark}, {mark}, {mark})",
        links)


def _activities_with_definitions(statement: dict):
    obj = statement.get("object") or {}
    if obj.get("objectType", "Activity") == "Activity" and "definition" in obj:
        yield obj
    if obj.get("objectType") == "SubStatement":
        yield from _activities_with_definitions(obj)
    for items in ((statement.get("context") or {}).get("contextActivities") or {}).values():
        for activity in items if isinstance(items, list) else [items]:
            if "definition" in activity:
                yield activity


def merge_definition(old: dict, new: dict) -> dict:
    """Later definitions win key by key; language maps are merged so no language is lost."""
    merged = dict(old)
    for key, value in new.items():
        if key in ("name", "description") and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _update_activities(statements: list[dict], now) -> None:
    """Keep the canonical definitions; written only when a statement brings something new."""
    definitions: dict[str, tuple[str, dict]] = {}
    for s in statements:
        for activity in _activities_with_definitions(s):
            h = activity_hash(activity["id"])
            old = definitions.get(h, (activity["id"], {}))[1]
            definitions[h] = (activity["id"], merge_definition(old, activity["definition"]))
    if not definitions:
        return
    table = Activity.__table__
    stored = dict(db.session.execute(sa.select(table.c.id_hash, table.c.definition).where(
        table.c.id_hash.in_(list(definitions)))).all())
    inserts, updates = [], []
    for h, (activity_id, definition) in definitions.items():
        if h not in stored:
            inserts.append({"id_hash": h, "activity_id": activity_id, "updated_at": now,
                            "definition": json.dumps(definition, ensure_ascii=False)})
            continue
        text = json.dumps(definition, ensure_ascii=False)
        if stored[h] == text:
            continue  # the common case: the same definition again, nothing to merge
        old = json.loads(stored[h])
        merged = merge_definition(old, definition)
        if merged != old:
            updates.append({"h": h, "definition": json.dumps(merged, ensure_ascii=False), "updated_at": now})
    if inserts:
        db.session.execute(table.insert(), inserts)
    if updates:
        db.session.execute(table.update().where(table.c.id_hash == sa.bindparam("h")).values(
            definition=sa.bindparam("definition"), updated_at=sa.bindparam("updated_at")), updates)


def hash_secret(secret: str) -> str:
    # Secrets are 32 random bytes, so a fast hash is enough and keeps batch ingestion cheap.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_client(name: str, *, can_write: bool = True) -> tuple[LrsClient, str]:
    """Issue HTTP Basic credentials; the secret is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationFailed([("name", "A client name of 1 to 120 characters is required.")])
    secret = secrets.token_urlsafe(32)
    client = LrsClient(name=name, key=secrets.token_hex(10), secret_hash=hash_secret(secret), can_write=can_write)
    db.session.add(client)
    db.session.flush()
    return client, secret


def revoke_client(client: LrsClient) -> None:
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        db.session.flush()
