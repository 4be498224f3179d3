"""The LRS tables: statements (full JSON plus indexed query columns), their agent/activity links,
canonical activity definitions, documents (state and profiles), attachments and client credentials."""
from __future__ import annotations

import sqlalchemy as sa

from lms.db import TZDateTime, utcnow
from lms.extensions import db

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# StatementLink.kind: what role the agent or activity plays in the statement. Queries with
# related_agents / related_activities = true widen the match from the direct to the related kind.
LINK_AGENT, LINK_RELATED_AGENT, LINK_ACTIVITY, LINK_RELATED_ACTIVITY = 1, 2, 3, 4


class LrsClient(db.Model):
    """HTTP Basic credentials of one outside client; only a hash of the secret is kept."""

    __tablename__ = "xapi_clients"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(120), nullable=False)
    key = sa.Column(sa.String(64), nullable=False, unique=True)
    secret_hash = sa.Column(sa.String(64), nullable=False)
    can_write = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    revoked_at = sa.Column(TZDateTime(), nullable=True)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Statement(db.Model):
    __tablename__ = "xapi_statements"
    __table_args__ = (
        sa.Index("ix_xapi_statements_stored_seq", "stored", "seq"),
        sa.Index("ix_xapi_statements_verb_stored", "verb_hash", "stored"),
        # Partial: most statements have no registration and are no StatementRef, and an index
        # entry per NULL costs every insert for nothing (0640_xapi_indexes).
        sa.Index("ix_xapi_statements_registration", "registration",
                 sqlite_where=sa.text("registration IS NOT NULL"),
                 postgresql_where=sa.text("registration IS NOT NULL")),
        sa.Index("ix_xapi_statements_ref_statement_id", "ref_statement_id",
                 sqlite_where=sa.text("ref_statement_id IS NOT NULL"),
                 postgresql_where=sa.text("ref_statement_id IS NOT NULL")),
    )

    seq = sa.Column(BigId, primary_key=True, autoincrement=True)
    statement_id = sa.Column(sa.String(36), nullable=False, unique=True)
    payload = sa.Column(sa.Text, nullable=False)
    verb_hash = sa.Column(sa.String(40), nullable=False)
    registration = sa.Column(sa.String(36), nullable=True)
    ref_statement_id = sa.Column(sa.String(36), nullable=True)
    stored = sa.Column(TZDateTime(), nullable=False)
    voided = sa.Column(sa.Boolean, nullable=False, default=False)
    is_voiding = sa.Column(sa.Boolean, nullable=False, default=False)
    has_attachments = sa.Column(sa.Boolean, nullable=False, default=False)


class StatementLink(db.Model):
    """One agent or activity a statement mentions, by the SHA-1 of its identity (fixed-size index).

    The primary key is in lookup order (hash, kind, statement) and, on SQLite, the table has no
    rowid: the key is then the only B-tree, where it used to be a rowid table, its key index and a
    lookup index, so each link costs one index insert instead of three (0640_xapi_indexes).
    """

    __tablename__ = "xapi_statement_links"
    __table_args__ = ({"sqlite_with_rowid": False},)

    key_hash = sa.Column(sa.String(40), primary_key=True)
    kind = sa.Column(sa.SmallInteger, primary_key=True)
    statement_seq = sa.Column(BigId, sa.ForeignKey("xapi_statements.seq", ondelete="CASCADE"), primary_key=True)


class Activity(db.Model):
    """The canonical definition the LRS holds for an activity id (the Activities resource)."""

    __tablename__ = "xapi_activities"

    id_hash = sa.Column(sa.String(40), primary_key=True)
    activity_id = sa.Column(sa.Text, nullable=False)
    definition = sa.Column(sa.Text, nullable=False, default="{}")
    updated_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)


class Document(db.Model):
    """A State, Activity Profile or Agent Profile document. Absent key parts are stored as ''."""

    __tablename__ = "xapi_documents"
    __table_args__ = (
        sa.UniqueConstraint("kind", "activity_hash", "agent_hash", "registration", "doc_id",
                            name="uq_xapi_documents_identity"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(16), nullable=False)
    activity_hash = sa.Column(sa.String(40), nullable=False, default="")
    agent_hash = sa.Column(sa.String(40), nullable=False, default="")
    registration = sa.Column(sa.String(36), nullable=False, default="")
    doc_id = sa.Column(sa.String(255), nullable=False)
    content = sa.Column(sa.LargeBinary, nullable=False)
    content_type = sa.Column(sa.String(255), nullable=False)
    etag = sa.Column(sa.String(42), nullable=False)
    updated = sa.Column(TZDateTime(), nullable=False, default=utcnow)


class Attachment(db.Model):
    """An attachment body, stored once per SHA-2 hash in lms.storage."""

    __tablename__ = "xapi_attachments"

    sha2 = sa.Column(sa.String(128), primary_key=True)
    content_type = sa.Column(sa.String(255), nullable=False)
    length = sa.Column(sa.BigInteger, nullable=False)
    storage_key = sa.Column(sa.String(255), nullable=False)
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
