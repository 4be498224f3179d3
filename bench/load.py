"""Load test: a few hundred learners and supervisors against gunicorn on PostgreSQL.

The bench makes its own PostgreSQL database (dropped at the end), migrates it, seeds the demo city with
--staff generated people and gives each of them an account, starts gunicorn (--workers, --threads), and
then runs --clients concurrent simulated users for --seconds (measured once all have signed in; each
waits --think seconds on average between clicks, 0 for back to back). Each learner signs in once and then
browses the catalogue (search, a course page), the runs open for enrolment, enrols in a run, and reads
their learning record; each supervisor reads their unit's report. The baseline in the same run is the
liveness probe (/healthz: no database, no template), the floor any page stands on.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--staff 300] [--workers 5] [--threads 1]
                                   [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

The catalogue search and course pages serve their shared parts from each process's fragment cache
(lms/stamps.py); `FRAGMENT_CACHE_ENTRIES=0 .venv/bin/python bench/load.py` measures them rendered afresh,
for a before-and-after comparison on the same machine.

Prints requests per second and p50/p95 per page, and errors. Target: catalogue and course pages p95
under 50 ms at 50 concurrent clients, no errors. Last line:
`load: catalogue p95 X ms, course p95 Y ms, N req/s, E errors`.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-password-2026"
SEED_ACCOUNTS = """
from lms import create_app
from lms.auth.models import Role, RoleGrant, User
from lms.auth.services import hash_password
from lms.extensions import db
from lms.people.models import Employee
with create_app().app_context():
    password_hash = hash_password({password!r})
    have = set(db.session.scalars(db.select(User.employee_id).where(User.employee_id.is_not(None))))
    supervisors = 0
    for employee in db.session.scalars(db.select(Employee).order_by(Employee.id)):
        if employee.id in have:
            continue
        user = User(employee=employee, password_hash=password_hash)
        db.session.add(user)
        if employee.is_supervisor:
            db.session.flush()
            db.session.add(RoleGrant(user_id=user.id, role=Role.SUPERVISOR.value, agency_id=employee.agency_id))
            supervisors += 1
    db.session.commit()
    print("accounts", db.session.scalar(db.select(db.func.count(User.id))), "supervisors", supervisors)
"""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: list[str] = []
        self.retried = 0

    def timed(self, session, page: str, method: str, url: str, ok=(200, 302), **kwargs):
        import requests

        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                response = session.request(method, url, allow_redirects=False, timeout=30, **kwargs)
                status = response.status_code
                break
            except requests.ConnectionError as exc:
                # A kept-alive connection the server closed as this request went out: gunicorn closes
                # a worker's idle connections when max_requests replaces it. Browsers send such a GET
                # again on a new connection, and so does this client, once; the time covers both.
                response, status = None, repr(exc)
                if method != "GET" or attempt == 2:
                    break
                with self.lock:
                    self.retried += 1
            except Exception as exc:  # noqa: BLE001 - a timed-out request is an error of the run
                response, status = None, repr(exc)
                break
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times[page].append(elapsed)
            if status not in ok:
                self.errors[page] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{method} {url} -> {status}")
        return response


def machine_speed(rounds: int = 15) -> tuple[float, float]:
    """Fastest and median time of a fixed pure-Python loop (ms): how fast this machine runs right now. On a
    shared 2-core machine the same loop took 10 ms at some moments and 16 ms at others."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(200_000):
            total += i * i % 7
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.1)
    return min(times), statistics.median(times)


def cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) used so far by the processes on this machine, by part: the web tier
    (gunicorn), PostgreSQL, the Celery worker, this load generator, everything else; and "capacity", the
    CPU time the machine had (cores x wall). Read from /proc; empty where there is no /proc."""
    if not os.path.exists("/proc/stat"):
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = defaultdict(float)
    me = os.getpid()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat, open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                fields, command = stat.read().rsplit(")", 1)[1].split(), cmdline.read().decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        part = ("load generator" if int(pid) == me else "gunicorn" if "gunicorn" in command
                else "celery" if "celery" in command else "postgres" if "postgres" in command
                else "other")
        used[part] += (int(fields[11]) + int(fields[12])) / tick
    with open("/proc/stat") as stat:
        used["capacity"] = sum(int(v) for v in stat.readline().split()[1:9]) / tick
    return used


def cpu_share(before: dict[str, float], after: dict[str, float]) -> str:
    capacity = after.get("capacity", 0) - before.get("capacity", 0)
    if capacity <= 0:
        return "not measured"
    parts = sorted(((after[k] - before.get(k, 0), k) for k in after if k != "capacity"), reverse=True)
    return ", ".join(f"{k} {100 * v / capacity:.0f} %" for v, k in parts if v > 0)


SERVER_LOG_FORMAT = "%(D)s %(m)s %(U)s"  # gunicorn's own time for the request (us), method, path


def server_times(access_log) -> dict[str, list[float]]:
    """Per page, the time gunicorn itself measured (ms): from reading the request to the response sent,
    without the time the request waited for a free worker or the client took to see the answer."""
    pages = {"catalogue search": re.compile(r"^GET /courses/$"), "course page": re.compile(r"^GET /courses/[^/]+$")}
    out: dict[str, list[float]] = defaultdict(list)
    access_log.seek(0)
    for line in access_log:
        micros, _, request = line.strip().partition(" ")
        if micros.isdigit():
            for page, pattern in pages.items():
                if pattern.match(request):
                    out[page].append(int(micros) / 1000)
    return out


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


def sign_in(session, base: str, staff_no: str, rec: Recorder) -> bool:
    page = rec.timed(session, "login page", "GET", f"{base}/login")
    if page is None:
        return False
    done = rec.timed(session, "sign in", "POST", f"{base}/login", ok=(302,),
                     data={"csrf_token": csrf_of(page.text), "identifier": staff_no, "password": PASSWORD})
    return done is not None and done.status_code == 302


class Clock:
    """Everyone signs in first (argon2 is meant to be slow); the measured period starts when all have."""

    def __init__(self, parties: int, seconds: float, think: float):
        self.barrier = threading.Barrier(parties, action=self._start)
        self.seconds, self.think, self.deadline = seconds, think, 0.0

    def _start(self) -> None:
        self.deadline = time.monotonic() + self.seconds
        self.cpu_at_start = cpu_seconds()

    def running(self, rng: random.Random) -> bool:
        if self.think:
            time.sleep(rng.uniform(0.5, 1.5) * self.think)
        return time.monotonic() < self.deadline


def signed_in_session(base: str, staff_no: str, clock: Clock, rec: Recorder):
    """A signed-in session once every client has signed in, or None if this one could not."""
    import requests

    session = requests.Session()
    ok = sign_in(session, base, staff_no, rec)
    clock.barrier.wait()
    return session if ok else None


def learner(base: str, staff_no: str, clock: Clock, rec: Recorder, catalogue: dict, seed: int) -> None:
    rng = random.Random(seed)
    session = signed_in_session(base, staff_no, clock, rec)
    if session is None:
        return
    enrolled = False
    while clock.running(rng):
        word = rng.choice(catalogue["words"])
        rec.timed(session, "catalogue search", "GET", f"{base}/courses/", params={"q": word})
        rec.timed(session, "course page", "GET", f"{base}/courses/{rng.choice(catalogue['codes'])}")
        if not clock.running(rng):
            break
        rec.timed(session, "open runs", "GET", f"{base}/enrol/")
        if not enrolled and catalogue["runs"]:
            run_id = rng.choice(catalogue["runs"])
            page = rec.timed(session, "run page", "GET", f"{base}/enrol/runs/{run_id}", ok=(200, 302, 404))
            if page is not None and page.status_code == 200:
                rec.timed(session, "enrol", "POST", f"{base}/enrol/runs/{run_id}", ok=(200, 302, 400, 409, 422),
                          data={"csrf_token": csrf_of(page.text)})
            enrolled = True
        rec.timed(session, "my learning", "GET", f"{base}/my/learning")


def supervisor(base: str, staff_no: str, clock: Clock, rec: Recorder, seed: int) -> None:
    rng = random.Random(seed)
    session = signed_in_session(base, staff_no, clock, rec)
    if session is None:
        return
    while clock.running(rng):
        rec.timed(session, "supervisor report", "GET", f"{base}/reports/")
        rec.timed(session, "catalogue search", "GET", f"{base}/courses/")


def healthz(base: str, clock: Clock, rec: Recorder) -> None:
    import requests

    session = requests.Session()
    clock.barrier.wait()
    while time.monotonic() < clock.deadline:
        rec.timed(session, "baseline /healthz", "GET", f"{base}/healthz")
        time.sleep(0.2)
    clock.cpu_at_end = cpu_seconds()  # at the deadline: the others may still be reading their last page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--workers", type=int, default=5, help="default: deploy/gunicorn.conf.py's 2 x cores + 1 here")
    parser.add_argument("--threads", type=int, default=1,
                        help="default: deploy/gunicorn.conf.py's (1: sync workers; more: threaded gthread workers)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a user reads a page before the next click (0: back to back)")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/14",
                        help="Celery broker: tasks run in a Celery worker as in production; '' runs them eagerly "
                             "inside the web requests (the embedded default)")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    import psycopg

    name = f"lms_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = args.admin_url.rsplit("/", 1)[0] + "/" + name
    instance = tempfile.mkdtemp(prefix="lms-load-")
    env = dict(os.environ, FLASK_APP="wsgi.py", DATABASE_URL=url, INSTANCE_PATH=instance, LOG_LEVEL="WARNING",
               SECRET_KEY="load-bench-secret-0123456789abcdef", DATABASE_POOL_SIZE="8", PYTHONPATH=str(ROOT))
    bin_dir = Path(sys.executable).parent
    server = worker = None
    server_log = tempfile.TemporaryFile(mode="w+")
    access_log = tempfile.TemporaryFile(mode="w+")
    try:
        print(f"load: seeding {args.staff} staff into {name} ...", flush=True)
        for command in ([str(bin_dir / "flask"), "db", "upgrade", "heads"],
                        [str(bin_dir / "flask"), "lms", "seed-demo", "--staff", str(args.staff)],
                        [sys.executable, "-c", SEED_ACCOUNTS.format(password=PASSWORD)]):
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"set-up failed: {' '.join(command[:3])}\n{done.stderr[-3000:]}")
        print(done.stdout.strip())
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            # Planner statistics, as autovacuum gathers them within a minute of a bulk load: without them the
            # first ~20 s of the run planned on default estimates, and most of its slow pages fell there.
            conn.execute("ANALYZE")
            codes = [r[0] for r in conn.execute("SELECT code FROM courses WHERE NOT archived")]
            words = [r[0][:2] for r in conn.execute("SELECT title_zh FROM courses WHERE NOT archived LIMIT 50")]
            runs = [r[0] for r in conn.execute("SELECT id FROM class_runs WHERE status = 'open'")]
            learners = [r[0] for r in conn.execute(
                "SELECT staff_no FROM employees WHERE NOT is_supervisor ORDER BY id")]
            supervisors = [r[0] for r in conn.execute(
                "SELECT e.staff_no FROM employees e JOIN users u ON u.employee_id = e.id "
                "JOIN role_grants g ON g.user_id = u.id WHERE g.role = 'supervisor' ORDER BY e.id")]
        catalogue = {"codes": codes, "words": words or ["課程"], "runs": runs}
        if args.broker:
            # Seeded eagerly above; from here on the web tier queues its tasks for a worker, as deployed.
            env = dict(env, CELERY_BROKER_URL=args.broker)
            celery = [str(bin_dir / "celery"), "-A", "lms.celery_app"]
            subprocess.run(celery + ["purge", "--force"], cwd=ROOT, env=env, capture_output=True, check=True)
            worker = subprocess.Popen(celery + ["worker", "--pool", "solo", "--loglevel", "WARNING"], cwd=ROOT,
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # The deployment's own settings (deploy/gunicorn.conf.py: preloaded app, sync workers, ...).
        server = subprocess.Popen([str(bin_dir / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                  env=dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(args.workers),
                                           GUNICORN_THREADS=str(args.threads),
                                           GUNICORN_CMD_ARGS=f"--access-logformat '{SERVER_LOG_FORMAT}'"),
                                  stdout=access_log, stderr=server_log)
        import requests

        for _ in range(200):
            try:
                if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        fastest, median = machine_speed()
        rec = Recorder()
        n_supervisors = max(1, args.clients // 10) if supervisors else 0
        clock = Clock(args.clients + 1, args.seconds, args.think)
        threads = [threading.Thread(target=healthz, args=(base, clock, rec))]
        for i in range(args.clients - n_supervisors):
            threads.append(threading.Thread(target=learner, args=(base, learners[i % len(learners)], clock, rec,
                                                                  catalogue, i)))
        for i in range(n_supervisors):
            threads.append(threading.Thread(target=supervisor, args=(base, supervisors[i % len(supervisors)],
                                                                     clock, rec, i)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu = cpu_share(clock.cpu_at_start, clock.cpu_at_end)
        elapsed = args.seconds
        total = sum(len(v) for v in rec.times.values())
        print(f"load: {args.clients} clients ({args.clients - n_supervisors} learners, {n_supervisors} supervisors), "
              f"{args.seconds:.0f} s measured after all signed in, think time {args.think:g} s, "
              f"gunicorn {args.workers} workers x {args.threads} threads, "
              f"tasks {'in a Celery worker via ' + args.broker if args.broker else 'run eagerly in the requests'}, "
              f"load average "
              f"{os.getloadavg()[0]:.1f}")
        print(f"{'page':<20}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
        for page, values in sorted(rec.times.items()):
            print(f"{page:<20}{len(values):>9}{len(values) / elapsed:>8.1f}{statistics.median(values):>9.1f}"
                  f"{percentile(values, 0.95):>9.1f}{rec.errors[page]:>8}")
        for example in rec.examples:
            print("  error:", example)
        server_log.seek(0)
        replaced = server_log.read().count("Autorestarting worker")
        print(f"load: gunicorn replaced {replaced} workers that reached max_requests; {rec.retried} GET requests "
              "were sent again after the server closed their kept-alive connection")
        served = server_times(access_log)
        print(f"load: gunicorn's own time (no queueing, no client): catalogue p95 "
              f"{percentile(served['catalogue search'], 0.95):.1f} ms, course p95 "
              f"{percentile(served['course page'], 0.95):.1f} ms; machine speed before the run: a fixed Python "
              f"loop took {fastest:.1f} ms at best, {median:.1f} ms at the median")
        print(f"load: the machine's CPU during the run (100 % = all its cores busy): {cpu}")
        errors = sum(rec.errors.values())
        print(f"load: catalogue p95 {percentile(rec.times['catalogue search'], 0.95):.1f} ms, "
              f"course p95 {percentile(rec.times['course page'], 0.95):.1f} ms, {total / elapsed:.0f} req/s, "
              f"{errors} errors")
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
        with psycopg.connect(args.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
