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
    warning: bool = False  # ok, but worth an operator's attention

    @property
    def label(self) -> str:
        return "FAIL" if not self.ok else "WARN" if self.warning else "ok  "


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


def check_schema() -> Check:
    """The database is at the newest migration (a release that skipped `flask db upgrade` fails here)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    try:
        script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
        with db.engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:
        return Check("schema", False, f"cannot read the migration state: {str(exc).splitlines()[0]}")
    heads = set(script.get_heads())
    if current == heads:
        return Check("schema", True, f"at {', '.join(sorted(heads))}")
    if not current:
        return Check("schema", False, "the database has no tables yet: run `flask db upgrade`")
    return Check("schema", False, f"the database is at {', '.join(sorted(current))}, the code expects "
                                  f"{', '.join(sorted(heads))}: run `flask db upgrade`")


def configuration_checks(config) -> list[Check]:
    """Settings that work on a laptop but not in a deployment, in plain words."""
    production = not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    checks = []

    def add(name: str, problem: bool, message: str, fatal: bool = False, fine: str = "set") -> None:
        checks.append(Check(name, not (problem and fatal), message if problem else fine, warning=problem))

    add("SECRET_KEY", production and config["SECRET_KEY_GENERATED"],
        "not set: this node signs sessions with its own instance/secret_key, so users are signed out "
        "whenever a request reaches another node; set the same SECRET_KEY on every node", fatal=True)
    add("NATIONAL_ID_KEY", production and not config["NATIONAL_ID_KEY"],
        "not set: national ID numbers are encrypted with a key derived from SECRET_KEY, so changing "
        "SECRET_KEY would make them unreadable; set a key of its own and keep it in the backup vault")
    add("BASE_URL", production and not config["BASE_URL"].startswith("https://"),
        f"{config['BASE_URL']} is not https: links in e-mails and calendars use it, and cookies are "
        "sent without the secure flag", fine=config["BASE_URL"])
    add("CELERY_BROKER_URL", production and not config["CELERY_BROKER_URL"],
        "not set: background work (e-mails, xAPI forwarding, exports) runs inside web requests",
        fine=config["CELERY_BROKER_URL"] or "eager")
    add("STORAGE_BACKEND", production and config["STORAGE_BACKEND"] == "local",
        "local disk: uploads saved on one web node are missing on the others and on the workers; "
        "use s3 (MinIO)", fine=config["STORAGE_BACKEND"])
    add("MAIL_SERVER", production and not config["MAIL_SERVER"],
        "not set: notifications are written to the log instead of being e-mailed",
        fine=config["MAIL_SERVER"] or "log only")
    return checks


def run_checks() -> list[Check]:
    return [check_database(), check_broker(), check_storage()]
