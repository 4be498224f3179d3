"""A real S3 endpoint on loopback for tests: moto's server mode in a subprocess.

Tests talk to it over HTTP exactly as the app talks to MinIO, so signing, path-style addressing,
streaming and presigned URLs are exercised for real (no in-process mocking of boto3).

Use `running_s3_server()` directly, or the fixtures `s3_endpoint` (one server per session) and
`s3_config` (app config for the S3 backend with a fresh bucket per test).
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from typing import Iterator

import pytest

INSTALL_HINT = (
    "moto's server mode is not installed; install it with: "
    "pip install 'moto[server]>=5,<6' (or pip install -e '.[dev]')"
)

# Loopback traffic must never go through an HTTP proxy set in the environment.
_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def moto_server_available() -> bool:
    # flask_cors is what the [server] extra adds on top of plain moto.
    return all(importlib.util.find_spec(name) is not None for name in ("moto", "flask_cors"))


@contextlib.contextmanager
def running_s3_server(timeout: float = 30.0) -> Iterator[str]:
    """Start a moto S3 server on a free loopback port; yield its endpoint URL; stop it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # A file, not a pipe: the server logs every request and would block once a pipe filled up.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"},
        )
        try:
            _wait_until_answering(url, proc, log, timeout)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_answering(url: str, proc: subprocess.Popen, log, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            output = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"moto server exited with code {proc.returncode}:\n{output}")
        try:
            _direct.open(url + "/", timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is up
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto server did not answer on {url} within {timeout:.0f} s")


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    if not moto_server_available():
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(INSTALL_HINT + " (required in CI)", pytrace=False)
        pytest.skip(INSTALL_HINT)
    with running_s3_server() as url:
        yield url


@pytest.fixture
def s3_config(s3_endpoint: str) -> dict:
    return {
        "STORAGE_BACKEND": "s3",
        "STORAGE_S3_ENDPOINT_URL": s3_endpoint,
        "STORAGE_S3_BUCKET": f"test-{uuid.uuid4().hex}",
        "STORAGE_S3_ACCESS_KEY": "testing",
        "STORAGE_S3_SECRET_KEY": "testing",
        "STORAGE_S3_REGION": "us-east-1",
        "STORAGE_S3_PRESIGN_EXPIRES": 300,
    }
