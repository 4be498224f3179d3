"""Read-only views (lms.db.read_only): a write in one fails instead of committing; on PostgreSQL their
statements run on an autocommit connection, without BEGIN and COMMIT, and the next request is transactional again."""
from __future__ import annotations

import pytest
from flask import request
from sqlalchemy import event

from lms import create_app
from lms.agencies.models import Agency
from lms.db import read_only
from lms.extensions import db as _db
from tests import services
from tests.conftest import committed_app, make_settings


def _add_agency(code: str) -> str:
    _db.session.add(Agency(code=code, name_zh="唯讀測試", path=f"/{code}/"))
    _db.session.flush()
    return "added"


def _rename_agencies() -> str:
    _db.session.execute(_db.update(Agency).values(name_en="renamed"))
    return "renamed"


def _count_agencies() -> str:
    return str(_db.session.scalar(_db.select(_db.func.count(Agency.id))))


def _with_test_views(app):
    """Test views: the same write in a marked view and in an unmarked one, a Core UPDATE, a pure read.
    (read_only marks the function itself: each marked view gets a function of its own.)"""
    app.add_url_rule("/t/marked-add", "marked_add", read_only(lambda: _add_agency("RO-MARKED")))
    app.add_url_rule("/t/plain-add", "plain_add", lambda: _add_agency("RO-PLAIN"))
    app.add_url_rule("/t/marked-update", "marked_update", read_only(_rename_agencies))
    app.add_url_rule("/t/marked-post", "marked_post", read_only(lambda: _add_agency(request.form["code"])),
                     methods=["GET", "POST"])
    app.add_url_rule("/t/marked-read", "marked_read", read_only(lambda: _count_agencies()))
    app.add_url_rule("/t/plain-read", "plain_read", _count_agencies)
    return app


@pytest.fixture
def test_app(app, db, tmp_path, database_url):
    """A second app whose requests share the test's rolled-back transaction (the `db` fixture's session)."""
    other = _with_test_views(create_app(make_settings(database_url, tmp_path, PROPAGATE_EXCEPTIONS=False)))
    other.test_client_class = app.test_client_class
    return other


def _codes(db) -> set[str]:
    return set(db.session.scalars(db.select(Agency.code).where(Agency.code.like("RO-%"))))


def test_a_write_in_a_read_only_view_fails_and_writes_nothing(test_app, db):
    client = test_app.test_client()
    assert client.get("/t/marked-add").status_code == 500
    assert client.get("/t/marked-update").status_code == 500
    assert _codes(db) == set()
    # The same write in an unmarked view goes through: the mark, not the write, made the difference.
    assert client.get("/t/plain-add").status_code == 200
    assert _codes(db) == {"RO-PLAIN"}


def test_the_mark_applies_to_get_only_a_post_to_the_same_view_writes(test_app, db):
    client = test_app.test_client()
    assert client.post("/t/marked-post", data={"code": "RO-POSTED"}).status_code == 200
    assert _codes(db) == {"RO-POSTED"}


def test_a_read_only_view_reads_what_was_committed(test_app, db, make_agency):
    make_agency("RO-SEEN")
    before = int(test_app.test_client().get("/t/marked-read").get_data(as_text=True))
    make_agency("RO-SEEN2")
    assert int(test_app.test_client().get("/t/marked-read").get_data(as_text=True)) == before + 1


@pytest.mark.postgres_only
def test_on_postgresql_a_read_only_request_runs_in_autocommit_and_the_next_request_in_a_transaction(
        app, database_url, tmp_path):
    if services.TEST_DB != "postgresql":
        pytest.skip("autocommit reads are PostgreSQL's; SQLite reads a local file without round trips")
    with committed_app(database_url, tmp_path, DATABASE_POOL_SIZE=1) as app:  # noqa: F811
        _with_test_views(app)
        seen: list[tuple[str, bool]] = []

        @event.listens_for(_db.engine, "before_cursor_execute")
        def record(conn, cursor, statement, parameters, context, executemany):
            seen.append((request.endpoint, conn.connection.dbapi_connection.autocommit))
        client = app.test_client()
        for path in ("/t/plain-read", "/t/marked-read", "/t/plain-read", "/t/marked-read"):
            assert client.get(path).status_code == 200
        # One pooled connection served all four: autocommit for the marked view only, reset after it.
        # (psycopg sends no BEGIN on an autocommit connection, and its COMMIT is a no-op.)
        assert seen == [("plain_read", False), ("marked_read", True), ("plain_read", False), ("marked_read", True)]
