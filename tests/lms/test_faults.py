"""Faults in the middle of work: the object storage goes away while a learner uploads a proof. The upload
is refused with a plain 503 page, nothing of the request is kept, and the same upload succeeds once
the storage is back. (Broker and remote-LRS outages: tests/xapi/emitter/test_broker_down.py and
test_emitter.py; a crashed worker: tests/lms/test_celery.py.)"""
import io

import pytest
import sqlalchemy as sa

from lms.storage import storage_from_config
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
