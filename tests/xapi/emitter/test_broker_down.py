"""Nothing is lost when Redis is down: the outbox row commits with the change, and the periodic
sweep forwards it once the broker (or the beat) works again."""

import flask_migrate

from lms.extensions import db
from tests import services
from tests.conftest import make_settings

DEAD_BROKER = "redis://127.0.0.1:1/0"


def test_statement_survives_a_dead_broker(tmp_path, remote_lrs_server):
    from lms import create_app
    from lms.agencies.services import upsert_agency
    from lms.people.models import Employee
    from xapi.emitter import services as emitter, tasks
    from xapi.emitter.models import DELIVERED, PENDING, OutboxEntry

    with services.fresh_database(tmp_path, "xapi_broker") as url:
        app = create_app(make_settings(url, tmp_path, CELERY_BROKER_URL=DEAD_BROKER, XAPI_FORWARD_URL=remote_lrs_server.url))
        try:
            with app.test_request_context():
                flask_migrate.upgrade(revision="heads")
                agency = upsert_agency("KHH", "高雄市政府", "Kaohsiung", "city")
                employee = Employee(staff_no="F0001", name_zh="林消防", agency=agency)
                db.session.add(employee)
                run = emitter.run_activity("111-FIRE-01", "消防安全檢查實務認證班")
                entry = emitter.record_event(emitter.LearningEvent("attended", employee, run, minutes_attended=360))
                statement_id = entry.statement_id
                try:
                    db.session.commit()  # the task cannot reach Redis once the transaction is committed
                except Exception:  # noqa: BLE001  (kombu's connection error after the commit)
                    pass
                db.session.remove()
            assert remote_lrs_server.received == {}
            with app.app_context():
                entry = db.session.execute(db.select(OutboxEntry)).scalar_one()
                assert entry.status == PENDING and entry.statement_id == statement_id
                assert tasks.forward_due_outbox() == 1  # what the beat runs once things are back
                db.session.commit()
                assert db.session.execute(db.select(OutboxEntry)).scalar_one().status == DELIVERED
                db.session.remove()
            assert list(remote_lrs_server.received) == [statement_id]
        finally:
            with app.app_context():
                db.engine.dispose()
