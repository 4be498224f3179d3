"""`flask lms backup` / `flask lms restore`: a backup restored into an empty installation holds every
row of every table, every stored file byte for byte, and every xAPI statement."""
import io
import tarfile
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.stamps import read_stamp
from tests.conftest import committed_app
from tests.services import fresh_database


def _installation(url, instance):
    return committed_app(url, instance, STORAGE_LOCAL_ROOT=str(instance / "storage"))


def _every_row() -> dict[str, list[tuple]]:
    """Every table a backup holds (not data_stamps: a restore changes its tokens, as checked below)."""
    return {table.name: [tuple(row) for row in db.session.execute(
                sa.select(table).order_by(*table.primary_key.columns))]
            for table in db.metadata.sorted_tables if table.name != "data_stamps"}


def _populate(app):
    from lms import demo
    from lms.storage import get_storage
    from xapi.store.services import StoreRequest, store_statements

    agencies = demo.seed_agencies()
    demo.seed_demo_accounts(agencies)
    demo.seed_staff(30, agencies)
    storage = get_storage()
    storage.save("claims/2026/成績單.pdf", io.BytesIO(b"%PDF-1.7 score report\x00\xff"), "application/pdf")
    storage.save("packages/a/index.html", io.BytesIO("<h1>課程</h1>".encode()), "text/html")
    statement_id = str(uuid.uuid4())
    store_statements(StoreRequest(statements=[{
        "id": statement_id,
        "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.kcg.gov.tw", "name": "L0001"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"zh-TW": "完訓"}},
        "object": {"id": "https://lms.kcg.gov.tw/courses/PROC-101", "objectType": "Activity"},
        "result": {"completion": True, "duration": "PT6H"},
    }], authority={"objectType": "Agent", "account": {"homePage": "https://lms.kcg.gov.tw", "name": "test"}}))
    db.session.commit()
    return statement_id


def test_a_backup_restores_every_row_file_and_statement_into_an_empty_installation(tmp_path):
    with fresh_database(tmp_path, "lms_backup_src") as source_url:
        _round_trip(tmp_path, source_url)


def test_a_sqlite_installation_moves_to_the_database_under_test(tmp_path):
    """On the PostgreSQL pass this is the move from the embedded default to production."""
    _round_trip(tmp_path, f"sqlite:///{tmp_path / 'laptop.sqlite3'}")


def _round_trip(tmp_path, source_url):
    from lms.core.backup import BackupError, restore_backup
    from lms.storage import get_storage

    archive = tmp_path / "backup.tar.gz"
    with _installation(source_url, tmp_path / "a") as source:
        flask_migrate.upgrade(revision="heads")
        statement_id = _populate(source)
        before = _every_row()
        files_before = {k: get_storage().open(k).read() for k in get_storage().keys()}
        result = source.test_cli_runner().invoke(args=["lms", "backup", str(archive)])
        assert result.exit_code == 0, result.output
        assert "and 2 files" in result.output
        db.session.remove()
        db.engine.dispose()
    assert sum(len(rows) for rows in before.values()) > 100 and before["xapi_statements"]

    with fresh_database(tmp_path, "lms_backup_dst") as target_url:
        with _installation(target_url, tmp_path / "b") as target:
            flask_migrate.upgrade(revision="heads")
            stamp = read_stamp("catalogue")
            db.session.remove()
            result = target.test_cli_runner().invoke(args=["lms", "restore", str(archive)])
            assert result.exit_code == 0, result.output
            db.session.remove()
            assert _every_row() == before
            assert read_stamp("catalogue") not in (None, stamp)   # web processes drop their cached pages
            assert {k: get_storage().open(k).read() for k in get_storage().keys()} == files_before
            response = target.test_client().get(
                f"/xapi/statements?statementId={statement_id}",
                headers={"X-Experience-API-Version": "1.0.3", "Authorization": _basic_client(target)})
            assert response.status_code == 200 and response.get_json()["id"] == statement_id
            # The restored database goes on: new rows get new ids after the restored ones.
            from lms.people.models import Employee

            newest = db.session.scalar(sa.select(sa.func.max(Employee.id)))
            employee = Employee(agency_id=before["agencies"][0][0], staff_no="NEW001", name_zh="新進人員")
            db.session.add(employee)
            db.session.flush()
            assert employee.id > newest
            db.session.rollback()
            # A second restore over a populated installation is refused, and changes nothing.
            populated = _every_row()
            with pytest.raises(BackupError, match="already has users or staff"):
                restore_backup(archive)
            db.session.rollback()
            assert _every_row() == populated
            db.session.remove()
            db.engine.dispose()


def _basic_client(app) -> str:
    import base64

    from xapi.store.services import create_client

    client, secret = create_client("backup-check", can_write=False)
    db.session.commit()
    return "Basic " + base64.b64encode(f"{client.key}:{secret}".encode()).decode()


def test_a_damaged_or_foreign_file_is_refused_with_a_plain_message(app, db, tmp_path):
    from lms.core.backup import BackupError, restore_backup

    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as archive:
        archive.addfile(tarfile.TarInfo("hello.txt"), io.BytesIO(b""))
    with pytest.raises(BackupError, match="not a backup of the platform"):
        restore_backup(foreign)
    wrong_revision = tmp_path / "old.tar"
    manifest = b'{"format": "lms-backup/1", "schema_revision": ["0001_foundation"], "tables": {}, "files": 0}'
    with tarfile.open(wrong_revision, "w") as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    with pytest.raises(BackupError, match="schema revision 0001_foundation.*flask db upgrade"):
        restore_backup(wrong_revision)
