"""Fixtures for the xAPI tests: issued credentials, a client that speaks xAPI (headers, JSON), and a
stand-in external LRS on a real port for the forwarding tests."""
from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class Lrs:
    """The Flask test client with xAPI credentials and the version header on every request."""

    def __init__(self, client, auth: str, version: str = "1.0.3"):
        self.client, self.auth, self.version = client, auth, version

    def request(self, method, path, *, json_body=None, headers=None, **kw):
        sent = {"X-Experience-API-Version": self.version, "Authorization": self.auth}
        sent.update(headers or {})
        sent = {k: v for k, v in sent.items() if v is not None}
        if json_body is not None:
            kw["data"] = json.dumps(json_body)
            kw["content_type"] = "application/json"
        return self.client.open(path, method=method, headers=sent, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def make_lrs_client(db):
    from xapi.store.services import create_client

    def factory(name="Test LMS client", can_write=True):
        client, secret = create_client(name, can_write=can_write)
        # Committed (a savepoint release in tests): a refused request rolls back only its own work.
        db.session.commit()
        return client, secret
    return factory


@pytest.fixture
def lrs(client, make_lrs_client):
    key_client, secret = make_lrs_client()
    return Lrs(client, basic(key_client.key, secret))


@pytest.fixture
def make_statement():
    def factory(**overrides):
        statement = {
            "actor": {"objectType": "Agent", "name": "林小明", "mbox": "mailto:ming@example.gov.tw"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed",
                                                                                    "zh-TW": "完成"}},
            "object": {"id": "https://lms.example.gov.tw/xapi/activities/course/CEDAW-101",
                       "definition": {"name": {"en-US": "CEDAW basics", "zh-TW": "CEDAW 教育訓練 基礎"}}},
        }
        statement.update(overrides)
        return statement
    return factory


class RemoteLrs:
    """A stand-in external LRS on a real port: records PUTs, can be taken down and brought back."""

    def __init__(self):
        self.received, self.up = {}, True
        remote = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not remote.up:
                    self.send_response(503)
                    self.end_headers()
                    return
                statement_id = self.path.split("statementId=")[1]
                remote.received.setdefault(statement_id, []).append((self.headers, json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/xapi"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def remote_lrs_server():
    server = RemoteLrs()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _eager_celery_of_the_test_app(app):
    """Other tests build apps with a broker, and Celery's default app is the last one built: make it
    the test app again so that tasks run eagerly in the test's transaction."""
    app.extensions["celery"].set_default()
    app.extensions["celery"].set_current()
