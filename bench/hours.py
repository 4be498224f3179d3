"""Benchmark the hours ledger: 25,000 employees and 1,000,000 statements written straight into the
LRS tables, then a full `rebuild-hours` and one employee's yearly summary (p95 over a sample).

Baselines in the same run, on the same data: the rebuild done the naive way (one ORM record and one
employee lookup per statement, on a sample, projected to the whole LRS) and the summary computed by
loading the employee's records through the ORM and checking each rule in Python.
Targets: rebuild < 120 s, summary p95 < 20 ms. The last line is `hours: rebuild X s, summary p95 Y ms`.

    .venv/bin/python bench/hours.py [--employees 25000] [--statements 1000000] [--database-url URL]
    (default: a fresh database on postgresql://postgres@127.0.0.1:5432/postgres; --database-url sqlite for SQLite)
"""
from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE_URL = "https://lms.kcg.gov.tw"
TOPIC_CHOICES = [[], [], [], ["policy"], ["environment"], ["gender"], ["integrity"], ["human_rights", "neutrality"],
                 ["civic_participation"], ["cyber_general"], ["ethnic_diversity"]]


@contextmanager
def database(url: str | None):
    if url and url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3", tmp
        return
    import psycopg

    admin = url or "postgresql://postgres@127.0.0.1:5432/postgres"
    name = f"lms_bench_hours_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as tmp:
            yield admin.rsplit("/", 1)[0] + "/" + name, tmp
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed_people(db, employees: int) -> list[str]:
    import sqlalchemy as sa

    from lms.agencies.models import Agency
    from lms.people.models import Employee

    now = datetime.now(timezone.utc)
    root = Agency(code="KHH", name_zh="高雄市政府", kind="city", path="KHH")
    db.session.add(root)
    db.session.flush()
    units = []
    for i in range(40):
        unit = Agency(code=f"A{i:02d}", name_zh=f"機關{i}", kind="agency", parent_id=root.id, path=f"KHH/A{i:02d}")
        db.session.add(unit)
        units.append(unit)
    db.session.flush()
    rng = random.Random(7)
    roles = ["general"] * 90 + ["it"] * 8 + ["dedicated"] * 2
    rows = [{"staff_no": f"K{n:06d}", "name_zh": f"員工{n}", "name_en": "", "agency_id": rng.choice(units).id,
             "job_title": "科員", "rank_class": rng.choice(["junior", "elementary"]), "cyber_role": rng.choice(roles),
             "is_supervisor": False, "is_active": True, "created_at": now, "updated_at": now}
            for n in range(employees)]
    for start in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Employee), rows[start:start + 5000])
    return [r["staff_no"] for r in rows]


