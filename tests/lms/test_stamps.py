"""Change stamps and the fragment cache (lms.stamps): a committed write to a stamped table changes the stamp's
token, whoever writes it; a rolled-back one does not; a cached part is served until the token changes; on
PostgreSQL two writers of stamped tables never deadlock over the stamp, and a transaction that has written
does not cache. Each test commits, so the module runs on a database of its own."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from lms.agencies.models import Agency
from lms.extensions import db as _db
from lms.stamps import FragmentCache, cached, fragment_cache, read_stamp, stamped_tables
from tests import services
from tests.conftest import committed_app


@pytest.fixture(scope="module")
def stamped_db(tmp_path_factory):
    import flask_migrate

    with services.fresh_database(tmp_path_factory.mktemp("stamps"), "lms_stamps") as url:
        with committed_app(url, tmp_path_factory.mktemp("stamps-instance")) as app:
            flask_migrate.upgrade(revision="heads")
            _db.session.add_all([Agency(code="STAMP-A", name_zh="甲", path="/STAMP-A/"),
                                 Agency(code="STAMP-B", name_zh="乙", path="/STAMP-B/")])
            _db.session.commit()
            yield app
            _db.session.remove()
            _db.engine.dispose()


def _token() -> str:
    token = read_stamp("catalogue")
    _db.session.rollback()   # end the reading transaction: the next read sees what committed since
    return token


def _rename(code: str, name: str) -> None:
    _db.session.execute(sa.update(Agency).where(Agency.code == code).values(name_en=name))


def test_a_committed_write_changes_the_token_and_a_rolled_back_one_does_not(stamped_db):
    assert "agencies" in stamped_tables("catalogue")
    before = _token()
    assert before and _token() == before
    _rename("STAMP-A", "rolled back")
    _db.session.rollback()
    assert _token() == before
    _rename("STAMP-A", "committed")
    _db.session.commit()
    after = _token()
    assert after not in (None, before)
    with _db.engine.begin() as conn:     # plain SQL on another connection counts too
        conn.execute(sa.text("UPDATE agencies SET name_en = 'by hand' WHERE code = 'STAMP-B'"))
    assert _token() not in (None, before, after)


def test_a_transaction_sees_its_own_write_on_sqlite_and_does_not_cache_on_postgresql(stamped_db):
    before = _token()
    _rename("STAMP-A", "uncommitted")
    inside = read_stamp("catalogue")
    _db.session.rollback()
    if _db.engine.dialect.name == "postgresql":
        assert inside is None            # its write is in the token only once it commits
    else:
        assert inside not in (None, before)
    assert _token() == before


def test_cached_serves_the_part_until_the_stamp_changes(stamped_db):
    renders = []

    def render():
        renders.append(1)
        return _db.session.scalar(sa.select(Agency.name_en).where(Agency.code == "STAMP-B"))

    fragment_cache().clear()
    _rename("STAMP-B", "first")
    _db.session.commit()
    assert cached("catalogue", ("b",), render) == "first"
    _db.session.rollback()
    assert cached("catalogue", ("b",), render) == "first"
    assert len(renders) == 1
    _rename("STAMP-B", "second")
    _db.session.commit()
    assert cached("catalogue", ("b",), render) == "second"
    assert len(renders) == 2


@pytest.mark.skipif(services.TEST_DB != "postgresql", reason="PostgreSQL's row locks; SQLite has one writer")
def test_two_writers_of_stamped_rows_do_not_deadlock_over_the_stamp(stamped_db):
    """T1 writes A, T2 writes B, T1 then waits for B. Were the stamp bumped at each write, T2 would hold B and
    wait for the stamp row T1 holds: a deadlock. Bumped at commit, T2 commits and T1 goes on."""
    engine = _db.engine
    rename = sa.text("UPDATE agencies SET name_en = :name WHERE code = :code")
    errors: list[BaseException] = []
    with engine.connect() as t1, engine.connect() as t2:
        for t in (t1, t2):               # were the stamp locked at each write, T2 would wait here forever
            t.begin()
            t.execute(sa.text("SET LOCAL lock_timeout = '5s'"))
        t1.execute(rename, {"name": "t1", "code": "STAMP-A"})
        t2.execute(rename, {"name": "t2", "code": "STAMP-B"})

        def t1_waits_for_b():
            try:
                t1.execute(rename, {"name": "t1", "code": "STAMP-B"})
                t1.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        waiting = threading.Thread(target=t1_waits_for_b)
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive()        # blocked on B's row lock
        t2.commit()
        waiting.join(10)
    assert not errors
    names = dict(_db.session.execute(sa.select(Agency.code, Agency.name_en).where(Agency.code.like("STAMP-%"))).all())
    assert names == {"STAMP-A": "t1", "STAMP-B": "t1"}


def test_the_fragment_cache_keeps_the_most_recently_used():
    cache = FragmentCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1           # a is now the more recent
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2
    off = FragmentCache(0)
    off.put("a", 1)
    assert off.get("a") is None
