"""Reminders to the people behind (once per person per day, whoever clicks) and the monthly report to
each supervisor (once per supervisor per month, however often the beat runs)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from courses.reports import services, tasks
from courses.reports.models import ReportDispatch
from lms.notifications.models import Notification


def _notes(db, employee, kind):
    return db.session.execute(sa.select(Notification).where(Notification.employee_id == employee.id,
                                                            Notification.kind == kind)).scalars().all()


def test_reminder_goes_to_those_behind_once_a_day(db, sign_in, supervisor, staff, city):
    client = sign_in(supervisor)
    first = client.post(f"/reports/units/{city['lingya'].id}/remind")
    assert first.status_code == 302
    notes = _notes(db, staff["behind"], "reports.reminder")
    assert len(notes) == 1
    assert "環境教育：已有 0 小時，應達 4 小時" in notes[0].body
    assert "性別主流化" not in notes[0].body  # met rules are not listed
    assert _notes(db, staff["done"], "reports.reminder") == []
    assert _notes(db, staff["fire"], "reports.reminder") == []
    client.post(f"/reports/units/{city['lingya'].id}/remind")
    assert len(_notes(db, staff["behind"], "reports.reminder")) == 1


def test_reminder_service_counts_and_next_day(db, supervisor, staff, city, year):
    first = services.remind_behind(supervisor, city["lingya"], year, today=date(year, 5, 1))
    again = services.remind_behind(supervisor, city["lingya"], year, today=date(year, 5, 1))
    next_day = services.remind_behind(supervisor, city["lingya"], year, today=date(year, 5, 2))
    assert (first.sent, first.already) == (1, 0)
    assert (again.sent, again.already) == (0, 1)
    assert next_day.sent == 1


def test_reminder_without_rules_is_refused(db, supervisor, city, year):
    from lms.errors import RuleBrokenError

    with pytest.raises(RuleBrokenError):
        services.remind_behind(supervisor, city["lingya"], year + 5)


def test_monthly_report_is_sent_once_per_supervisor_and_month(db, make_employee, staff, city):
    boss = make_employee(city["lingya"], is_supervisor=True, name_zh="分局長")
    fire_boss = make_employee(city["fire"], is_supervisor=True)
    assert tasks.send_monthly_reports.apply().get() == 2
    assert tasks.send_monthly_reports.apply().get() == 0      # the beat running again sends nothing
    assert services.send_monthly_report(boss.id, services.monthly_period(date.today())) is False
    notes = _notes(db, boss, "reports.monthly")
    assert len(notes) == 1
    body = notes[0].body
    assert staff["behind"].staff_no in body and staff["fire"].staff_no not in body
    assert notes[0].link == f"/reports/units/{city['lingya'].id}"
    assert len(_notes(db, fire_boss, "reports.monthly")) == 1
    assert db.session.execute(sa.select(sa.func.count(ReportDispatch.id))).scalar_one() == 2


def test_monthly_report_skips_former_supervisors(db, make_employee, rules, city):
    former = make_employee(city["lingya"], is_supervisor=False)
    assert services.send_monthly_report(former.id, "2026-01") is False
    assert services.send_monthly_report(999999, "2026-01") is False


def test_beat_schedule_lists_the_sweep():
    from lms.celery_app import TASK_MODULES

    assert "courses.reports.tasks" in TASK_MODULES
    entry = tasks.BEAT_SCHEDULE["reports-monthly-supervisor-reports"]
    assert entry["task"] == "courses.reports.tasks.send_monthly_reports"


def test_reminder_needs_the_csrf_token(app, db, sign_in, supervisor, staff, city):
    import re

    client = sign_in(supervisor)
    url = f"/reports/units/{city['lingya'].id}"
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(url + "/remind").status_code == 400
        assert _notes(db, staff["behind"], "reports.reminder") == []
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                          client.get(url).get_data(as_text=True))
        value = token.group(1) or token.group(2)
        assert client.post(url + "/remind", data={"csrf_token": value}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert len(_notes(db, staff["behind"], "reports.reminder")) == 1