def make_statements(staff: list[str], count: int):
    """Rows for xapi_statements: 80 % completed, 14 % attended, 4 % failed, 2 % voids of earlier completions."""
    from xapi.emitter import vocabulary as v
    from xapi.store.identity import verb_hash

    rng = random.Random(11)
    hashes = {k: verb_hash(v.VERBS[k][0]) for k in ("completed", "attended", "failed", "voided")}
    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    completions: list[str] = []
    voided: set[str] = set()
    rows = []
    for seq in range(1, count + 1):
        roll = rng.random()
        kind = "completed" if roll < 0.80 else "attended" if roll < 0.94 else "failed" if roll < 0.98 else "voided"
        sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        stored = start + timedelta(seconds=seq * 90)
        if kind == "voided" and completions:
            target = completions.pop(rng.randrange(len(completions)))
            voided.add(target)
            payload = {"id": sid, "actor": {"objectType": "Agent", "account": {"homePage": BASE_URL, "name": "lms"}},
                       "verb": {"id": v.VERBS["voided"][0]}, "object": {"objectType": "StatementRef", "id": target},
                       "stored": stored.isoformat(), "timestamp": stored.isoformat()}
            rows.append((seq, sid, json.dumps(payload), hashes["voided"], target, stored, True))
            continue
        kind = "completed" if kind == "voided" else kind
        course = rng.randrange(3000)
        hours = rng.choice([1, 2, 3, 4, 6, 6, 12])
        mode = rng.choice([1, 2, 2, 3])
        ext = {v.EXT_TOPICS: rng.choice(TOPIC_CHOICES), v.EXT_LEARNING_MODE: mode}
        if rng.random() < 0.03:
            ext[v.EXT_PORTAL_CATEGORY] = "523"
        payload = {
            "id": sid, "actor": {"objectType": "Agent", "account": {"homePage": BASE_URL, "name": rng.choice(staff)}},
            "verb": {"id": v.VERBS[kind][0], "display": v.VERBS[kind][1]},
            "object": {"objectType": "Activity", "id": f"{BASE_URL}/xapi/activities/run/R{course}-{rng.randrange(4)}",
                       "definition": {"name": {"zh-TW": f"課程{course} 第1期"}, "type": v.ACTIVITY_TYPES["run"]}},
            "context": {"extensions": ext, "contextActivities": {"parent": [{
                "id": f"{BASE_URL}/xapi/activities/course/C{course}",
                "definition": {"name": {"zh-TW": f"課程{course}"}, "type": v.ACTIVITY_TYPES["course"]}}]}},
            "timestamp": stored.isoformat(), "stored": stored.isoformat()}
        if kind == "completed":
            payload["result"] = {"completion": True, "duration": f"PT{hours}H", "extensions": {v.EXT_HOURS: hours}}
            completions.append(sid)
        rows.append((seq, sid, json.dumps(payload, ensure_ascii=False), hashes[kind], None, stored, False))
    return [(s, sid, p, h, ref, stored, is_voiding, sid in voided) for s, sid, p, h, ref, stored, is_voiding in rows]


def load_statements(db, rows) -> None:
    """COPY on PostgreSQL, executemany on SQLite: straight into the LRS table (the ledger reads only it)."""
    import sqlalchemy as sa

    from xapi.store.models import Statement

    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
                "COPY xapi_statements (seq, statement_id, payload, verb_hash, ref_statement_id, stored, voided, "
                "is_voiding, has_attachments) FROM STDIN") as copy:
            for seq, sid, payload, vh, ref, stored, is_voiding, voided in rows:
                copy.write_row((seq, sid, payload, vh, ref, stored.replace(tzinfo=None), voided, is_voiding, False))
        connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('xapi_statements', 'seq'), "
                                   "(SELECT max(seq) FROM xapi_statements))")
        connection.exec_driver_sql("ANALYZE xapi_statements")
        return
    for start in range(0, len(rows), 20000):
        db.session.execute(sa.insert(Statement), [
            {"seq": seq, "statement_id": sid, "payload": payload, "verb_hash": vh, "ref_statement_id": ref,
             "stored": stored, "voided": voided, "is_voiding": is_voiding, "has_attachments": False}
            for seq, sid, payload, vh, ref, stored, is_voiding, voided in rows[start:start + 20000]])


def naive_rebuild_rate(db, sample: int) -> float:
    """Statements per second of the obvious way: ORM objects, one lookup and one insert per statement."""
    import sqlalchemy as sa

    from lms.people.models import Employee
    from lms.personnel.ledger import parse_completion
    from lms.personnel.models import LearningRecord, topic_codes
    from xapi.store.models import Statement

    statements = db.session.execute(sa.select(Statement).order_by(Statement.seq).limit(sample)).scalars().all()
    start = time.perf_counter()
    for row in statements:
        parsed = parse_completion(json.loads(row.payload)) if not row.is_voiding else None
        if parsed is None:
            continue
        employee = db.session.execute(sa.select(Employee).where(Employee.staff_no == parsed.who[1])).scalar_one()
        record = LearningRecord(source="lrs", source_ref="naive-" + row.statement_id, completion_key=parsed.key,
                                employee_id=employee.id, agency_id=employee.agency_id,
                                topic_codes=topic_codes(parsed.topics), **parsed.values)
        db.session.add(record)
        db.session.flush()
    elapsed = time.perf_counter() - start
    db.session.rollback()
    return sample / elapsed


