"""What a new web process would otherwise do on its first requests, done before it serves any.

A fresh gunicorn worker (at start, after a deploy, and each time max_requests recycles one) used to
compile every template, load each language's translations and configure the mappers on whichever
requests came first: those took several times as long as the same pages a minute later. In
bench/load.py three quarters of the catalogue and course requests over 50 ms fell in the first five
seconds. With `preload_app` (deploy/gunicorn.conf.py) the master does this once and forks its
workers warm; without it each worker does it while booting, before it accepts a connection.

`warm_up` needs no database. `warm_up_pages` (gunicorn's master, before the first fork) then serves the
busiest pages once, read-only, to one staff member: SQLAlchemy compiles each of their queries on its first
execution in a process (a quarter to a half of a page's first showing, 10 to 35 ms each), and a forked
worker inherits the compiled queries. Each domain names its pages with `warm_up_paths`.
"""
from __future__ import annotations

import logging
from typing import Callable, Iterable

from flask import Flask

TEMPLATE_SUFFIXES = (".html", ".txt", ".ics", ".xml")


def warm_up(app: Flask) -> int:
    """Compile the templates, load the translations, configure the mappers; return how many
    templates were compiled. Opens no database connection."""
    from flask_babel import force_locale, get_translations
    from sqlalchemy.orm import configure_mappers

    from lms import LOCALES

    configure_mappers()
    env = app.jinja_env
    names = env.list_templates(filter_func=lambda name: name.endswith(TEMPLATE_SUFFIXES))
    for name in names:
        env.get_template(name)
    with app.test_request_context():
        for locale in LOCALES:
            with force_locale(locale):
                get_translations()
    return len(names)


_PATH_SOURCES: list[Callable[[], Iterable[str]]] = []
log = logging.getLogger(__name__)


def warm_up_paths(source: Callable[[], Iterable[str]]) -> Callable[[], Iterable[str]]:
    """Register a function that returns paths to serve in `warm_up_pages` (called in a request context
    with the database at hand). Only pages that change nothing: they are served in a read-only transaction."""
    _PATH_SOURCES.append(source)
    return source


def _read_only(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor.execute("PRAGMA query_only = ON")
    else:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        dbapi_connection.commit()
    cursor.close()


def warm_up_pages(app: Flask) -> dict[str, int]:
    """Serve every registered page once to a staff member without roles, on connections that can only
    read, then close those connections (a forked worker must not inherit them). Returns each path's status;
    empty when there is nobody to sign in as (a new installation) or the database does not answer. Never
    raises: a web tier starts without it, only its first pages are slower."""
    from sqlalchemy import event

    from lms.auth.models import User
    from lms.extensions import db

    statuses: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    engine.dispose()
    event.listen(engine, "connect", _read_only)
    try:
        with app.test_request_context():
            user = db.session.scalars(db.select(User).where(User.active.is_(True), User.employee_id.is_not(None),
                                                            ~User.grants.any()).order_by(User.id).limit(1)).first()
            if user is None:
                return statuses
            user_id = user.get_id()
            paths = [path for source in _PATH_SOURCES for path in source()]
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = user_id, False
        for path in paths:
            statuses[path] = client.get(path).status_code
    except Exception as exc:  # noqa: BLE001 - the pages are served cold instead
        log.warning("warm-up of the pages skipped: %s", str(exc).splitlines()[0] if str(exc) else repr(exc))
    finally:
        event.remove(engine, "connect", _read_only)
        engine.dispose()
    return statuses
