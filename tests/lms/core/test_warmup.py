"""A web process compiles its templates and loads its translations before it serves a request, and
gunicorn's master serves the busiest pages once so that their queries are compiled before it forks."""
from contextlib import contextmanager

import jinja2
import pytest
from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from lms import create_app
from lms.core.warmup import TEMPLATE_SUFFIXES, warm_up, warm_up_pages
from lms.extensions import db
from lms.demo import DEMO_PASSWORD
from tests.conftest import make_settings


@pytest.fixture
def fresh_app(app, database_url, tmp_path):
    """A new app on the migrated test database: its template cache is empty, like a new worker's."""
    fresh = create_app(make_settings(database_url, tmp_path))
    yield fresh
    with fresh.app_context():
        db.engine.dispose()


def test_pages_render_without_compiling_a_template_after_warm_up(fresh_app, monkeypatch):
    connections = []
    with fresh_app.app_context():
        event.listen(db.engine, "connect", lambda *args: connections.append(args))
    compiled = warm_up(fresh_app)

    assert compiled == len(fresh_app.jinja_env.list_templates(filter_func=lambda n: n.endswith(TEMPLATE_SUFFIXES)))
    assert compiled > 50
    assert connections == []  # the master of a preloaded gunicorn must hold no connection to hand down

    def no_compiling(*args, **kwargs):
        raise AssertionError("a template was compiled while serving a request")

    monkeypatch.setattr(fresh_app.jinja_env, "compile", no_compiling)
    assert fresh_app.test_client().get("/login").status_code == 200


def test_without_warm_up_the_first_request_compiles(fresh_app, monkeypatch):
    """The check above can fail: a cold app does compile on its first page."""
    def no_compiling(*args, **kwargs):
        raise jinja2.TemplateError("compiled on request")

    monkeypatch.setattr(fresh_app.jinja_env, "compile", no_compiling)
    fresh_app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(jinja2.TemplateError):
        fresh_app.test_client().get("/login")


# -- the busiest pages, served once before the fork --------------------------------------------------------

@contextmanager
def cold_app_on(url, instance):
    """A new app object (empty caches, like a new gunicorn master) on an existing database."""
    fresh = create_app(make_settings(url, instance, TESTING=False))
    try:
        yield fresh
    finally:
        with fresh.app_context():
            db.engine.dispose()


@contextmanager
def compiled_queries(app):
    """The statements SQLAlchemy had to compile (not found in the engine's compiled cache) in the block."""
    compiled = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if context is not None and context.cache_hit is CacheStats.CACHE_MISS:
            compiled.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", record)
    try:
        yield compiled
    finally:
        event.remove(engine, "after_cursor_execute", record)


def _signed_in_learner(app):
    client = app.test_client()
    assert client.post("/login", data={"identifier": "L0001", "password": DEMO_PASSWORD}).status_code == 302
    return client


@pytest.fixture
def demo_url(demo_app):
    return demo_app.config["SQLALCHEMY_DATABASE_URI"]


def test_the_busiest_pages_are_served_read_only_and_their_queries_stay_compiled(demo_url, tmp_path):
    with cold_app_on(demo_url, tmp_path) as fresh:
        fresh.config["WTF_CSRF_ENABLED"] = False
        connections = []
        with fresh.app_context():
            event.listen(db.engine, "connect", lambda *args: connections.append(args))
        served = warm_up_pages(fresh)

        paths = sorted(served)
        assert len(paths) == 5
        assert paths[0].startswith("/courses/?q=") and paths[1].startswith("/courses/")  # a search, a course
        assert paths[2] == "/enrol/" and paths[3].startswith("/enrol/runs/") and paths[4] == "/my/learning"
        assert set(served.values()) == {200}, served
        with fresh.app_context():
            pooled = db.engine.pool.checkedin()
        assert connections and pooled == 0  # it connected, and closed them all before any fork
        client = _signed_in_learner(fresh)
        with compiled_queries(fresh) as compiled:
            for path in paths:
                assert client.get(path).status_code == 200
        assert compiled == []


def test_a_cold_process_compiles_those_queries_on_its_first_showing(demo_url, tmp_path):
    """The check above can fail."""
    with cold_app_on(demo_url, tmp_path) as fresh:
        fresh.config["WTF_CSRF_ENABLED"] = False
        client = _signed_in_learner(fresh)
        with compiled_queries(fresh) as compiled:
            assert client.get("/enrol/").status_code == 200
        assert len(compiled) >= 2


def test_the_warm_up_cannot_write(demo_url, tmp_path):
    """Its connections are read-only: a page that wrote would fail in the warm-up, not change the data."""
    from lms.core import warmup

    with cold_app_on(demo_url, tmp_path) as fresh:
        with fresh.app_context():
            db.engine.dispose()
            event.listen(db.engine, "connect", warmup._read_only)
            try:
                with pytest.raises(Exception, match="(?i)read.only|readonly"):
                    db.session.execute(db.text("CREATE TABLE warm_up_wrote (id integer)"))
            finally:
                db.session.rollback()
                event.remove(db.engine, "connect", warmup._read_only)
                db.engine.dispose()


def test_with_nobody_to_sign_in_as_or_no_database_the_warm_up_serves_nothing_and_raises_nothing(app, tmp_path):
    assert warm_up_pages(app) == {}  # the test database holds no committed user
    with cold_app_on("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path) as unreachable:
        assert warm_up_pages(unreachable) == {}
