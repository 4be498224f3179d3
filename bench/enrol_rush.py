"""Benchmark an enrolment rush: N concurrent requests for a run of C seats (default 2,000 for 100).

Each request runs like a web request: its own app context and session, `courses.enrollment.services.enroll`,
one commit. The run's row lock must give exactly C seats and a waitlist in arrival order (the sequence the
lock hands out). Baseline in the same run: the same number of requests served one at a time, on a second run.
SQLite (the default) serialises writers itself: a request whose transaction read before another one
committed is refused ("database is locked") and retried as a client would, so on SQLite threads mostly
wait and retry and the seats still come out right. `--database-url postgresql://...` (an empty database
you own: the bench migrates it) measures the real row-lock path.

    .venv/bin/python bench/enrol_rush.py [--requests 2000] [--seats 100] [--threads 32] [--database-url URL]

Last line: `enrol_rush: seated S of C, waitlisted W, R req/s`.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RETRIES = 200


@dataclass
class RushResult:
    seated: int
    waitlisted: int
    errors: int
    seconds: float
    in_order: bool

    @property
    def per_second(self) -> float:
        return (self.seated + self.waitlisted) / self.seconds if self.seconds else 0.0


def engine_overrides(url: str, connections: int) -> dict:
    """A pool as large as the rush (within PostgreSQL's default 100 connections) and a long wait for a
    connection: in a rush requests queue for the run's lock, and a queued request is not an error."""
    if url.startswith("sqlite"):
        return {}
    size = min(connections, 60)
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": size, "max_overflow": 0,
                                          "pool_timeout": 300}}


def seed_run(seats: int, people: int, tag: str) -> tuple[int, list[int]]:
    """A run open for enrolment with `seats` seats and `people` staff to rush it; call inside an app context."""
    from courses.catalogue.services import CourseData, create_course, upsert_category
    from courses.enrollment.services import local_today
    from courses.scheduling.services import RunData, create_run
    from lms.agencies.services import upsert_agency
    from lms.extensions import db
    from lms.people.models import Employee

    city = upsert_agency("KHH", "高雄市政府", "Kaohsiung City Government", "city")
    upsert_category("RUSH", "壓力測試", "Rush")
    course = create_course(CourseData(code=f"RUSH-{tag}", title_zh="資通安全通識教育訓練", category_code="RUSH",
                                      credited_hours=3, agency_code=city.code))
    starts_on = local_today() + timedelta(days=30)
    run = create_run(course, RunData(year=starts_on.year, starts_on=starts_on, ends_on=starts_on, capacity=seats,
                                     status="open", enrol_opens_on=local_today() - timedelta(days=1),
                                     enrol_closes_on=starts_on - timedelta(days=1)))
    rows = [{"staff_no": f"R{tag}{n:05d}", "name_zh": f"搶位{n}", "name_en": "", "agency_id": city.id,
             "job_title": "", "rank_class": "other", "cyber_role": "general"} for n in range(people)]
    db.session.execute(db.insert(Employee), rows)
    ids = list(db.session.execute(db.select(Employee.id).where(Employee.staff_no.like(f"R{tag}%"))
                                  .order_by(Employee.id)).scalars())
    db.session.commit()
    return run.id, ids


def _one_request(app, run_id: int, employee_id: int, start: threading.Barrier | None) -> bool:
    from sqlalchemy.exc import OperationalError

    from courses.enrollment.services import enroll
    from courses.scheduling.models import ClassRun
    from lms.db import commit_or_rollback
    from lms.extensions import db
    from lms.people.models import Employee

    if start is not None:
        start.wait()
    for attempt in range(RETRIES):
        with app.app_context():
            try:
                enroll(db.session.get(ClassRun, run_id), db.session.get(Employee, employee_id))
                commit_or_rollback(None)
                return True
            except OperationalError:   # SQLite: "database is locked" — the client tries again
                db.session.rollback()
                time.sleep(0.002 * (attempt + 1))
            finally:
                db.session.remove()
    return False


def rush(app, run_id: int, employee_ids: list[int], threads: int, together: bool = False) -> RushResult:
    """Fire one enrolment request per employee from `threads` threads; `together` makes them all wait at a
    barrier first (threads must then be at least the number of requests)."""
    start = threading.Barrier(len(employee_ids)) if together else None
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(lambda e: _one_request(app, run_id, e, start), employee_ids))
    seconds = time.perf_counter() - began
    seated, waitlisted, in_order = check(app, run_id)
    return RushResult(seated, waitlisted, outcomes.count(False), seconds, in_order)


def check(app, run_id: int) -> tuple[int, int, bool]:
    """Seat and waitlist counts, and whether seats went to the first arrivals and the waitlist follows arrival."""
    from courses.enrollment.models import Enrollment
    from lms.extensions import db

    with app.app_context():
        rows = db.session.execute(db.select(Enrollment.seq, Enrollment.status, Enrollment.requested_at)
                                  .where(Enrollment.run_id == run_id).order_by(Enrollment.seq)).all()
        db.session.remove()
    seqs = [r.seq for r in rows]
    seated = [r.seq for r in rows if r.status == "seated"]
    waitlisted = [r.seq for r in rows if r.status == "waitlisted"]
    times = [r.requested_at for r in rows]
    in_order = (seqs == list(range(1, len(rows) + 1)) and seated == seqs[:len(seated)]
                and times == sorted(times))
    return len(seated), len(waitlisted), in_order


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)

    import flask_migrate

    from lms import create_app
    from lms.settings import Settings

    with tempfile.TemporaryDirectory() as instance:
        url = args.database_url or f"sqlite:///{Path(instance) / 'rush.sqlite3'}"
        app = create_app(Settings.from_env(environ={}, DATABASE_URL=url, INSTANCE_PATH=instance,
                                           SECRET_KEY="bench-secret-key-0123456789", LOG_LEVEL="ERROR",
                                           **engine_overrides(url, args.threads)))
        with app.app_context():
            flask_migrate.upgrade(revision="heads")
            tag = f"{int(time.time()) % 100000:05d}"
            baseline_run, baseline_people = seed_run(args.seats, args.requests, tag + "B")
            rush_run, rush_people = seed_run(args.seats, args.requests, tag + "C")
        kind = url.split(":", 1)[0]
        baseline = rush(app, baseline_run, baseline_people, threads=1)
        print(f"baseline (one at a time, {kind}): seated {baseline.seated} of {args.seats}, "
              f"waitlisted {baseline.waitlisted}, {baseline.per_second:.0f} req/s")
        result = rush(app, rush_run, rush_people, threads=args.threads)
        print(f"rush ({args.threads} threads, {kind}): {result.seconds:.1f} s, errors {result.errors}, "
              f"seats to the first arrivals and waitlist in arrival order: {'yes' if result.in_order else 'NO'}")
        with app.app_context():
            from lms.extensions import db

            db.engine.dispose()
    print(f"enrol_rush: seated {result.seated} of {args.seats}, waitlisted {result.waitlisted}, "
          f"{result.per_second:.0f} req/s")


if __name__ == "__main__":
    main()
