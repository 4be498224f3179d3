"""X-Experience-API-Consistent-Through: a time before which every stored statement is returned, so
never later than the `stored` of a statement whose transaction is still in flight."""
import sqlite3
from datetime import timedelta

import flask_migrate
import pytest
import sqlalchemy as sa

from lms.db import utcnow
from lms.extensions import db
from tests import services
from tests.conftest import make_settings
from xapi.store import queries
from xapi.validation.formats import parse_timestamp


def _header(response):
    return parse_timestamp(response.headers["X-Experience-API-Consistent-Through"])


def test_header_on_every_statements_read_and_behind_the_clock(lrs, make_statement):
    before = utcnow()
    [sid] = lrs.post("/xapi/statements", json_body=make_statement()).json
    for response in (lrs.get("/xapi/statements"), lrs.get(f"/xapi/statements?statementId={sid}"),
                     lrs.request("HEAD", "/xapi/statements"), lrs.get("/xapi/statements?verb=bad")):
        value = _header(response)
        # Behind the clock by the write margin (never simply "now"), and not needlessly far behind.
        assert before - timedelta(seconds=15) < value <= utcnow() - queries.CLOCK_MARGIN
    assert "X-Experience-API-Consistent-Through" not in lrs.get("/xapi/about").headers


@pytest.mark.skipif(services.TEST_DB != "sqlite", reason="SQLite's write margin")
def test_sqlite_value_is_now_minus_the_write_margin(app):
    before = utcnow()
    with app.app_context():
        value = queries.consistent_through()
    assert before - queries.SQLITE_WRITE_MARGIN <= value <= utcnow() - queries.SQLITE_WRITE_MARGIN


@pytest.mark.skipif(services.TEST_DB != "sqlite", reason="SQLite's single write lock")
def test_sqlite_insert_holds_the_write_lock_before_it_reads_the_clock(tmp_path, monkeypatch):
    """The margin is sound only if `stored` is read once this writer is the only one: check that the
    lock is already held when _insert asks for the time."""
    from lms import create_app
    from xapi.store import services as store

    held = []

    def clock_probe():
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            held.append(False)
        except sqlite3.OperationalError:
            held.append(True)
        finally:
            other.close()
        return utcnow()

    with services.fresh_database(tmp_path, "xapi_consistency") as url:
        path = url.removeprefix("sqlite:///")
        app = create_app(make_settings(url, tmp_path))
        try:
            with app.app_context():
                flask_migrate.upgrade(revision="heads")
                db.session.commit()
                monkeypatch.setattr(store, "utcnow", clock_probe)
                statement = {"actor": {"mbox": "mailto:a@example.gov.tw"},
                             "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
                             "object": {"id": "https://lms.example.gov.tw/run/1"}}
                store.store_statements(store.StoreRequest([statement], {"mbox": "mailto:lrs@example.gov.tw"}))
                db.session.rollback()
        finally:
            with app.app_context():
                db.engine.dispose()
    assert held and all(held)


@pytest.mark.postgres_only
@pytest.mark.skipif(services.TEST_DB != "postgresql", reason="PostgreSQL's view of transactions in flight")
def test_postgresql_value_stays_behind_a_write_in_flight(app, db):
    with db.engine.connect() as other:
        with other.begin():
            started = other.execute(sa.text(
                "SELECT xact_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")).scalar()
            other.execute(sa.text("SELECT txid_current()"))  # now it is a writing transaction
            assert queries.consistent_through() <= started - queries.CLOCK_MARGIN
    # With nothing in flight it follows the clock.
    assert utcnow() - queries.consistent_through() < timedelta(seconds=5)
