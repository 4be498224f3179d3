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
from xapi.jsontext import dumps
from xapi.store.comparison import context_activities_as_arrays, statements_equivalent
from xapi.store.identity import activity_hash, statement_links, verb_hash
from xapi.store.models import Activity, LrsClient, Statement, StatementLink
from xapi.store.signatures import signature_errors
from xapi.validation.formats import format_timestamp
from xapi.validation.statements import VOIDED_VERB, statement_errors


@dataclass
class StoreRequest:
    statements: list
    authority: dict
    version: str = "1.0.3"
    # sha2 -> (content type, bytes) of the attachment parts that came with a multipart request.
    parts: dict = field(default_factory=dict)


def _path_of(request: StoreRequest):
    single = len(request.statements) == 1
    return lambda i: "statement" if single else f"statement[{i}]"


def _validate(request: StoreRequest) -> None:
    errors = []
    path_of = _path_of(request)
    for i, statement in enumerate(request.statements):
        errors += statement_errors(statement, request.version, path_of(i))
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
    """Every attachment without a fileUrl needs its body in the request, a body sent must have the
    length the statement declares, no body may be left over, and signatures must be well formed."""
    wanted = set()
    errors = []
    path_of = _path_of(request)
    for i, statement in enumerate(request.statements):
        for j, attachment in enumerate(_all_attachments(statement)):
            sha2 = attachment["sha2"].lower()
            part = request.parts.get(sha2)
            if part is not None:
                wanted.add(sha2)
                if len(part[1]) != attachment["length"]:
                    errors.append((f"{path_of(i)}.attachments[{j}].length",
                                   f"is {attachment['length']} but the part with this sha2 has {len(part[1])} bytes"))
            elif "fileUrl" not in attachment:
                errors.append((f"{path_of(i)}.attachments[{j}]",
                               "has no fileUrl and no part with its sha2 in the multipart request"))
    for sha2 in request.parts.keys() - wanted:
        errors.append(("attachments", f"the part with hash {sha2} matches no attachment of the statements"))
    errors += signature_errors(request.statements, request.parts, path_of)
    if errors:
        raise ValidationFailed(errors)


def _all_attachments(statement: dict) -> list[dict]:
    found = list(statement.get("attachments") or ())
    obj = statement.get("object") or {}
    if obj.get("objectType") == "SubStatement":
        found += obj.get("attachments") or ()
    return found


def _known(ids: list[str]) -> tuple[dict[str, str], set[str]]:
    """One query for the whole batch: the payloads already stored under these ids (conflict or
    identical resend), and which of the ids a stored voiding statement already targets (a voiding
    statement may arrive before the statement it voids)."""
    rows = _select_in(f"SELECT statement_id, payload, ref_statement_id FROM {Statement.__tablename__} "
                      "WHERE statement_id IN ({}) OR (ref_statement_id IN ({}) AND is_voiding)", ids, ids)
    id_set = set(ids)
    stored = {sid: payload for sid, payload, _ in rows if sid in id_set}
    voided_early = {ref for _, _, ref in rows if ref in id_set}
    return stored, voided_early


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
    statements = [context_activities_as_arrays(dict(s)) for s in request.statements]
    for s in statements:
        s["id"] = s["id"].lower() if "id" in s else str(uuid.uuid4())
    stored, voided_early = _known([s["id"] for s in statements])
    new = []
    for s in statements:
        payload = stored.get(s["id"])
        if payload is None:
            new.append(s)
        elif not statements_equivalent(json.loads(payload), s):
            raise ConflictError(f"Statement {s['id']} already exists with different content.")
    targets = _void_targets(new)
    _check_voiding(new, targets)
    if new:
        try:
            _insert(new, request)
        except sa.exc.IntegrityError:
            # Another request stored one of these ids between our check and our insert.
            raise ConflictError("A statement with one of these ids was stored at the same time.") from None
        targets.update(dict.fromkeys(voided_early & {s["id"] for s in new}, -1))
    if targets:
        db.session.execute(sa.update(Statement).where(
            Statement.statement_id.in_(list(targets)), Statement.is_voiding.is_(False)).values(voided=True))
    if request.parts:
        from xapi.store.attachments import save_attachments

        save_attachments(request.parts, [a for s in new for a in _all_attachments(s)])
    return [s["id"] for s in statements]


STATEMENT_COLUMNS = ("statement_id", "payload", "verb_hash", "registration", "ref_statement_id", "stored",
                     "voided", "is_voiding", "has_attachments")
LINK_COLUMNS = ("statement_seq", "kind", "key_hash")


