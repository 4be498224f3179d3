"""The example deployment files in deploy/ stay consistent with the code they start."""
import configparser
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def test_compose_file_runs_web_worker_beat_on_postgres_redis_and_minio():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "minio", "migrate", "web", "worker", "beat"} <= set(services)
    assert services["worker"]["command"][:3] == ["celery", "-A", "lms.celery_app"]
    assert services["beat"]["command"][3] == "beat"
    web_env = services["web"]["environment"]
    assert web_env["DATABASE_URL"].startswith("postgresql://") and web_env["CELERY_BROKER_URL"].startswith("redis://")
    assert (DEPLOY / services["web"]["build"]["dockerfile"].removeprefix("deploy/")).exists()


def test_systemd_units_start_existing_entry_points():
    for name in ("lms-web", "lms-worker", "lms-beat"):
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.read(DEPLOY / "systemd" / f"{name}.service")
        exec_start = unit["Service"]["ExecStart"]
        assert unit["Service"]["EnvironmentFile"] == "/etc/lms/lms.env"
        if name == "lms-web":
            assert "-c deploy/gunicorn.conf.py wsgi:app" in exec_start
        else:
            assert "-A lms.celery_app" in exec_start


def test_example_environment_names_only_real_settings():
    from lms.settings import Settings

    known = set(Settings.__dataclass_fields__) | {"FLASK_APP"}
    names = [line.split("=", 1)[0] for line in (DEPLOY / "lms.env.example").read_text().splitlines()
             if line and not line.startswith("#")]
    assert names and set(names) <= known, set(names) - known


def test_gunicorn_configuration_loads_the_app(tmp_path):
    env = dict(os.environ, INSTANCE_PATH=str(tmp_path), SECRET_KEY="deploy-test-secret-0123456789")
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py",
                             "wsgi:app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_preloaded_workers_serve_pages_on_their_own_connections(tmp_path):
    """deploy/gunicorn.conf.py preloads the app in the master and forks two workers from it: each
    serves database-backed requests, on connections it opened itself after the fork."""
    import urllib.request

    from tests.s3_server import free_port

    port = free_port()
    env = dict(os.environ, INSTANCE_PATH=str(tmp_path), SECRET_KEY="deploy-test-secret-0123456789",
               DATABASE_URL=f"sqlite:///{tmp_path / 'lms.sqlite3'}", GUNICORN_BIND=f"127.0.0.1:{port}",
               GUNICORN_WORKERS="2", GUNICORN_THREADS="1")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        statuses = []
        for _ in range(600):
            try:
                with opener.open(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
                    statuses.append(response.status)
                    if len(statuses) == 20:
                        break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
        with opener.open(f"http://127.0.0.1:{port}/login", timeout=5) as response:
            login_status = response.status
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert statuses == [200] * 20, log[-3000:]
    assert login_status == 200
    assert log.count("Booting worker") == 2, log[-3000:]
