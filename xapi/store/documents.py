"""Documents of the State, Activity Profile and Agent Profile resources: reads, writes with the
spec's optimistic concurrency (ETag / If-Match / If-None-Match), JSON merge on POST, deletes."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from lms.db import utcnow
from lms.errors import ConflictError, ValidationFailed
from lms.extensions import db
from xapi.errors import PreconditionFailedError
from xapi.store.models import Document

STATE, ACTIVITY_PROFILE, AGENT_PROFILE = "state", "activity_profile", "agent_profile"


@dataclass(frozen=True)
class DocumentScope:
    """Which documents: the kind plus the key parts that apply to it ('' when absent)."""

    kind: str
    activity_hash: str = ""
    agent_hash: str = ""
    registration: str = ""

    def where(self):
        return (Document.kind == self.kind, Document.activity_hash == self.activity_hash,
                Document.agent_hash == self.agent_hash, Document.registration == self.registration)


@dataclass(frozen=True)
class Preconditions:
    if_match: str | None = None
    if_none_match: str | None = None
    # PUT on an existing document without either header is a 409 where the spec requires it.
    required: bool = False


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}


def check_preconditions(existing: Document | None, pre: Preconditions) -> None:
    if pre.if_match is not None:
        tags = _etags(pre.if_match)
        if existing is None or not ("*" in tags or existing.etag in tags):
            raise PreconditionFailedError("If-Match does not match the document's current ETag.")
    if pre.if_none_match is not None:
        tags = _etags(pre.if_none_match)
        if existing is not None and ("*" in tags or existing.etag in tags):
            raise PreconditionFailedError("If-None-Match: the document already exists.")
    if pre.required and existing is not None and pre.if_match is None and pre.if_none_match is None:
        raise ConflictError("The document exists: send If-Match with its ETag (or If-None-Match: *) to change it.")


def get_document(scope: DocumentScope, doc_id: str) -> Document | None:
    return db.session.execute(sa.select(Document).where(*scope.where(), Document.doc_id == doc_id)).scalar_one_or_none()


def list_document_ids(scope: DocumentScope, since: datetime | None) -> list[str]:
    stmt = sa.select(Document.doc_id).where(*scope.where())
    if since is not None:
        stmt = stmt.where(Document.updated > since)
    return list(db.session.execute(stmt.order_by(Document.doc_id)).scalars())


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def _json_object(content: bytes, what: str) -> dict:
    try:
        value = json.loads(content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        value = None
    if not isinstance(value, dict):
        raise ValidationFailed([("content", f"{what} must be a JSON object to be merged.")])
    return value


def save_document(scope: DocumentScope, doc_id: str, content: bytes, content_type: str, pre: Preconditions,
                  *, merge: bool) -> Document:
    """PUT (replace) or POST (merge JSON objects; store as new when absent)."""
    existing = get_document(scope, doc_id)
    check_preconditions(existing, pre)
    if merge and existing is not None:
        if not (_is_json(existing.content_type) and _is_json(content_type)):
            raise ValidationFailed([("content", "POST merges JSON documents only: both the stored and the sent "
                                                "document must be application/json.")])
        merged = {**_json_object(existing.content, "The stored document"), **_json_object(content, "The sent document")}
        content = json.dumps(merged, ensure_ascii=False).encode("utf-8")
    elif merge and _is_json(content_type):
        _json_object(content, "The sent document")
    document = existing or Document(kind=scope.kind, activity_hash=scope.activity_hash, agent_hash=scope.agent_hash,
                                    registration=scope.registration, doc_id=doc_id)
    document.content, document.content_type = content, content_type or "application/octet-stream"
    document.etag, document.updated = etag_of(content), utcnow()
    if existing is None:
        db.session.add(document)
    db.session.flush()
    return document


def delete_document(scope: DocumentScope, doc_id: str, pre: Preconditions) -> None:
    existing = get_document(scope, doc_id)
    check_preconditions(existing, pre)
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()


def delete_documents(scope: DocumentScope) -> None:
    db.session.execute(sa.delete(Document).where(*scope.where()))
