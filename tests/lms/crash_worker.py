"""The worker app of test_celery's crash test: the platform plus one task that stalls on its first run."""
from pathlib import Path
import time

from celery import shared_task

from lms import create_app


@shared_task(name="tests.crash.mark")
def mark(path: str) -> None:
    marker = Path(path)
    first_run = not marker.exists()
    with marker.open("a") as f:
        f.write("start\n")
    if first_run:
        time.sleep(300)  # the test kills the worker here
    with marker.open("a") as f:
        f.write("done\n")


celery = create_app().extensions["celery"]
