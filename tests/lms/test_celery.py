"""Background work: eager by default, and for real through Redis with a worker the test starts."""
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import flask_migrate
import pytest

from lms.extensions import db as _db
from lms.notifications.models import Notification
from tests import services
from tests.conftest import make_settings


def test_eager_by_default_delivers_inside_the_request_transaction(app, db, make_employee):
    from lms.notifications.services import notify

    assert app.extensions["celery"].conf.task_always_eager
    notification = notify(make_employee(), "課程通知", "您已報名成功")
    assert notification.sent_at is not None and notification.attempts == 1


@contextmanager
def celery_worker(env):
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "lms.celery_app", "worker", "--pool", "solo",
         "--loglevel", "INFO", "--without-mingle", "--without-gossip"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_task_runs_through_redis_in_a_real_worker(tmp_path):
    import redis

    broker = services.redis_url()
    redis.Redis.from_url(broker).flushdb()  # our own test database number: drop stale messages
    with services.fresh_database(tmp_path, "lms_celery") as url:
        overrides = {"CELERY_BROKER_URL": broker, "WTF_CSRF_ENABLED": False}
        app = create_committing_app(url, tmp_path, overrides)
        with app.app_context():
            flask_migrate.upgrade(revision="heads")
            from lms.agencies.services import upsert_agency
            from lms.notifications.services import notify
            from lms.people.models import Employee

            agency = upsert_agency("KHH", "高雄市政府", "Kaohsiung", "city")
            employee = Employee(staff_no="W0001", name_zh="吳美玲", agency=agency, email="w0001@example.gov.tw")
            _db.session.add(employee)
            notification = notify(employee, "開課通知", "班期已開放報名")
            # Nothing is sent before the commit: a worker must never look for a row that is not there yet.
            assert _db.session.info.get("lms_pending_tasks")
            _db.session.commit()
            notification_id = notification.id
            _db.session.remove()

        env = {**os.environ, "DATABASE_URL": url, "CELERY_BROKER_URL": broker,
               "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "test-secret-key-0123456789", "LOG_LEVEL": "INFO"}
        with celery_worker(env) as worker:
            deadline = time.monotonic() + 60
            sent_at = None
            while time.monotonic() < deadline and sent_at is None:
                time.sleep(0.5)
                with app.app_context():
                    sent_at = _db.session.get(Notification, notification_id).sent_at
                    _db.session.remove()
                if worker.poll() is not None:
                    break
        output = worker.stdout.read() if worker.stdout else ""
        with app.app_context():
            _db.engine.dispose()
    assert sent_at is not None, f"the worker did not deliver the notification:\n{output[-3000:]}"
    assert "deliver_notification" in output


def create_committing_app(url, tmp_path, overrides):
    from lms import create_app

    return create_app(make_settings(url, tmp_path, **overrides))


@pytest.mark.parametrize("broken", ["redis://127.0.0.1:1/0"])
def test_status_reports_an_unreachable_broker(tmp_path, broken):
    from lms.core.health import check_broker

    app = create_committing_app(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path, {"CELERY_BROKER_URL": broken})
    with app.app_context():
        check = check_broker()
    assert not check.ok and "127.0.0.1:1" in check.detail
