"""Fixtures for the whole suite: the app from the factory on SQLite or PostgreSQL (LMS_TEST_DB),
a per-test transaction that is rolled back, factories for people and accounts, signed-in clients."""
from __future__ import annotations

import itertools
from contextlib import contextmanager

import flask_migrate
import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

from lms import create_app
from lms.i18n import compile_catalogues
from lms.settings import Settings
from tests import services
from tests.s3_server import s3_config, s3_endpoint  # noqa: F401  (fixtures)

TEST_PASSWORD = "correct-horse-battery"


def make_settings(database_url: str, instance, **overrides) -> Settings:
    """Test settings, independent of the developer's environment variables."""
    values = {
        "DATABASE_URL": database_url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "test-secret-key-0123456789",
        "TESTING": True, "WTF_CSRF_ENABLED": False, "LOG_LEVEL": "WARNING",
        # Reports refresh their stored standing on every read (tasks run eagerly): tests see their own
        # changes at once; tests/courses/reports/test_snapshot.py covers the age-based refresh.
        "REPORTS_MAX_AGE_SECONDS": 0,
    }
    values.update(overrides)
    return Settings.from_env(environ={}, **values)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if services.TEST_DB == "postgresql":
        with services.postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    compile_catalogues()
    app = create_app(make_settings(database_url, tmp_path_factory.mktemp("instance")))
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    yield app
    with app.app_context():
        from lms.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """The app as a user meets it: its own committed database seeded with the demo city (40 generated
    staff), CSRF on. Shared by the browser journeys and the route crawl; tests must not change it
    beyond what a user's journey would."""
    compile_catalogues()
    with services.fresh_database(tmp_path_factory.mktemp("demo"), "lms_demo") as url:
        app = create_app(make_settings(url, tmp_path_factory.mktemp("demo-instance"), TESTING=False,
                                       WTF_CSRF_ENABLED=True))
        with app.app_context():
            flask_migrate.upgrade(revision="heads")
        result = app.test_cli_runner().invoke(args=["lms", "seed-demo", "--staff", "40"])
        assert result.exit_code == 0, result.output
        try:
            yield app
        finally:
            with app.app_context():
                from lms.extensions import db

                db.engine.dispose()


@pytest.fixture
def db(app):
    """The database with this test's work in one outer transaction, rolled back at the end.

    Code under test commits freely: with join_transaction_mode="create_savepoint" its commits only
    release savepoints, so every test starts from the migrated, empty schema.
    """
    from lms.extensions import db as _db

    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        _db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id)
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


class RequestIsolatingClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own `g` and its own session
    (a savepoint on the test's connection), so a request that fails and rolls back undoes only its
    own work. The test's session is flushed before and expired after, so both see the same rows."""

    def open(self, *args, **kwargs):
        from lms.extensions import db as _db

        testing_session = has_app_context()
        if testing_session:
            _db.session.flush()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if testing_session:
            _db.session.expire_all()
        return response


@pytest.fixture
def client(app, db):
    return app.test_client()


_counter = itertools.count(1)


@pytest.fixture
def make_agency(db):
    from lms.agencies.services import upsert_agency

    def factory(code=None, parent=None, name_zh=None, kind="unit", **kw):
        code = code or f"T{next(_counter):04d}"
        return upsert_agency(code, name_zh or f"測試機關{code}", kw.get("name_en", f"Agency {code}"), kind, parent)
    return factory


@pytest.fixture
def city(make_agency):
    """A small tree: city > police > (Lingya precinct > patrol unit), fire."""
    root = make_agency("KHH", kind="city", name_zh="高雄市政府")
    police = make_agency("POL", root, "警察局", kind="agency")
    lingya = make_agency("POL-LY", police, "苓雅分局")
    patrol = make_agency("POL-LY-PT", lingya, "苓雅分局巡邏隊")
    fire = make_agency("FIRE", root, "消防局", kind="agency")
    return {"root": root, "police": police, "lingya": lingya, "patrol": patrol, "fire": fire}


@pytest.fixture
def make_employee(db, city):
    from lms.people.models import Employee

    def factory(agency=None, **overrides):
        n = next(_counter)
        values = {"staff_no": f"E{n:06d}", "name_zh": f"員工{n}", "name_en": f"STAFF, NO-{n}",
                  "email": f"e{n}@example.gov.tw", "job_title": "科員", "grade": 5, "rank_class": "elementary"}
        values.update(overrides)
        national_id = values.pop("national_id", None)
        employee = Employee(agency=agency or city["lingya"], **values)
        if national_id:
            employee.national_id = national_id
        db.session.add(employee)
        db.session.flush()
        return employee
    return factory


_password_hash_cache: dict[str, str] = {}


@pytest.fixture
def make_user(db, make_employee):
    """An account (with an employee unless employee=None and email given) holding `roles`."""
    from lms.auth.models import User
    from lms.auth.services import grant_role, hash_password

    def factory(*roles, employee=..., agency=None, email=None):
        if employee is ...:
            employee = make_employee(agency=agency)
        if TEST_PASSWORD not in _password_hash_cache:  # argon2 is slow on purpose: hash once
            _password_hash_cache[TEST_PASSWORD] = hash_password(TEST_PASSWORD)
        user = User(employee=employee, email=email, password_hash=_password_hash_cache[TEST_PASSWORD])
        db.session.add(user)
        for role in roles:
            grant_role(user, role, agency if agency is not None else None)
        db.session.flush()
        return user
    return factory


@pytest.fixture
def login(client):
    def do_login(user, password=TEST_PASSWORD):
        client.post("/logout")
        response = client.post("/login", data={"identifier": user.login_name, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client
    return do_login


@pytest.fixture
def sign_in(app, db):
    """A new client per user, signed in: for tests that act as several people at once."""
    def signed_in(user):
        client = app.test_client()
        response = client.post("/login", data={"identifier": user.login_name, "password": TEST_PASSWORD})
        assert response.status_code == 302
        return client
    return signed_in


@contextmanager
def committed_app(database_url, instance, **overrides):
    """A second app on the same database for tests that need real commits (workers, threads)."""
    app = create_app(make_settings(database_url, instance, **overrides))
    with app.app_context():
        yield app


@pytest.fixture
def count_queries(db):
    """Counts SQL statements run inside the block: `with count_queries() as counted: ...; counted()`."""
    from sqlalchemy import event

    @contextmanager
    def counting():
        statements = []

        def record(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield lambda: len(statements)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    return counting
