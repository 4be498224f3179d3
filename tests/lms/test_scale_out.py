"""The web tier is stateless: two gunicorn nodes on different ports share one PostgreSQL, one Redis and
one S3 endpoint, with a Celery worker beside them. A sign-in on one node is valid on the other, a file
uploaded through one is downloaded through the other, and work that one node hands to the broker is
done by the worker and seen from the other node."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import services
from tests.s3_server import s3_endpoint  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(services.TEST_DB != "postgresql",
                       reason="several nodes on one PostgreSQL: runs in the PostgreSQL pass (LMS_TEST_DB=postgresql)"),
]
ROOT = Path(__file__).resolve().parents[2]
# The agencies and one account per role are all this test needs (the whole demo takes minutes under load).
SEED_ACCOUNTS = ("from lms import create_app, demo\nfrom lms.extensions import db\n"
                 "with create_app().app_context():\n"
                 "    demo.seed_demo_accounts(demo.seed_agencies())\n    db.session.commit()\n")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + os.urandom(2048)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/readyz", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} never became ready:\n{log.read_text()[-3000:]}")


def _csrf_token(session, url: str) -> str:
    page = session.get(url, timeout=10)
    assert page.status_code == 200, (url, page.status_code)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def _sign_in(session, node: str, staff_no: str) -> None:
    token = _csrf_token(session, f"{node}/login")
    response = session.post(f"{node}/login", data={"csrf_token": token, "identifier": staff_no,
                                                   "password": "demo-password-2026"}, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]


@pytest.fixture
def cluster(tmp_path, s3_endpoint):  # noqa: F811
    """Two gunicorn nodes and one Celery worker on a fresh PostgreSQL database, Redis and S3."""
    redis_url = services.redis_url().rsplit("/", 1)[0] + "/14"
    with services.postgres_database("lms_cluster") as database_url:
        env = dict(os.environ, FLASK_APP="wsgi.py", DATABASE_URL=database_url, CELERY_BROKER_URL=redis_url,
                   SECRET_KEY="cluster-test-secret-0123456789abcdef", STORAGE_BACKEND="s3",
                   STORAGE_S3_ENDPOINT_URL=s3_endpoint, STORAGE_S3_BUCKET=f"cluster-{os.getpid()}",
                   STORAGE_S3_ACCESS_KEY="testing", STORAGE_S3_SECRET_KEY="testing", LOG_LEVEL="WARNING",
                   MAIL_SERVER="", PYTHONPATH=str(ROOT))
        bin_dir = Path(sys.executable).parent
        processes: list[subprocess.Popen] = []

        def start(name: str, *args: str, instance: str) -> tuple[subprocess.Popen, Path]:
            log = tmp_path / f"{name}.log"
            process = subprocess.Popen(args, cwd=ROOT, env=dict(env, INSTANCE_PATH=str(tmp_path / instance)),
                                       stdout=log.open("wb"), stderr=subprocess.STDOUT)
            processes.append(process)
            return process, log

        # Set-up runs its tasks eagerly (the demo's certificates are not what this test waits for), and
        # the test's broker database starts empty.
        setup_env = dict(env, INSTANCE_PATH=str(tmp_path / "setup"), CELERY_BROKER_URL="")
        for command in ([str(bin_dir / "flask"), "db", "upgrade", "heads"],
                        [sys.executable, "-c", SEED_ACCOUNTS],
                        [str(bin_dir / "celery"), "-A", "lms.celery_app", "purge", "--force"]):
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                                  env=setup_env if command[1] != "-A" else dict(setup_env, CELERY_BROKER_URL=redis_url))
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        nodes = []
        try:
            for name in ("node-a", "node-b"):
                port = _free_port()
                process, log = start(name, str(bin_dir / "gunicorn"), "--workers", "1", "--threads", "4",
                                     "--bind", f"127.0.0.1:{port}", "wsgi:app", instance=name)
                nodes.append((f"http://127.0.0.1:{port}", process, log))
            start("worker", str(bin_dir / "celery"), "-A", "lms.celery_app", "worker", "--pool", "solo",
                  "--loglevel", "INFO", instance="worker")
            for url, process, log in nodes:
                _wait_ready(url, process, log)
            yield {"a": nodes[0][0], "b": nodes[1][0], "database_url": database_url, "logs": tmp_path}
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def test_session_upload_and_background_work_cross_nodes(cluster):
    import psycopg
    import requests

    node_a, node_b = cluster["a"], cluster["b"]
    learner = requests.Session()
    _sign_in(learner, node_a, "L0001")
    # The session cookie that node A issued is valid on node B.
    home_b = learner.get(f"{node_b}/", allow_redirects=False)
    assert home_b.status_code == 200 and "王小明" in home_b.text

    # An upload through node A is stored in S3 and downloaded through node B.
    token = _csrf_token(learner, f"{node_a}/my/learning/external/new")
    submitted = learner.post(f"{node_a}/my/learning/external/new", data={
        "csrf_token": token, "title": "資訊安全研討會", "provider": "數位發展部", "started_on": "2026-10-01",
        "ended_on": "2026-10-02", "hours": "6", "learning_mode": "2", "job_related": "y",
    }, files={"proof": ("證明.pdf", PDF, "application/pdf")}, allow_redirects=False)
    assert submitted.status_code == 302, submitted.text[:2000]
    # The officer, signed in on node B, sees it in the review queue and downloads the proof from S3.
    officer = requests.Session()
    _sign_in(officer, node_b, "O0001")
    queue_b = officer.get(f"{node_b}/personnel/review")
    item_id = re.search(r"/personnel/external/(\d+)/proof", queue_b.text).group(1)
    download = officer.get(f"{node_b}/personnel/external/{item_id}/proof")
    assert download.status_code == 200 and download.content == PDF

    # The officer approves; the learner's notification e-mail is a task on the broker, run by the worker,
    # and its delivery is visible from node A's side of the database.
    token = _csrf_token(officer, f"{node_b}/personnel/review")
    decided = officer.post(f"{node_b}/personnel/external/{item_id}/decide",
                           data={"csrf_token": token, "decision": "approve", "note": ""}, allow_redirects=False)
    assert decided.status_code == 302
    url = cluster["database_url"].replace("postgresql+psycopg://", "postgresql://")
    deadline = time.monotonic() + 60
    sent = None
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            sent = conn.execute(
                "SELECT n.sent_at FROM notifications n JOIN employees e ON e.id = n.employee_id "
                "WHERE e.staff_no = 'L0001' AND n.subject = %s", ("外部學習已核准",)).fetchone()
            if sent and sent[0] is not None:
                break
            time.sleep(0.5)
    worker_log = (cluster["logs"] / "worker.log").read_text()
    assert sent and sent[0] is not None, f"the worker never delivered the notification:\n{worker_log[-3000:]}"
    assert "deliver_notification" in worker_log and "succeeded" in worker_log
    notifications_a = learner.get(f"{node_a}/notifications/")
    assert "外部學習已核准" in notifications_a.text
