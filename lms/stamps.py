"""Change stamps and the fragment cache: render a busy page's shared part once per change of its data.

A change stamp names a group of tables (the catalogue: courses, runs, sessions, venues, ...). Database
triggers give the stamp a new random token whenever a transaction that wrote one of the tables commits,
whoever wrote it: a view, a Celery task, a CLI command or plain SQL. A page part rendered from those
tables alone is then cached in each web process under (its key, the token), and served again until the
token changes. Readers read the token before the data, so an entry can only be newer than its token.

- PostgreSQL: a deferred constraint trigger per table bumps the token once per transaction, at commit. The
  stamp row is locked only while the transaction commits, so writers of those tables never wait on each
  other before their commit and cannot deadlock over it. Until it commits, a transaction's own writes are
  not in the token: `read_stamp` returns None in a transaction that has written (nothing is cached).
- SQLite: row triggers bump the token at once, inside the writing transaction (SQLite has one writer).

Tokens are random, never counters, so a rolled-back transaction's token never comes back. A migration that
adds a table a stamped page reads must add its triggers (`trigger_sql`); on SQLite a batch migration that
rebuilds a stamped table must create them again (tests/courses/catalogue/test_cache.py checks the catalogue's).
TRUNCATE is not followed.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

import sqlalchemy as sa
from flask import current_app

from lms.extensions import db

T = TypeVar("T")

data_stamps = sa.Table(
    "data_stamps", db.metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("token", sa.String(40), nullable=False),
    info={"backup": False},   # kept by the triggers; a restore's writes change the tokens (lms/core/backup.py)
)

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION bump_data_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Once per transaction and stamp: the first of its rows to be checked at commit bumps the token.
    IF current_setting('lms.stamped_' || TG_ARGV[0], true) = '1' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('lms.stamped_' || TG_ARGV[0], '1', true);
    UPDATE data_stamps SET token = gen_random_uuid()::text WHERE name = TG_ARGV[0];
    RETURN NULL;
END $$
"""
_SQLITE_TOKEN = "lower(hex(randomblob(16)))"


def _trigger_name(stamp: str, table: str, event: str = "") -> str:
    return f"stamp_{stamp}_{table}" + (f"_{event.lower()}" if event else "")


def trigger_sql(dialect: str, stamp: str, tables: list[str]) -> list[str]:
    """DDL that creates stamp `stamp` and makes a write to any of `tables` change its token (for migrations)."""
    token = "gen_random_uuid()::text" if dialect == "postgresql" else _SQLITE_TOKEN
    statements = [f"INSERT INTO data_stamps (name, token) VALUES ('{stamp}', {token})"]
    if dialect == "postgresql":
        statements.append(_PG_FUNCTION)
        statements += [f"CREATE CONSTRAINT TRIGGER {_trigger_name(stamp, table)} AFTER INSERT OR UPDATE OR DELETE "
                       f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                       f"EXECUTE FUNCTION bump_data_stamp('{stamp}')" for table in tables]
    else:
        statements += [f"CREATE TRIGGER {_trigger_name(stamp, table, event)} AFTER {event} ON {table} BEGIN "
                       f"UPDATE data_stamps SET token = {_SQLITE_TOKEN} WHERE name = '{stamp}'; END"
                       for table in tables for event in ("INSERT", "UPDATE", "DELETE")]
    return statements


def drop_trigger_sql(dialect: str, stamp: str, tables: list[str]) -> list[str]:
    """The reverse of `trigger_sql`, but for the PostgreSQL function, which other stamps may use."""
    if dialect == "postgresql":
        statements = [f"DROP TRIGGER IF EXISTS {_trigger_name(stamp, table)} ON {table}" for table in tables]
    else:
        statements = [f"DROP TRIGGER IF EXISTS {_trigger_name(stamp, table, event)}"
                      for table in tables for event in ("INSERT", "UPDATE", "DELETE")]
    return statements + [f"DELETE FROM data_stamps WHERE name = '{stamp}'"]


def stamped_tables(stamp: str) -> set[str]:
    """The tables whose writes change `stamp`, as the database's triggers say."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        rows = db.session.execute(sa.text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname = 'stamp_' || :stamp || '_' || c.relname"), {"stamp": stamp})
        return {name for (name,) in rows}
    rows = db.session.execute(sa.text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"))
    by_table: dict[str, set[str]] = {}
    for table, name in rows:
        by_table.setdefault(table, set()).add(name)
    return {table for table, names in by_table.items()
            if all(_trigger_name(stamp, table, e) in names for e in ("INSERT", "UPDATE", "DELETE"))}


def read_stamp(name: str) -> str | None:
    """The stamp's current token, or None when a page read now must not be cached: the stamp is unknown,
    or (PostgreSQL) this transaction has written and its writes are not in the token yet."""
    if db.session.get_bind().dialect.name == "postgresql":
        row = db.session.execute(sa.text("SELECT token, pg_current_xact_id_if_assigned() IS NULL FROM data_stamps "
                                         "WHERE name = :name"), {"name": name}).first()
        return row[0] if row is not None and row[1] else None
    return db.session.execute(sa.select(data_stamps.c.token).where(data_stamps.c.name == name)).scalar()


class FragmentCache:
    """A bounded, thread-safe least-recently-used map of rendered fragments, one per web process."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def put(self, key: Hashable, value) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def fragment_cache() -> FragmentCache:
    cache = current_app.extensions.get("lms.fragments")
    if cache is None:
        cache = current_app.extensions["lms.fragments"] = FragmentCache(current_app.config["FRAGMENT_CACHE_ENTRIES"])
    return cache


def cached(stamp: str, key: tuple, render: Callable[[], T]) -> T:
    """`render()`'s result for `key` while stamp `stamp` has not changed; rendered afresh (and not kept)
    when the stamp cannot be trusted. The key must hold everything else the result depends on."""
    token = read_stamp(stamp)
    if token is None:
        return render()
    cache = fragment_cache()
    full_key = (stamp, token) + key
    value = cache.get(full_key)
    if value is None:
        value = render()
        cache.put(full_key, value)
    return value
