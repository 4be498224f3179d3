"""Celery bound to the Flask app.

Worker:  celery -A lms.celery_app worker      Beat:  celery -A lms.celery_app beat
Without CELERY_BROKER_URL tasks run eagerly in the caller's process and transaction.
With a broker, `enqueue` sends a task only after the caller's transaction commits, so a worker
never looks for a row that is not there yet.
"""
from __future__ import annotations

import importlib
import logging

from celery import Celery, Task
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.extensions import db

logger = logging.getLogger(__name__)

# Modules whose tasks.py declares tasks and, optionally, BEAT_SCHEDULE entries.
TASK_MODULES = ("lms.notifications.tasks", "xapi.emitter.tasks", "lms.personnel.tasks", "courses.enrollment.tasks",
                "courses.reports.tasks", "courses.tracks.tasks")


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            if has_app_context():
                # Eager call inside a request or test: share the caller's session and commit point.
                return self.run(*args, **kwargs)
            with app.app_context():
                try:
                    result = self.run(*args, **kwargs)
                    db.session.commit()
                    return result
                except BaseException:
                    db.session.rollback()
                    raise
                finally:
                    db.session.remove()

    broker = app.config["CELERY_BROKER_URL"]
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker or "memory://",
        result_backend=app.config["CELERY_RESULT_BACKEND"] or None,
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,  # a crashed worker's task is delivered again
        task_reject_on_worker_lost=True,
        # Redis keeps a taken task "unacknowledged" until the worker finishes it; if the worker dies,
        # the task goes back on the queue after this long (keep it above the longest task's run time).
        # Workers look for such tasks every 10 s (kombu's default throttle would look only every 100 s).
        broker_transport_options={"visibility_timeout": app.config["CELERY_VISIBILITY_TIMEOUT"],
                                  "unacked_restore_interval": 10, "unacked_restore_throttle": 1},
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="Asia/Taipei",
    )
    schedule = {}
    for name in TASK_MODULES + tuple(app.config.get("EXTRA_TASK_MODULES", ())):
        module = importlib.import_module(name)
        schedule.update(getattr(module, "BEAT_SCHEDULE", {}))
    celery.conf.beat_schedule = schedule
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def enqueue(task, *args) -> None:
    """Run `task` with plain arguments: now when eager, else after the current transaction commits.

    The current Flask app's Celery decides (not the task's default app), so several apps in one
    process (tests, scripts) each keep their own broker settings.
    """
    celery = current_app.extensions["celery"]
    if celery.conf.task_always_eager:
        task.apply(args=args, throw=True)
        return
    db.session.info.setdefault("lms_pending_tasks", []).append((celery, task.name, args))


def _send_pending(session) -> None:
    for celery, name, args in session.info.pop("lms_pending_tasks", []):
        try:
            celery.send_task(name, args=args)
        except Exception:  # noqa: BLE001 - broker down: the data is committed, the periodic sweeps redo the work
            logger.exception("could not send task %s%r to the broker; the periodic sweep will pick it up", name, args)


def _drop_pending(session) -> None:
    session.info.pop("lms_pending_tasks", None)


event.listen(Session, "after_commit", _send_pending)
event.listen(Session, "after_rollback", _drop_pending)

_worker_celery: Celery | None = None


def __getattr__(name: str):
    """`celery -A lms.celery_app` asks this module for `celery`: build the Flask app on demand."""
    global _worker_celery
    if name == "celery":
        if _worker_celery is None:
            from lms import create_app

            _worker_celery = create_app().extensions["celery"]
        return _worker_celery
    raise AttributeError(name)
