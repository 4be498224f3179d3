"""Reachability checks for the services the platform depends on (status page, health endpoints)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from lms.extensions import db


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        db.session.execute(db.text("SELECT 1"))
        return Check("database", True, db.engine.url.render_as_string(hide_password=True))
    except Exception as exc:  # any driver error means "not reachable" here
        db.session.rollback()
        return Check("database", False, str(exc).splitlines()[0])


def check_broker() -> Check:
    url = current_app.config["CELERY_BROKER_URL"]
    if not url:
        return Check("broker", True, "eager (no broker configured; tasks run in the web process)")
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
        return Check("broker", True, conn.as_uri())
    except Exception as exc:
        return Check("broker", False, f"{url.split('@')[-1]}: {exc}")


def check_storage() -> Check:
    from lms.storage import StorageError, get_storage

    storage = get_storage()
    try:
        storage.ping()
        return Check("storage", True, storage.describe())
    except StorageError as exc:
        return Check("storage", False, str(exc))


def run_checks() -> list[Check]:
    return [check_database(), check_broker(), check_storage()]
