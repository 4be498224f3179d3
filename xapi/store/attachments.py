"""Attachment bodies: stored once per SHA-2 hash in lms.storage, listed in xapi_attachments."""
from __future__ import annotations

import io

import sqlalchemy as sa

from lms.extensions import db
from lms.storage import get_storage
from xapi.store.models import Attachment


def _key(sha2: str) -> str:
    return f"xapi/attachments/{sha2}"


def save_attachments(parts: dict, declared: list[dict]) -> None:
    """Store the bodies not stored yet. Content-addressed, so a rolled-back request leaves at most
    an unreferenced file that the same hash will reuse."""
    content_types = {a["sha2"].lower(): a["contentType"] for a in declared}
    known = set(db.session.execute(sa.select(Attachment.sha2).where(Attachment.sha2.in_(list(parts)))).scalars())
    storage = get_storage()
    for sha2, (part_type, content) in parts.items():
        if sha2 in known:
            continue
        content_type = content_types.get(sha2, part_type)
        storage.save(_key(sha2), io.BytesIO(content), content_type)
        db.session.add(Attachment(sha2=sha2, content_type=content_type, length=len(content), storage_key=_key(sha2)))
    db.session.flush()


def load_attachments(sha2s: list[str]):
    """(sha2, content type, bytes) of each stored attachment among `sha2s`, each once."""
    wanted = list(dict.fromkeys(s.lower() for s in sha2s))
    if not wanted:
        return
    rows = db.session.execute(sa.select(Attachment).where(Attachment.sha2.in_(wanted))).scalars()
    storage = get_storage()
    for row in rows:
        with storage.open(row.storage_key) as stream:
            yield row.sha2, row.content_type, stream.read()