def statement_rows(statements: list[dict], request: StoreRequest, now) -> list[tuple]:
    """Fill in what the LRS sets (stored, authority, timestamp, version) and return each statement's
    row: the JSON as it will be returned plus the indexed columns (STATEMENT_COLUMNS)."""
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
        verb_id = s["verb"]["id"]
        rows.append((
            s["id"], dumps(s), verb_hash(verb_id),
            registration.lower() if registration else None,
            obj["id"].lower() if obj.get("objectType") == "StatementRef" else None,
            now, False, verb_id == VOIDED_VERB, bool(_all_attachments(s)),
        ))
    return rows


def link_rows(statements: list[dict], seqs: list[int]) -> list[tuple]:
    """The link rows (LINK_COLUMNS) of statements stored under `seqs`."""
    return [(seq, kind, h) for seq, s in zip(seqs, statements) for kind, h in statement_links(s)]


def _insert(statements: list[dict], request: StoreRequest) -> None:
    table = Statement.__table__
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    if sqlite:
        # Take SQLite's single write lock before reading the clock, so no statement committed
        # after this one can have an earlier `stored` (see queries.consistent_through).
        db.session.execute(sa.text("UPDATE xapi_statements SET voided = voided WHERE 0"))
    now = utcnow()
    rows = statement_rows(statements, request, now)
    if sqlite:
        # With the lock held no other writer can insert, so the keys are the ones SQLite would
        # give (max + 1, ...): given explicitly, they need no SELECT back after the insert.
        first = db.session.connection().exec_driver_sql(
            f"SELECT coalesce(max(seq), 0) + 1 FROM {table.name}").scalar()
        seqs = list(range(first, first + len(statements)))
        executemany(table, ("seq",) + STATEMENT_COLUMNS, [(seq,) + row for seq, row in zip(seqs, rows)])
    else:
        # Driver executemany, then one SELECT for the keys the sequence gave.
        executemany(table, STATEMENT_COLUMNS, rows)
        seq_of = dict(_select_in(f"SELECT statement_id, seq FROM {table.name} WHERE statement_id IN ({{}})",
                                 [s["id"] for s in statements]))
        seqs = [seq_of[s["id"]] for s in statements]
    links = link_rows(statements, seqs)
    if links:
        executemany(StatementLink.__table__, LINK_COLUMNS, links)
    _update_activities(statements, now)


def _mark(dialect) -> str:
    return "?" if dialect.paramstyle == "qmark" else "%s"


def _select_in(sql: str, *lists: list) -> list[tuple]:
    """Rows of `sql` run through the driver, each {} replaced by parameter marks for the matching
    list: for the hundred-id lists of a batch, SQLAlchemy's expanding IN cost more than the query."""
    if not all(lists):
        return []
    connection = db.session.connection()
    mark = _mark(connection.dialect)
    text = sql.format(*(", ".join([mark] * len(values)) for values in lists))
    return connection.exec_driver_sql(text, tuple(v for values in lists for v in values)).all()


def executemany(table: sa.Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT straight through the driver's executemany, with each column's own bind conversion.

    SQLAlchemy's per-row parameter handling was the largest Python cost of ingestion (statements
    and their six or so link rows per statement); this keeps its type conversions (e.g. aware
    datetimes to SQLite's text) but applies them once per column instead of through the compiler.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    mark = _mark(dialect)
    processors = [(i, p) for i, name in enumerate(columns) if (p := table.c[name].type._cached_bind_processor(dialect))]
    if processors and rows:
        values = list(zip(*rows))  # column by column; `rows` keeps every value (and its id) alive
        for i, process in processors:
            # A batch repeats the same objects (its one `stored` moment, True and False): convert
            # each object once. Keyed by identity, so equal values of other types stay apart.
            converted = {}
            for value in values[i]:
                if id(value) not in converted:
                    converted[id(value)] = process(value)
            values[i] = [converted[id(value)] for value in values[i]]
        rows = list(zip(*values))
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})", rows)


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
            definition = activity["definition"]
            h = activity_hash(activity["id"])
            seen = definitions.get(h)
            if seen is None:
                if definition:
                    definitions[h] = (activity["id"], definition)
            elif definition != seen[1]:  # a batch usually repeats the same definitions
                definitions[h] = (activity["id"], merge_definition(seen[1], definition))
    if not definitions:
        return
    table = Activity.__table__
    stored = dict(_select_in(f"SELECT id_hash, definition FROM {table.name} WHERE id_hash IN ({{}})",
                             list(definitions)))
    inserts, updates = [], []
    for h, (activity_id, definition) in definitions.items():
        text = dumps(definition)
        if h not in stored:
            inserts.append({"id_hash": h, "activity_id": activity_id, "updated_at": now, "definition": text})
            continue
        if stored[h] == text:  # the same definition again, as text: nothing to parse or write
            continue
        merged = dumps(merge_definition(json.loads(stored[h]), definition))
        # Written when the merge brings something new, or once to store the text in this form
        # (definitions written before had spaces after separators, and would be parsed every time).
        if merged != stored[h]:
            updates.append({"h": h, "definition": merged, "updated_at": now})
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
