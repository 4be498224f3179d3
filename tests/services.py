"""Where the test suite finds PostgreSQL and Redis, and what happens when they are missing.

In CI (CI=true) a missing service fails the run; on a laptop the tests that need it are skipped
with a message that says what to start.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_DB = os.environ.get("LMS_TEST_DB", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("LMS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def service_missing(message: str):
    if IN_CI:
        pytest.fail(f"{message} (CI=true: a missing service is a failure, not a skip)", pytrace=False)
    pytest.skip(message)


def _admin_connection():
    import psycopg

    try:
        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        service_missing(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {str(exc).strip()}. "
                        "Start it, or set LMS_TEST_POSTGRES_URL.")


@contextmanager
def postgres_database(prefix: str = "lms_test"):
    """A brand-new PostgreSQL database for this run, dropped afterwards; yields its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with _admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(directory, prefix: str = "lms_test"):
    """A new, empty database of the kind this run tests (LMS_TEST_DB): a SQLite file in `directory`,
    or a PostgreSQL database dropped afterwards. Yields its SQLAlchemy URL."""
    if TEST_DB == "postgresql":
        with postgres_database(prefix) as url:
            yield url
    else:
        yield f"sqlite:///{directory / (prefix + '.sqlite3')}"


def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis is not reachable at {REDIS_URL}: {exc}. Start it, or set LMS_TEST_REDIS_URL.")
    return REDIS_URL
