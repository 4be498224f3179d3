"""The example deployment files in deploy/ stay consistent with the code they start."""
import configparser
import os
import subprocess
import sys
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
