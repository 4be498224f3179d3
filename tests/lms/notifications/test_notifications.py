"""Notifications: a person reads their own; administrators read the outbox; retries are idempotent."""
from lms.auth.models import Role
from lms.notifications import services, tasks
from lms.notifications.delivery import deliver
from lms.notifications.models import Notification


def test_learner_sees_and_reads_own_notifications_only(db, make_user, login):
    me, other = make_user(), make_user()
    mine = services.notify(me.employee, "報名成功", "您已錄取", link="/notifications/")
    theirs = services.notify(other.employee, "候補通知", "您目前為備取")
    client = login(me)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "報名成功" in page and "候補通知" not in page
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert client.post(f"/notifications/{mine.id}/read").status_code == 302
    assert db.session.get(Notification, mine.id).read_at is not None


def test_outbox_is_for_administrators(db, make_user, login, city):
    learner = make_user()
    services.notify(learner.employee, "課前提醒", "明天上課")
    assert login(learner).get("/admin/outbox").status_code == 403
    page = login(make_user(Role.TRAINING_ADMIN, agency=city["root"])).get("/admin/outbox").get_data(as_text=True)
    assert "課前提醒" in page and learner.employee.email in page


def test_delivery_is_idempotent_and_the_sweep_retries_failures(app, db, make_employee, monkeypatch):
    employee = make_employee()
    notification = services.notify(employee, "一", "x")
    first_sent = notification.sent_at
    deliver(notification)  # a retry of an already delivered message does nothing
    assert notification.sent_at == first_sent and notification.attempts == 1

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there: delivery fails
    failed = services.notify(employee, "二", "y")
    assert failed.sent_at is None and failed.attempts == 1 and failed.last_error
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    assert tasks.deliver_pending_notifications() == 1
    assert failed.sent_at is not None and failed.last_error is None
