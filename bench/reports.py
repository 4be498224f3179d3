"""Benchmark the reports: 25,000 employees in a city tree (the largest agency three levels deep),
300,000 enrolments in 1,500 runs and 1,000,000 hours-ledger rows written straight into their tables,
then the stored standing refreshed once (as the beat task does), the supervisor report of the largest
agency, the city's unit report and the administrators' dashboard rendered through the app (median of 3
after a warm-up), and the peak memory of a process that exports the 25,000-person table as XLSX and as CSV.

Baselines in the same run, on the same data: the supervisor report computed the naive way (for each
person: the ledger's one-employee summary and an enrolment count, one query each) on a sample,
projected to the agency; the page's tables computed live from the ledger; and the XLSX export built in memory (a normal openpyxl workbook of every row).
Targets: supervisor < 1 s, dashboard < 2 s, exports < 300 MB. Last line: `reports: supervisor X ms, dashboard Y ms`.

    .venv/bin/python bench/reports.py [--employees 25000] [--enrolments 300000] [--ledger 1000000]
    (default: a fresh database on postgresql://postgres@127.0.0.1:5432/postgres; --database-url sqlite for SQLite)
"""
from __future__ import annotations

import argparse
import io
import random
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.hours import TOPIC_CHOICES, database  # noqa: E402  (same throw-away database helper)

PASSWORD = "bench-password-2026"
RUNS = 1500


def settings(url: str, instance: str):
    from lms.settings import Settings

    return Settings.from_env(environ={}, DATABASE_URL=url, INSTANCE_PATH=instance, SECRET_KEY="bench-secret-key-0123456789",
                             LOG_LEVEL="WARNING", WTF_CSRF_ENABLED=False)


def _bulk(db, table, rows: list[dict]) -> None:
    """COPY on PostgreSQL, executemany elsewhere."""
    import sqlalchemy as sa

    if not rows:
        return
    columns = list(rows[0])
    if db.engine.dialect.name == "postgresql":
        cursor = db.session.connection().connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:  # TZDateTime columns hold UTC without a zone
                copy.write_row([v.replace(tzinfo=None) if isinstance(v, datetime) else v
                                for v in (row[c] for c in columns)])
    else:
        for start in range(0, len(rows), 20000):
            db.session.execute(sa.insert(table), rows[start:start + 20000])


