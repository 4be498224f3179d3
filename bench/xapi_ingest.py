"""Benchmark the LRS: statement ingestion through the HTTP API against a plain executemany, and the
common query (agent + verb + since) over a large store.

For each database (PostgreSQL when reachable, then SQLite): a fresh database, N statements POSTed in
batches of 100 through the full Flask stack (validation, indexing, one transaction per request),
then the same statements inserted with a plain executemany (batches of 100, one transaction each)
into a scratch copy of the statement table in the same database: each statement's row as the LRS keeps
it (JSON and indexed columns), without the HTTP, validation, links and activities the API adds (the
rate of (id, JSON) into a two-column table is printed too). Then the store is filled to --query-size statements
(plain executemany of the rows the service builds: JSON, indexed columns, links; no validation)
and the query is timed over HTTP.
Targets: api >= 4,000/s on SQLite and >= 20 % of the plain rate; query p95 < 50 ms.
The last line is `xapi_ingest: api N/s, plain M/s, ratio R` for SQLite.

    .venv/bin/python bench/xapi_ingest.py [--statements 20000] [--query-size 1000000] [--skip-postgres]
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VERBS = ["http://adlnet.gov/expapi/verbs/" + v for v in ("registered", "attended", "completed", "passed", "failed")]
HOME = "https://lms.kcg.gov.tw"


def make_statement(rng: random.Random, staff: int) -> dict:
    run = rng.randrange(421)
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": f"E{rng.randrange(staff):06d}"}},
        "verb": {"id": rng.choice(VERBS), "display": {"en-US": "did", "zh-TW": "完成"}},
        "object": {"id": f"{HOME}/xapi/activities/run/112-{run:03d}", "definition": {
            "name": {"zh-TW": f"研習班 第{run}期"}, "type": "http://adlnet.gov/expapi/activities/meeting"}},
        "result": {"completion": True, "duration": "PT6H", "extensions": {f"{HOME}/xapi/ext/hours": 6}},
        "context": {"registration": str(uuid.uuid5(uuid.NAMESPACE_URL, str(run))),
                    "contextActivities": {"parent": [{"id": f"{HOME}/xapi/activities/course/{run % 97}"}]}},
        "timestamp": "2023-02-06T09:00:00.000+08:00",
    }


def build_app(database_url: str, instance: str):
    import flask_migrate

    from lms import create_app
    from lms.settings import Settings

    app = create_app(Settings.from_env(environ={}, DATABASE_URL=database_url, INSTANCE_PATH=instance,
                                       SECRET_KEY="bench-secret-key-0123456789", LOG_LEVEL="WARNING"))
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    return app


def ingest_api(app, statements: list[dict]) -> float:
    from lms.extensions import db
    from xapi.store.services import create_client

    with app.app_context():
        client, secret = create_client("bench")
        auth = "Basic " + base64.b64encode(f"{client.key}:{secret}".encode()).decode()
        db.session.commit()
    http = app.test_client()
    headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    bodies = [json.dumps(statements[i:i + 100]) for i in range(0, len(statements), 100)]
    start, cpu = time.perf_counter(), time.process_time()
    for body in bodies:
        response = http.post("/xapi/statements", data=body, content_type="application/json", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    # CPU time of this process (client and server alike) tells what a busy machine hides in waiting.
    print(f"  api: {cpu / len(statements) * 1e6:.0f} µs CPU and {wall / len(statements) * 1e6:.0f} µs wall "
          f"per statement (CPU share {cpu / wall:.0%})", flush=True)
    return len(statements) / wall


def ingest_plain(app, statements: list[dict]) -> tuple[float, float]:
    """The same statements with a plain driver executemany, batches of 100, one transaction each
    (rows built before the clock starts): (rate into a copy of the statement table, rate into a
    two-column table).

    The first is the baseline of the ratio: each statement's row as the LRS keeps it (the JSON and
    the indexed columns, xapi.store.services.statement_rows) into a scratch table with the statement
    table's columns and indexes, so the ratio is what the API adds to writing those rows: HTTP,
    parsing, validation, conflict checks, links and activities. The second, (id, JSON) into a table
    with only its primary key, is printed for reference."""
    import sqlalchemy as sa

    from lms.db import utcnow
    from lms.extensions import db
    from xapi.store import services
    from xapi.store.models import Statement

    authority = {"objectType": "Agent", "account": {"homePage": HOME, "name": "bench"}}
    with app.app_context():
        table = Statement.__table__.to_metadata(sa.MetaData(), name="bench_plain_statements")
        for item in [*table.indexes, *table.constraints]:  # names are per schema in PostgreSQL
            if item.name:
                item.name = str(item.name).replace(Statement.__tablename__, table.name)
        two_columns = sa.Table("bench_plain", sa.MetaData(), sa.Column("statement_id", sa.String(36), primary_key=True),
                               sa.Column("payload", sa.Text))
        with db.engine.begin() as conn:
            table.create(conn)
            two_columns.create(conn)
        rows = services.statement_rows([dict(s) for s in statements], services.StoreRequest([], authority), utcnow())
        rates = []
        for target, columns, values in ((table, services.STATEMENT_COLUMNS, rows),
                                        (two_columns, ("statement_id", "payload"), [row[:2] for row in rows])):
            start = time.perf_counter()
            for i in range(0, len(values), 100):
                services.executemany(target, columns, values[i:i + 100])
                db.session.commit()
            rates.append(len(values) / (time.perf_counter() - start))
        return rates[0], rates[1]


def fill_store(app, size: int, staff: int, rng: random.Random) -> float:
    """Bulk-load to `size` statements with plain executemany of the service's own rows (the JSON and
    every indexed column and link the API would write: xapi.store.services.statement_rows and
    link_rows), skipping validation and the per-batch key lookup: seqs are given explicitly, which
    only a single loader may do. Returns statements per second."""
    import sqlalchemy as sa

    from lms.db import utcnow
    from lms.extensions import db
    from xapi.store import services
    from xapi.store.models import Statement, StatementLink

    authority = {"objectType": "Agent", "account": {"homePage": HOME, "name": "bench"}}
    request = services.StoreRequest([], authority)
    with app.app_context():
        seq = db.session.execute(sa.select(sa.func.coalesce(sa.func.max(Statement.seq), 0))).scalar()
        have = db.session.execute(sa.select(sa.func.count()).select_from(Statement)).scalar()
        loaded, start = 0, time.perf_counter()
        for _ in range(have, size, 20000):
            statements = [make_statement(rng, staff) for _ in range(min(20000, size - have - loaded))]
            loaded += len(statements)
            seqs = list(range(seq + 1, seq + 1 + len(statements)))
            seq = seqs[-1]
            rows = services.statement_rows(statements, request, utcnow())
            services.executemany(Statement.__table__, ("seq",) + services.STATEMENT_COLUMNS,
                                 [(n,) + row for n, row in zip(seqs, rows)])
            services.executemany(StatementLink.__table__, services.LINK_COLUMNS, services.link_rows(statements, seqs))
            db.session.commit()
        rate = loaded / max(time.perf_counter() - start, 1e-9)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(sa.text("ANALYZE"))
    return rate


def time_queries(app, staff: int, rng: random.Random, runs: int = 200) -> tuple[float, float, float]:
    """p50 and p95 wall time in ms of the query over HTTP, and the p95 of its CPU time."""
    from lms.extensions import db
    from xapi.store.services import create_client

    with app.app_context():
        client, secret = create_client("bench-query", can_write=False)
        auth = "Basic " + base64.b64encode(f"{client.key}:{secret}".encode()).decode()
        db.session.commit()
    headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    http = app.test_client()
    timings, cpu_times = [], []
    for _ in range(runs):
        agent = json.dumps({"account": {"homePage": HOME, "name": f"E{rng.randrange(staff):06d}"}})
        query = {"agent": agent, "verb": rng.choice(VERBS), "since": "2020-01-01T00:00:00Z", "limit": "50"}
        start, cpu = time.perf_counter(), time.process_time()
        response = http.get("/xapi/statements", query_string=query, headers=headers)
        timings.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200
    timings.sort()
    cpu_times.sort()
    return timings[len(timings) // 2], timings[int(len(timings) * 0.95)], cpu_times[int(len(cpu_times) * 0.95)]


def run(label: str, database_url: str, args) -> tuple[float, float]:
    rng = random.Random(7)
    staff = 21500
    statements = [make_statement(rng, staff) for _ in range(args.statements)]
    with tempfile.TemporaryDirectory() as instance:
        app = build_app(database_url, instance)
        api = ingest_api(app, statements)
        plain, two_columns = ingest_plain(app, statements)
        print(f"{label}: api {api:,.0f} statements/s, plain executemany into a copy of the statement table "
              f"{plain:,.0f} rows/s, ratio {api / plain:.2f} (target >= 0.20)", flush=True)
        print(f"{label}: for reference, plain executemany of (id, JSON) into a two-column table "
              f"{two_columns:,.0f} rows/s, ratio {api / two_columns:.2f}", flush=True)
        if args.query_size:
            start = time.perf_counter()
            seed_rate = fill_store(app, args.query_size, staff, rng)
            print(f"{label}: filled the store to {args.query_size:,} statements in {time.perf_counter() - start:.0f} s "
                  f"(seeded at {seed_rate:,.0f}/s with plain executemany of the service's rows)", flush=True)
            p50, p95, cpu95 = time_queries(app, staff, rng)
            verdict = "met" if p95 < 50 else "NOT met"
            print(f"{label}: agent+verb+since query over HTTP: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
                  f"(target p95 < 50 ms: {verdict}); p95 CPU {cpu95:.1f} ms; load average "
                  f"{os.getloadavg()[0]:.1f}", flush=True)
        with app.app_context():
            from lms.extensions import db

            db.engine.dispose()
    return api, plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=20000)
    parser.add_argument("--query-size", type=int, default=1_000_000, help="0 skips the query timing")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    if not args.skip_postgres:
        from tests import services

        try:
            with services.postgres_database("xapi_bench") as url:
                run("postgresql", url, args)
        except BaseException as exc:  # pytest's skip outside pytest, or PostgreSQL down
            print(f"postgresql: skipped ({exc})")
    with tempfile.TemporaryDirectory() as tmp:
        api, plain = run("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args)
    print(f"xapi_ingest: api {api:.0f}/s, plain {plain:.0f}/s, ratio {api / plain:.2f}")


if __name__ == "__main__":
    main()
