"""Factories for the training domain's tests: categories, courses, venues, rooms, instructors, runs."""
from __future__ import annotations

import itertools
from datetime import date, time

import pytest

_n = itertools.count(1)


@pytest.fixture
def make_category(db):
    from courses.catalogue.services import upsert_category

    def factory(code=None, name_zh=None, **kw):
        code = code or f"CAT{next(_n)}"
        return upsert_category(code, name_zh or f"類別{code}", kw.get("name_en", f"Category {code}"),
                               kw.get("sort_order", 0))
    return factory


@pytest.fixture
def make_course(db, city, make_category):
    from courses.catalogue.services import CourseData, create_course

    def factory(**overrides):
        n = next(_n)
        values = dict(code=f"C{n:04d}", title_zh=f"測試課程{n}", title_en=f"Test course {n}",
                      category_code=overrides.pop("category", None) or make_category().code,
                      credited_hours=6, agency_code=city["root"].code)
        values.update(overrides)
        return create_course(CourseData(**values))
    return factory


@pytest.fixture
def make_room(db):
    from courses.scheduling.services import save_room, save_venue

    def factory(seats=40, venue=None, name=None):
        venue = venue or save_venue(f"公務人力發展中心{next(_n)}", "Civil Service Development Center")
        return save_room(venue, name or f"{next(_n)}教室", seats)
    return factory


@pytest.fixture
def make_instructor(db):
    from courses.scheduling.services import save_instructor

    def factory(name_zh=None, affiliation="崑山科技大學", employee=None):
        return save_instructor(f"講座{next(_n)}" if name_zh is None else name_zh, affiliation=affiliation, employee=employee)
    return factory


@pytest.fixture
def make_run(db, make_course):
    from courses.scheduling.services import RunData, create_run

    def factory(course=None, **overrides):
        values = dict(year=2026, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6), capacity=30)
        values.update(overrides)
        return create_run(course or make_course(), RunData(**values))
    return factory


@pytest.fixture
def add_session(db):
    from courses.scheduling.services import SessionData, add_session

    def factory(run, day=None, start=time(9), end=time(12), **kw):
        return add_session(run, SessionData(day=day or run.starts_on, start=start, end=end, **kw))
    return factory


@pytest.fixture
def admin_client(make_user, login):
    from lms.auth.models import Role

    return login(make_user(Role.TRAINING_ADMIN))


@pytest.fixture
def learner_client(app, db, make_user):
    """A signed-in learner on a client of its own, so a test can use it beside admin_client."""
    from tests.conftest import TEST_PASSWORD

    client = app.test_client()
    user = make_user()
    response = client.post("/login", data={"identifier": user.login_name, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def count_queries(db):
    """Context manager collecting the SQL statements run inside it (transaction control left out)."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        statements = []
        engine = db.engine

        def record(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN")):
                statements.append(statement)
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)
    return counting