def naive_summary(db, rules, employee_id: int, year: int) -> dict:
    """The summary the obvious way: every record through the ORM, each rule checked in Python."""
    import sqlalchemy as sa

    from lms.people.models import Employee
    from lms.personnel.models import LearningRecord

    employee = db.session.get(Employee, employee_id)
    out = {}
    for rule in rules:
        if rule.cyber_roles and employee.cyber_role not in rule.split(rule.cyber_roles):
            continue
        records = db.session.execute(sa.select(LearningRecord).where(
            LearningRecord.employee_id == employee_id,
            LearningRecord.year.between(year - rule.period_years + 1, year))).scalars().all()
        wanted, excluded = set(rule.split(rule.topics)), set(rule.split(rule.exclude_topics))
        out[rule.code] = sum(r.hours for r in records if r.status != "rejected"
                             and (not wanted or wanted & set(r.topics)) and not excluded & set(r.topics))
    return out


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=25000)
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--baseline-sample", type=int, default=20000)
    parser.add_argument("--summaries", type=int, default=400)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    import flask_migrate
    import sqlalchemy as sa

    from lms import create_app
    from lms.settings import Settings

    with database(args.database_url) as (url, instance):
        app = create_app(Settings.from_env(environ={}, DATABASE_URL=url, INSTANCE_PATH=instance, BASE_URL=BASE_URL,
                                           SECRET_KEY="bench-secret-key-0123456789", LOG_LEVEL="WARNING"))
        with app.app_context():
            from lms.extensions import db
            from lms.people.models import Employee
            from lms.personnel import ledger, queries, services
            from lms.personnel.models import LearningRecord

            flask_migrate.upgrade(revision="heads")
            t0 = time.perf_counter()
            staff = seed_people(db, args.employees)
            rows = make_statements(staff, args.statements)
            load_statements(db, rows)
            rule_set = services.seed_national_rules(2025)
            db.session.commit()
            del rows
            print(f"setup: {args.employees} employees, {args.statements} statements in {time.perf_counter() - t0:.1f} s")

            base_rate = naive_rebuild_rate(db, args.baseline_sample)
            start = time.perf_counter()
            read = ledger.rebuild_ledger()
            db.session.commit()
            rebuild = time.perf_counter() - start
            records = db.session.scalar(sa.select(sa.func.count(LearningRecord.id)))
            print(f"baseline rebuild (one ORM record per statement, {args.baseline_sample} sampled): "
                  f"{base_rate:,.0f} statements/s, {args.statements / base_rate:,.0f} s projected")
            print(f"rebuild: {read} statements read, {records} records in {rebuild:.1f} s "
                  f"({read / rebuild:,.0f} statements/s, {base_rate and (read / rebuild) / base_rate:.1f}x)")

            rng = random.Random(3)
            ids = db.session.execute(sa.select(Employee.id)).scalars().all()
            sample = [rng.choice(ids) for _ in range(args.summaries)]
            rules = list(rule_set.rules)
            timings, base = [], []
            for employee_id in sample:
                db.session.expire_all()
                start = time.perf_counter()
                fast = {r.rule.code: r.certified + r.pending for r in queries.employee_summary(employee_id, 2025)}
                timings.append(time.perf_counter() - start)
                db.session.expire_all()
                start = time.perf_counter()
                slow = naive_summary(db, rules, employee_id, 2025)
                base.append(time.perf_counter() - start)
                assert all(abs(fast.get(k, 0) - v) < 1e-6 for k, v in slow.items() if k in fast), (fast, slow)
            print(f"summary baseline (ORM records, rules in Python): p95 {p95(base):.1f} ms; "
                  f"set-based: p95 {p95(timings):.1f} ms, median {statistics.median(timings) * 1000:.1f} ms")
            ok = rebuild < 120 and p95(timings) < 20
            print(f"targets (<120 s, <20 ms) {'met' if ok else 'MISSED'} on {db.engine.dialect.name}")
            db.session.remove()
            db.engine.dispose()
        print(f"hours: rebuild {rebuild:.1f} s, summary p95 {p95(timings):.1f} ms")


if __name__ == "__main__":
    main()
