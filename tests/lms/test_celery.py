"""Background work: eager by default, and for real through Redis with a worker the test starts."""
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest

from lms.extensions import db as _db
from lms.notifications.models import Notification
from tests import services

ROOT = Path(__file__).resolve().parents[2]
from tests.conftest import make_settings


def test_eager_by_default_delivers_inside_the_request_transaction(app, db, make_employee):
    from lms.notifications.services import notify

    assert app.extensions["celery"].conf.task_always_eager
    notification = notify(make_employee(), "課程通知", "您已報名成功")
    assert notification.sent_at is not None and notification.attempts == 1


@contextmanager
def celery_worker(env, app_module="lms.celery_app"):
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", app_module, "worker", "--pool", "solo",
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


def test_a_crashed_workers_task_is_delivered_again_to_another_worker(tmp_path):
    """acks_late + reject on worker loss + the broker's visibility timeout: kill -9 a worker in the middle
    of a task, start another, and the task runs again to the end."""
    import signal

    import redis
    from celery import Celery

    broker = services.redis_url()
    redis.Redis.from_url(broker).flushdb()
    marker = tmp_path / "marker.txt"
    env = dict(os.environ, CELERY_BROKER_URL=broker, CELERY_VISIBILITY_TIMEOUT="3", INSTANCE_PATH=str(tmp_path),
               SECRET_KEY="crash-test-secret-0123456789", PYTHONPATH=str(ROOT))

    def wait_for(condition, seconds, what, worker):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        worker.kill()
        pytest.fail(f"{what}:\n{worker.stdout.read()[-3000:]}")

    with celery_worker(env, "tests.lms.crash_worker") as first:
        Celery(broker=broker).send_task("tests.crash.mark", args=[str(marker)])
        wait_for(lambda: marker.exists(), 60, "the first worker never started the task", first)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    assert marker.read_text() == "start\n"  # died in the middle
    with celery_worker(env, "tests.lms.crash_worker") as second:
        wait_for(lambda: marker.read_text().endswith("done\n"), 90,
                 "the task of the crashed worker was not delivered again", second)
    assert marker.read_text() == "start\nstart\ndone\n"
