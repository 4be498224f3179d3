"""Database helpers shared by every domain: base columns, the transaction boundary, SQLite tuning."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lms.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class TZDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use lms.db.utcnow() or an aware datetime")
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class TimestampMixin:
    created_at = sa.Column(TZDateTime(), nullable=False, default=utcnow)
    updated_at = sa.Column(TZDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


class ReadOnlyViolation(RuntimeError):
    """A request marked read-only (`read_only`) tried to write: a bug in the view, not the user's error."""


def read_only(view):
    """Mark a GET view as one that only reads.

    On PostgreSQL its request then runs on a connection in autocommit: no BEGIN and no COMMIT, two of a
    catalogue page's seven round trips to the server. Each statement still sees what was committed before
    it started, as in a READ COMMITTED transaction (PostgreSQL's default, the one this platform uses). A
    write attempted in such a request raises ReadOnlyViolation on every backend, so a view that starts
    writing fails its tests instead of committing statement by statement. It is also the mark a router
    would use to send a request to a read replica.
    """
    view.read_only = True
    return view


def begin_read_only_request(view) -> None:
    """Called before a request's first query: start read-only mode if the view is marked and the method reads."""
    if not getattr(view, "read_only", False) or request.method not in ("GET", "HEAD"):
        return
    session = db.session()
    session.info["read_only"] = True
    bind = session.get_bind()
    # On an engine only: a session bound to a connection (the tests' outer transaction) keeps its own.
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


@event.listens_for(sa.orm.Session, "before_flush")
def _refuse_flush_when_read_only(session, flush_context, instances):
    if session.info.get("read_only") and (session.new or session.dirty or session.deleted):
        raise ReadOnlyViolation("a read-only request tried to write: remove @read_only from its view")


@event.listens_for(sa.orm.Session, "do_orm_execute")
def _refuse_dml_when_read_only(state):
    if state.session.info.get("read_only") and (state.is_insert or state.is_update or state.is_delete):
        raise ReadOnlyViolation("a read-only request tried to write: remove @read_only from its view")


def commit_or_rollback(exc: BaseException | None) -> None:
    """The single commit point of a request or task: commit on success, roll back on any error."""
    db.session.info.pop("read_only", None)
    if exc is None:
        try:
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    else:
        db.session.rollback()


def ping_after_idle(engine: Engine, idle_seconds: int) -> None:
    """Check that a pooled connection is still alive before lending it out, if it sat idle in the pool for
    `idle_seconds` or more (0: on every checkout, SQLAlchemy's pool_pre_ping).

    A connection the server dropped while it was idle (PostgreSQL restarted, a proxy's idle timeout) is
    then replaced, with every other connection the pool held, before a request sees an error. Pinging on
    every checkout cost each request a round trip of its own: in bench/load.py one in eight of a page's
    round trips to PostgreSQL was the ping, on connections used milliseconds before. A connection that
    dies while busy is the optimistic case: the request fails and SQLAlchemy invalidates the pool.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _idle_from(dbapi_connection, record):
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return  # a new connection, or one in use a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # The pool connects again and retries; a restarted server took the idle ones too.
                raise sa.exc.InvalidatePoolError(str(error)) from error
            raise


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: a page that several commits
        # change (index pages above all) is then copied into the database once, not once per
        # commit, which made up a third of the commit time of statement ingestion.
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        # 16 MB of page cache per connection instead of 2 MB: a batch of statements touches a few
        # hundred index pages, and with 2 MB most were read again from the file on every batch
        # (3.2 read calls per statement stored, 0.7 with this).
        cursor.execute("PRAGMA cache_size=-16384")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
        # pysqlite's own transaction handling breaks SAVEPOINTs; let SQLAlchemy emit BEGIN itself.
        dbapi_connection.isolation_level = None


@event.listens_for(Engine, "connect")
def _postgresql_no_jit(dbapi_connection, connection_record):
    """PostgreSQL's JIT compiler is for long analytical scans; on the reports' wide queries (dozens of
    CASE columns, estimated above jit_above_cost) compiling took 3 of a query's 4.5 s and saved nothing.
    Turned off per connection (committed: a SET rolled back with its transaction would be undone)."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()
        dbapi_connection.commit()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")
