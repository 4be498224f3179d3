"""Faults in the middle of work: the object storage goes away while a learner uploads a proof. The upload
is refused with a plain 503 page, nothing of the request is kept, and the same upload succeeds once
the storage is back. PostgreSQL drops the connections a web process keeps in its pool: the next request is
served on a new one. (Broker and remote-LRS outages: tests/xapi/emitter/test_broker_down.py and
test_emitter.py; a crashed worker: tests/lms/test_celery.py.)"""
import io
import time

import pytest
import sqlalchemy as sa

from lms.storage import storage_from_config
from tests import services
from tests.conftest import committed_app
from tests.s3_server import running_s3_server

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _s3(endpoint: str):
    return storage_from_config({"STORAGE_BACKEND": "s3", "STORAGE_S3_ENDPOINT_URL": endpoint,
                                "STORAGE_S3_BUCKET": "faults", "STORAGE_S3_ACCESS_KEY": "testing",
                                "STORAGE_S3_SECRET_KEY": "testing"})


def _submit(client):
    return client.post("/my/learning/external/new", data={
        "title": "防災士培訓", "provider": "內政部消防署", "started_on": "2026-09-01", "ended_on": "2026-09-02",
        "hours": "12", "learning_mode": "2", "job_related": "y",
        "proof": (io.BytesIO(PDF), "證明.pdf", "application/pdf")}, content_type="multipart/form-data")


def _count(db):
    from lms.personnel.models import ExternalLearning

    return db.session.scalar(sa.select(sa.func.count()).select_from(ExternalLearning))


def test_an_upload_while_the_storage_is_down_is_refused_cleanly_and_works_when_it_is_back(
        app, db, make_user, login, monkeypatch):
    client = login(make_user())
    before = _count(db)
    with running_s3_server() as endpoint:
        storage = _s3(endpoint)
        storage.ping()
    # The server is gone now: the storage object still points at it, as a running app's would.
    monkeypatch.setitem(app.extensions, "storage", storage)
    refused = _submit(client)
    assert refused.status_code == 503
    body = refused.get_data(as_text=True)
    assert "檔案儲存服務目前無法使用" in body and "均未儲存" in body
    assert _count(db) == before  # nothing half-saved
    with running_s3_server() as endpoint:
        monkeypatch.setitem(app.extensions, "storage", _s3(endpoint))
        accepted = _submit(client)
        assert accepted.status_code == 302, accepted.get_data(as_text=True)[:1000]
        assert _count(db) == before + 1
        from lms.personnel.models import ExternalLearning

        item = db.session.scalars(sa.select(ExternalLearning).order_by(ExternalLearning.id.desc())).first()
        with app.extensions["storage"].open(item.proof_key) as stored:
            assert stored.read() == PDF


def test_the_json_api_answers_503_in_json_when_storage_is_down(app, db):
    from lms.storage import StorageUnavailableError

    with app.test_request_context("/api/v1/subsidies/claims", method="POST"):
        response = app.make_response(app.handle_user_exception(
            StorageUnavailableError("s3: http://127.0.0.1:1/faults cannot be reached")))
    assert response.status_code == 503
    assert response.get_json()["error"] == "服務暫時無法使用"
    assert "127.0.0.1" not in response.get_data(as_text=True)


# -- PostgreSQL drops the connections a web process keeps in its pool (a restart, a proxy's idle timeout) --

def _pooled_backend_pid(app) -> int:
    from lms.extensions import db

    with db.engine.connect() as conn:  # the pool's one connection, checked in again at once
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def _drop_connection(pid: int) -> None:
    with services._admin_connection() as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0] is True


@pytest.fixture
def pooled_app(app, database_url, tmp_path):
    """A web process of its own on the test database, with a pool of one connection."""
    if services.TEST_DB != "postgresql":
        pytest.skip("a server dropping pooled connections is a PostgreSQL fault; runs in the PostgreSQL pass")

    def make(idle_seconds: int):
        return committed_app(database_url, tmp_path, DATABASE_POOL_SIZE=1, DATABASE_PING_IDLE_SECONDS=idle_seconds)
    return make


def test_a_connection_dropped_while_idle_in_the_pool_is_replaced_before_a_request_uses_it(pooled_app):
    with pooled_app(1) as web:
        client = web.test_client()
        assert client.get("/readyz").status_code == 200
        pid = _pooled_backend_pid(web)
        _drop_connection(pid)
        time.sleep(1.2)  # idle past DATABASE_PING_IDLE_SECONDS: checked before use, found dead, replaced
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.get_json()
        assert _pooled_backend_pid(web) != pid


def test_without_the_idle_check_the_first_request_after_the_drop_fails_and_the_next_one_works(pooled_app):
    """The check above can fail: a connection used a moment ago is not checked (that round trip was one in
    eight of a page's); the request that finds it dead fails, and the pool is renewed for the next one."""
    with pooled_app(3600) as web:
        client = web.test_client()
        assert client.get("/readyz").status_code == 200
        _drop_connection(_pooled_backend_pid(web))
        failed = client.get("/readyz")
        assert failed.status_code == 503 and failed.get_json()["checks"]["database"] is False
        assert client.get("/readyz").status_code == 200
