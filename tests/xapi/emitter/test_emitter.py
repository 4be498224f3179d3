"""The emitter: statements built with tincan from learning events, the outbox, forwarding to an
external LRS with retries (the remote going away and coming back), alerts and domain events."""
import json
import uuid
from datetime import timedelta

import pytest

from lms.db import utcnow
from xapi.emitter import services, tasks, vocabulary
from xapi.emitter.models import DELIVERED, FAILED, LOCAL, PENDING, OutboxEntry
from xapi.store import queries
from xapi.validation.statements import statement_errors


@pytest.fixture
def remote(app, monkeypatch, remote_lrs_server):
    monkeypatch.setitem(app.config, "XAPI_FORWARD_URL", remote_lrs_server.url)
    monkeypatch.setitem(app.config, "XAPI_FORWARD_KEY", "k")
    monkeypatch.setitem(app.config, "XAPI_FORWARD_SECRET", "s")
    return remote_lrs_server


@pytest.fixture
def fire_run(app):
    with app.test_request_context():
        course = services.course_activity("FIRE-60", "消防安全檢查實務認證班", "Fire-safety inspection")
        run = services.run_activity("111-FIRE-01", "消防安全檢查實務認證班 第1期")
    return course, run


def event(employee, run, course, verb="attended", **kw):
    return services.LearningEvent(verb=verb, employee=employee, activity=run, parent=course, **kw)


def test_statement_shape_and_privacy(app, db, make_employee, fire_run):
    course, run = fire_run
    employee = make_employee(national_id="E123456789")
    statement = services.build_statement(event(employee, run, course, minutes_attended=340, extensions={
        vocabulary.EXT_LEARNING_MODE: 2}))
    assert statement_errors(statement) == []
    assert statement["actor"]["account"] == {"homePage": app.config["BASE_URL"], "name": employee.staff_no}
    assert "E123456789" not in json.dumps(statement)
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attended"
    assert statement["result"]["extensions"][vocabulary.EXT_MINUTES_ATTENDED] == 340
    assert statement["result"]["duration"] == "PT05H40M00S"
    assert statement["context"]["registration"] == str(uuid.uuid5(uuid.NAMESPACE_URL, run.iri))
    assert statement["context"]["contextActivities"]["parent"][0]["id"] == course.iri
    completed = services.build_statement(event(employee, run, course, verb="completed", credited_hours=60,
                                               completion=True, score=(85, 0, 100)))
    assert completed["result"]["extensions"][vocabulary.EXT_HOURS] == 60
    assert completed["result"]["score"]["scaled"] == 0.85


def test_mbox_sha1sum_actor_when_configured(app, db, make_employee, monkeypatch, fire_run):
    monkeypatch.setitem(app.config, "XAPI_ACTOR_IFI", "mbox_sha1sum")
    course, run = fire_run
    statement = services.build_statement(event(make_employee(), run, course))
    assert set(statement["actor"]) == {"objectType", "mbox_sha1sum"}


def test_record_event_stores_locally_without_remote(app, db, make_employee, fire_run):
    course, run = fire_run
    entry = services.record_event(event(make_employee(), run, course))
    assert entry.status == LOCAL
    stored = json.loads(queries.get_statement(entry.statement_id, voided=False).payload)
    assert stored["authority"]["account"]["name"] == "lms-platform"
    voiding = services.void_statement(entry.statement_id)
    assert queries.get_statement(entry.statement_id, voided=True) is not None
    assert voiding.event == "voided"


def test_forwarding_survives_the_remote_going_away(app, db, make_employee, remote, fire_run):
    course, run = fire_run
    employee = make_employee()
    first = services.record_event(event(employee, run, course))
    assert first.status == DELIVERED and first.statement_id in remote.received
    headers, body = remote.received[first.statement_id][0]
    assert headers["X-Experience-API-Version"] == "1.0.3" and headers["Authorization"].startswith("Basic ")
    assert body["id"] == first.statement_id

    remote.up = False
    second = services.record_event(event(employee, run, course, verb="completed", credited_hours=60))
    assert second.status == PENDING and second.attempts == 1 and "503" in second.last_error
    assert second.next_attempt_at > utcnow()
    assert tasks.forward_due_outbox() == 0  # not due yet: backoff

    remote.up = True
    second.next_attempt_at = utcnow() - timedelta(seconds=1)
    assert tasks.forward_due_outbox() == 1
    assert second.status == DELIVERED and len(remote.received[second.statement_id]) == 1
    assert tasks.forward_outbox_entry(second.id) is True  # a second run changes nothing
    assert len(remote.received[second.statement_id]) == 1


def test_remote_unreachable_then_gives_up_and_replays(app, db, make_employee, remote, fire_run, remote_lrs_server):
    course, run = fire_run
    remote.close()  # nothing listens on the port any more
    entry = services.record_event(event(make_employee(), run, course))
    for _ in range(services.MAX_ATTEMPTS):
        entry.next_attempt_at = utcnow() - timedelta(seconds=1)
        tasks.forward_due_outbox()
    assert entry.status == FAILED and entry.attempts == services.MAX_ATTEMPTS
    back = type(remote_lrs_server)()
    app.config["XAPI_FORWARD_URL"] = back.url
    try:
        assert services.replay_entries([entry.id]) == 1
        assert entry.status == DELIVERED and entry.statement_id in back.received
    finally:
        back.close()


def test_alert_when_remote_down_too_long(app, db, make_user, make_employee, remote, monkeypatch, fire_run):
    from lms.auth.models import Role
    from lms.notifications.models import Notification

    admin = make_user(Role.SYSADMIN)
    course, run = fire_run
    remote.up = False
    entry = services.record_event(event(make_employee(), run, course))
    assert tasks.alert_if_remote_down() is False
    entry.created_at = utcnow() - timedelta(hours=2)
    monkeypatch.setitem(app.config, "XAPI_FORWARD_ALERT_MINUTES", 60)
    assert tasks.alert_if_remote_down() is True
    alerts = db.session.execute(db.select(Notification).where(Notification.kind == "xapi_forward_down")).scalars()
    assert [n.employee_id for n in alerts] == [admin.employee_id]
    assert tasks.alert_if_remote_down() is False  # once a day, not on every sweep


def test_domain_events_become_statements(app, db, make_employee):
    from lms.events.services import record_event

    employee = make_employee()
    before = db.session.execute(db.select(db.func.max(OutboxEntry.id))).scalar() or 0
    with app.test_request_context():
        record_event("attendance.recorded", employee=employee, run={"code": "112-DRONE-01", "name_zh": "無人機專班"},
                     course={"code": "DRONE", "name_zh": "無人機專業高級（初階）證照輔導專班"}, minutes_attended=300)
        record_event("enrollment.something_else", employee=employee)
    entries = db.session.execute(db.select(OutboxEntry).where(OutboxEntry.id > before)).scalars().all()
    assert [e.event for e in entries] == ["attended"]
    statement = json.loads(entries[0].payload)
    assert statement["object"]["id"].endswith("/xapi/activities/run/112-DRONE-01")
    assert statement["result"]["extensions"][vocabulary.EXT_MINUTES_ATTENDED] == 300
