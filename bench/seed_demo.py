"""Benchmark `flask lms seed-demo`: time and peak memory for N staff (default 25,000).

Baseline in the same run: the same people inserted one ORM object at a time (a sample, scaled),
which is what the batched executemany in lms/demo.py replaces. Targets: under 120 s and 500 MB.

    .venv/bin/python bench/seed_demo.py [--staff 25000] [--database-url postgresql://...]
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(staff: int, database_url: str, instance: str, mode: str) -> None:
    import flask_migrate

    from lms import create_app
    from lms.settings import Settings

    app = create_app(Settings.from_env(environ={}, DATABASE_URL=database_url, INSTANCE_PATH=instance,
                                       SECRET_KEY="bench-secret-key-0123456789", LOG_LEVEL="WARNING"))
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        from lms import demo
        from lms.extensions import db

        agencies = demo.seed_agencies()
        start = time.perf_counter()
        if mode == "batched":
            demo.seed_staff(staff, agencies)
        else:
            import random

            from lms.people.demo_data import job_kind_for, make_job, make_national_id, make_person
            from lms.people.models import Employee

            rng = random.Random(1)
            targets = [a for a in agencies.values() if a.kind != "city"]
            for n in range(staff):
                agency = rng.choice(targets)
                person, job = make_person(rng), make_job(rng, job_kind_for(agency.code))
                e = Employee(staff_no=f"B{n:06d}", name_zh=person.name_zh, name_en=person.name_en,
                             agency=agency, job_title=job.title_zh, grade=job.grade, rank_class=job.rank_class)
                e.national_id = make_national_id(rng, person.sex)
                db.session.add(e)
                db.session.flush()
        db.session.commit()
        elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.3f} {peak_mb:.1f}")


def run(staff: int, database_url: str | None, mode: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{tmp}/bench.sqlite3"
        out = subprocess.run([sys.executable, __file__, "--child", mode, "--staff", str(staff),
                              "--database-url", url, "--instance", tmp],
                             check=True, capture_output=True, text=True).stdout.split()
    return float(out[-2]), float(out[-1])


def fresh_postgres(admin_url: str):
    import uuid

    import psycopg

    name = f"lms_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, admin_url.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--staff", type=int, default=25000)
    parser.add_argument("--baseline-sample", type=int, default=2000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL (a fresh database is made on it)")
    parser.add_argument("--child")
    parser.add_argument("--instance")
    args = parser.parse_args()
    if args.child:
        child(args.staff, args.database_url, args.instance, args.child)
        return

    def measure(staff, mode):
        if args.database_url:
            import psycopg

            name, url = fresh_postgres(args.database_url)
            try:
                return run(staff, url, mode)
            finally:
                with psycopg.connect(args.database_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        return run(staff, None, mode)

    base_s, base_mb = measure(args.baseline_sample, "per-row")
    base_rate = args.baseline_sample / base_s
    seconds, peak = measure(args.staff, "batched")
    rate = args.staff / seconds
    print(f"baseline (one ORM insert per person, {args.baseline_sample} staff): {base_rate:,.0f} staff/s, "
          f"{args.staff / base_rate:,.1f} s projected for {args.staff}")
    print(f"batched seed: {args.staff} staff in {seconds:.1f} s ({rate:,.0f} staff/s, {rate / base_rate:.1f}x), "
          f"peak RSS {peak:.0f} MB")
    ok = seconds < 120 and peak < 500
    print(f"seed_demo: {args.staff} staff in {seconds:.1f} s, peak {peak:.0f} MB, "
          f"target <120 s and <500 MB {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