def seed(db, employees: int, enrolments: int, ledger_rows: int, year: int) -> dict:
    import sqlalchemy as sa

    from courses.catalogue.models import Category, Course, course_topics
    from courses.catalogue.services import ensure_mandated_topics
    from courses.enrollment.models import Enrollment
    from courses.scheduling.models import ClassRun
    from lms.agencies.models import Agency
    from lms.auth.models import Role, RoleGrant, User
    from lms.auth.services import hash_password
    from lms.people.models import Employee
    from lms.personnel.models import LearningRecord, topic_codes
    from lms.personnel.services import seed_national_rules

    rng = random.Random(11)
    now = datetime.now(timezone.utc)
    root = Agency(code="KHH", name_zh="高雄市政府", kind="city", path="KHH")
    db.session.add(root)
    db.session.flush()
    leaves, weights = [], []
    largest = None
    for i in range(40):
        agency = Agency(code=f"A{i:02d}", name_zh=f"機關{i}", kind="agency", parent_id=root.id, path=f"KHH/A{i:02d}")
        db.session.add(agency)
        db.session.flush()
        largest = largest or agency
        if i == 0:  # the police-like agency: 10 districts x 4 units, 30 % of the city
            for d in range(10):
                district = Agency(code=f"A00-D{d}", name_zh=f"分局{d}", kind="district", parent_id=agency.id,
                                  path=f"{agency.path}/A00-D{d}")
                db.session.add(district)
                db.session.flush()
                for u in range(4):
                    unit = Agency(code=f"A00-D{d}-U{u}", name_zh=f"分局{d}第{u}隊", kind="unit", parent_id=district.id,
                                  path=f"{district.path}/A00-D{d}-U{u}")
                    db.session.add(unit)
                    leaves.append(unit)
                    weights.append(30 / 40)
        else:
            leaves.append(agency)
            weights.append(70 / 39)
    db.session.flush()
    roles = ["general"] * 90 + ["it"] * 8 + ["dedicated"] * 2
    people = [{"staff_no": f"K{n:06d}", "name_zh": f"員工{n}", "name_en": "", "agency_id": a.id, "job_title": "科員",
               "rank_class": rng.choice(["junior", "elementary"]), "cyber_role": rng.choice(roles),
               "is_supervisor": False, "is_active": True, "created_at": now, "updated_at": now}
              for n, a in enumerate(rng.choices(leaves, weights, k=employees))]
    _bulk(db, Employee.__table__, people)
    employee_ids = list(db.session.execute(sa.select(Employee.id).order_by(Employee.id)).scalars())
    agency_of = dict(db.session.execute(sa.select(Employee.id, Employee.agency_id)).all())

    seed_national_rules(year)
    topics = ensure_mandated_topics()
    category = Category(code="GEN", name_zh="一般")
    db.session.add(category)
    db.session.flush()
    modes = ["in_person"] * 5 + ["remote"] * 2 + ["blended", "online"] * 1
    courses = []
    for c in range(200):
        course = Course(code=f"BC{c:03d}", title_zh=f"課程{c}", category_id=category.id, credited_hours=6,
                        delivery_mode=rng.choice(modes), agency_id=root.id)
        db.session.add(course)
        courses.append(course)
    db.session.flush()
    topic_list = list(topics.values()) if isinstance(topics, dict) else list(topics)
    db.session.execute(sa.insert(course_topics), [{"course_id": c.id, "topic_id": rng.choice(topic_list).id}
                                                  for c in courses if rng.random() < 0.5])
    runs = []
    for r in range(RUNS):
        course = courses[r % len(courses)]
        starts = date(year - (r % 3 == 0), 1, 5) + timedelta(days=rng.randrange(0, 355))
        runs.append({"course_id": course.id, "year": starts.year, "term": r // len(courses) + 1 + 10 * (starts.year - year + 1),
                     "code": f"R{r:05d}", "starts_on": starts, "ends_on": starts + timedelta(days=1),
                     "capacity": 200, "min_size": 0, "status": "finished" if starts < date.today() else "open",
                     "route": "planned", "run_type": "self_run", "days": 2, "hours_per_day": 6, "partner": "",
                     "cancel_reason": "", "feed_token": f"t{r}", "created_at": now, "updated_at": now})
    _bulk(db, ClassRun.__table__, runs)
    run_rows = db.session.execute(sa.select(ClassRun.id, ClassRun.starts_on)).all()
    per_run = max(1, enrolments // len(run_rows))
    rows = []
    for run_id, starts in run_rows:
        for seq, employee_id in enumerate(rng.sample(employee_ids, per_run), 1):
            status = rng.choices(["seated", "waitlisted", "pending", "cancelled"], [80, 8, 4, 8])[0]
            past = starts < date.today()
            done = status == "seated" and past and rng.random() < 0.9
            requested = datetime.combine(starts - timedelta(days=20), datetime.min.time(), timezone.utc)
            rows.append({"run_id": run_id, "employee_id": employee_id, "status": status, "seq": seq, "via": "self",
                         "requested_at": requested, "decision_reason": "", "cancel_reason": "",
                         "outcome": "completed" if done else None, "minutes_attended": 720 if done else 0,
                         "digital_hours": 0.0, "physical_hours": 12.0 if done else 0.0, "no_show": False,
                         "completed_at": requested + timedelta(days=22) if done else None,
                         "created_at": now, "updated_at": now})
    _bulk(db, Enrollment.__table__, rows)
    records, written = [], 0
    for n in range(ledger_rows):
        if len(records) == 100000:  # in chunks: a million dicts at once would take gigabytes
            _bulk(db, LearningRecord.__table__, records)
            written, records = written + len(records), []
        employee_id = rng.choice(employee_ids)
        completed = date(year - (rng.random() < 0.4), 1, 1) + timedelta(days=rng.randrange(0, 300))
        hours = float(rng.choice([1, 2, 3, 3, 6]))
        records.append({"source": "lrs", "source_ref": f"s{n}", "completion_key": f"k{n}", "employee_id": employee_id,
                        "agency_id": agency_of[employee_id], "year": completed.year, "course_code": f"BC{n % 200:03d}",
                        "course_title": "課程", "provider": "", "term": "", "completed_on": completed, "hours": hours,
                        "digital_hours": hours, "physical_hours": 0.0, "learning_mode": 1, "portal_category": "",
                        "portal_course_code": "", "certificate_no": "", "attendance": "", "job_related": True,
                        "topic_codes": topic_codes(rng.choice(TOPIC_CHOICES)),
                        "status": rng.choices(["certified", "pending", "rejected"], [85, 10, 5])[0], "updated_at": now})
    _bulk(db, LearningRecord.__table__, records)
    written += len(records)
    users = {}
    for name, role, agency in (("supervisor", Role.SUPERVISOR, largest), ("admin", Role.TRAINING_ADMIN, None)):
        user = User(email=f"{name}@bench.example", password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.flush()
        db.session.add(RoleGrant(user_id=user.id, role=role.value, agency_id=agency.id if agency else None))
        users[name] = user.email
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    size = db.session.execute(sa.select(sa.func.count(Employee.id)).join(Agency, Agency.id == Employee.agency_id)
                              .where(Agency.path.like(largest.path + "/%"))).scalar_one()
    return {"largest": largest.id, "largest_path": largest.path, "largest_size": size, "users": users,
            "enrolments": len(rows), "ledger": written, "root": root.id}


def get(client, url: str):
    """One request in its own app context (as in production: its own `g`, so its own signed-in user)."""
    with client.application.app_context():
        response = client.get(url)
        response.get_data()
    return response


def timed_get(client, url: str, repeats: int = 3) -> float:
    response = get(client, url)  # warm-up
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[-600:])
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        get(client, url)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def signed_in(app, email: str):
    client = app.test_client()
    with app.app_context():
        response = client.post("/login", data={"identifier": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def naive_supervisor_ms(db, path: str, year: int, sample: int) -> tuple[float, int]:
    """The per-person way: the ledger's one-employee summary and one enrolment count per person."""
    import sqlalchemy as sa

    from courses.enrollment.models import Enrollment
    from lms.agencies.models import Agency
    from lms.people.models import Employee
    from lms.personnel.queries import employee_summary

    ids = list(db.session.execute(sa.select(Employee.id).join(Agency, Agency.id == Employee.agency_id)
                                  .where(Agency.path.like(path + "/%")).order_by(Employee.id).limit(sample)).scalars())
    t0 = time.perf_counter()
    for employee_id in ids:
        results = employee_summary(employee_id, year)
        all(r.met for r in results)
        db.session.execute(sa.select(sa.func.count(Enrollment.id)).where(Enrollment.employee_id == employee_id)).scalar()
    return (time.perf_counter() - t0) * 1000, len(ids)


def refresh_and_live_ms(db, seeded: dict, year: int) -> tuple[float, float]:
    """The background refresh of the stored standing (committed, as the task does), and the baseline of
    the supervisor page's unit and people tables computed from the ledger at request time."""
    from courses.reports import queries, services
    from lms.agencies.models import Agency
    from lms.auth.permissions import Scope

    t0 = time.perf_counter()
    services.refresh_standings(year)
    db.session.commit()
    refresh_s = time.perf_counter() - t0
    agency = db.session.get(Agency, seeded["largest"])
    t0 = time.perf_counter()
    live = queries.standing(year, agency.path, Scope(False, (agency.path,)))
    queries.unit_rows(live, agency)
    queries.people(live, "all", 1, 50)
    return refresh_s, (time.perf_counter() - t0) * 1000


def export_child(url: str, instance: str, fmt: str, email: str, agency_id: int) -> None:
    """Run in a fresh process: one export request (or the in-memory baseline); print the peak RSS in MB."""
    from lms import create_app

    def status_mb(field: str) -> float:
        """VmRSS (now) or VmHWM (the high-water mark, which starts afresh at exec, unlike getrusage's
        ru_maxrss that carries the forking parent's peak, and is reset by clear_refs)."""
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return 0.0

    app = create_app(settings(url, instance))
    with app.app_context():
        client = signed_in(app, email)
        # The sign-in's argon2 check alone takes 64 MB: start the high-water mark after it.
        Path("/proc/self/clear_refs").write_text("5")
        before = status_mb("VmRSS")
        if fmt == "xlsx-in-memory":
            from openpyxl import Workbook

            from courses.reports import exports, queries
            from lms.auth.permissions import Scope
            from lms.extensions import db
            from lms.agencies.models import Agency

            root = db.session.get(Agency, agency_id)
            header, rows = exports.people_table(queries.standing(date.today().year, root.path, Scope(True)), "zh_Hant_TW")
            book = Workbook()
            sheet = book.active
            sheet.append(header)
            for row in list(rows):
                sheet.append(row)
            out = io.BytesIO()
            book.save(out)
            size, lines = out.tell(), None
        else:
            response = client.get(f"/reports/export/people.{fmt}?agency={agency_id}")
            size, lines = 0, 0
            for chunk in response.response:
                size += len(chunk)
                lines += chunk.count(b"\n") if fmt == "csv" else 0
            response.close()
        peak = status_mb("VmHWM")
    print(f"{peak:.0f} {before:.0f} {size} {lines}")


def measure_export(args, url: str, instance: str, fmt: str, email: str, agency_id: int) -> tuple[float, float, int]:
    out = subprocess.run([sys.executable, __file__, "--export-child", fmt, "--database-url", url, "--instance", instance,
                          "--email", email, "--agency", str(agency_id)], capture_output=True, text=True, check=True)
    peak, before, size, _lines = out.stdout.split()[-4:]
    return float(peak), float(before), int(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=25000)
    parser.add_argument("--enrolments", type=int, default=300000)
    parser.add_argument("--ledger", type=int, default=1000000)
    parser.add_argument("--baseline-sample", type=int, default=300)
    parser.add_argument("--database-url")
    parser.add_argument("--export-child")
    parser.add_argument("--instance")
    parser.add_argument("--email")
    parser.add_argument("--agency", type=int)
    args = parser.parse_args()
    if args.export_child:
        export_child(args.database_url, args.instance, args.export_child, args.email, args.agency)
        return

    import flask_migrate

    from lms import create_app

    year = date.today().year
    with database(args.database_url) as (url, instance):
        app = create_app(settings(url, instance))
        with app.app_context():
            from lms.extensions import db

            flask_migrate.upgrade(revision="heads")
            t0 = time.perf_counter()
            seeded = seed(db, args.employees, args.enrolments, args.ledger, year)
            print(f"setup: {args.employees} employees, {seeded['enrolments']} enrolments, {seeded['ledger']} ledger rows "
                  f"in {time.perf_counter() - t0:.1f} s on {db.engine.dialect.name}; largest agency "
                  f"{seeded['largest_size']} people")
            refresh_s, live_ms = refresh_and_live_ms(db, seeded, year)
            print(f"stored standing refreshed for the whole city (the beat task's work, every 10 min): "
                  f"{refresh_s:.1f} s; the supervisor page's two tables computed live instead: {live_ms:.0f} ms")
            boss = signed_in(app, seeded["users"]["supervisor"])
            admin = signed_in(app, seeded["users"]["admin"])
            supervisor_ms = timed_get(boss, f"/reports/units/{seeded['largest']}")
            forecast_ms = timed_get(boss, f"/reports/units/{seeded['largest']}/forecast")
            city_ms = timed_get(admin, f"/reports/units/{seeded['root']}")
            dashboard_ms = timed_get(admin, f"/reports/dashboard?start={year - 1}-01-01&end={year}-12-31")
            naive_ms, sampled = naive_supervisor_ms(db, seeded["largest_path"], year, args.baseline_sample)
            projected = naive_ms / max(1, sampled) * seeded["largest_size"]
            print(f"supervisor report, largest agency ({seeded['largest_size']} people): {supervisor_ms:.0f} ms; "
                  f"forecast page {forecast_ms:.0f} ms; city unit report {city_ms:.0f} ms")
            print(f"baseline (per person: summary + enrolment count, {sampled} sampled): {naive_ms:.0f} ms, "
                  f"projected to the agency {projected:.0f} ms ({projected / supervisor_ms:.1f}x slower)")
            print(f"dashboard ({year - 1}-01-01 to {year}-12-31, whole city): {dashboard_ms:.0f} ms")
            db.session.remove()
        email, root = seeded["users"]["admin"], seeded["root"]
        for fmt in ("xlsx", "csv", "xlsx-in-memory"):
            peak, before, size = measure_export(args, url, instance, fmt, email, root)
            label = "baseline XLSX built in memory" if fmt == "xlsx-in-memory" else f"{fmt.upper()} export (streamed)"
            print(f"{label}, {args.employees} people: peak RSS {peak:.0f} MB (app loaded and signed in {before:.0f} MB), "
                  f"{size / 1e6:.1f} MB written")
        ok = supervisor_ms < 1000 and dashboard_ms < 2000
        print(f"targets (supervisor < 1 s, dashboard < 2 s) {'met' if ok else 'MISSED'}")
        print(f"reports: supervisor {supervisor_ms:.0f} ms, dashboard {dashboard_ms:.0f} ms")


if __name__ == "__main__":
    main()
