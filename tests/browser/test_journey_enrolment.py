"""The enrolment journey in headless Chromium: a learner enrols in a full class and is waitlisted, is
promoted when the seat holder cancels, checks in with the instructor's code on the class day, completes,
downloads the certificate, and the public verification page confirms it.

The app runs for real in a thread on its own committed database (the demo city plus one class of one seat);
between the enrolment and the class day the test moves the class to today ("time passes").
"""
from __future__ import annotations

import threading
from datetime import timedelta

import flask_migrate
import pytest
from werkzeug.serving import make_server

from lms import create_app
from lms.i18n import compile_catalogues
from tests import services
from tests.browser import helpers
from tests.conftest import make_settings

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def journey(tmp_path_factory):
    """(base URL, app, run id) of a live app whose one-seat class is held by the supervisor S0001."""
    from contextlib import ExitStack

    compile_catalogues()
    with ExitStack() as stack:
        url = stack.enter_context(services.fresh_database(tmp_path_factory.mktemp("journey"), "lms_journey"))
        app = create_app(make_settings(url, tmp_path_factory.mktemp("journey-instance"), TESTING=False,
                                       WTF_CSRF_ENABLED=True))
        with app.app_context():
            flask_migrate.upgrade(revision="heads")
        result = app.test_cli_runner().invoke(args=["lms", "seed-demo", "--staff", "10"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            run_id = _one_seat_class()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", app, run_id
        finally:
            server.shutdown()
            with app.app_context():
                from lms.extensions import db

                db.engine.dispose()


def _one_seat_class() -> int:
    from courses.enrollment.services import enroll, local_today
    from lms.extensions import db

    # 120 days ahead: clear of the demo runs L0001 is booked on
    run = helpers.open_class("JRN-001", "資通安全通識教育訓練", starts_on=local_today() + timedelta(days=120), capacity=1)
    enroll(run, helpers.staff("S0001"))
    db.session.commit()
    return run.id


def sign_in(page, base, staff_no):
    helpers.sign_in(page, base, staff_no)
    page.get_by_role("button", name="English").click()   # the journey reads the English labels


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_enrol_waitlist_promotion_check_in_certificate(browser, journey):
    base, app, run_id = journey
    learner = browser.new_context(locale="zh-TW", accept_downloads=True).new_page()
    learner.set_default_timeout(15000)
    sign_in(learner, base, "L0001")
    learner.goto(f"{base}/enrol/runs/{run_id}")
    learner.get_by_role("button", name="Enrol").click()
    assert "number 1 on the waitlist" in learner.locator("#enrolment-status").inner_text()

    holder = browser.new_context(locale="zh-TW").new_page()
    sign_in(holder, base, "S0001")
    holder.goto(f"{base}/my/enrolments")
    holder.locator("tr", has_text="JRN-001").get_by_role("button", name="Cancel").click()
    assert "Cancelled" in holder.locator("tr", has_text="JRN-001").inner_text()

    learner.goto(f"{base}/my/enrolments")
    assert "Seat confirmed" in learner.locator("tr", has_text="JRN-001").inner_text()

    helpers.class_day_is_today(app, run_id)
    teacher = browser.new_context(locale="zh-TW").new_page()
    sign_in(teacher, base, "I0001")
    teacher.goto(f"{base}/admin/enrolment/runs/{run_id}")
    teacher.locator("a[href*='/attendance/sessions/']").first.click()
    code = teacher.locator("#check-in-code").inner_text().strip()
    assert teacher.locator(".qr svg").count() == 1

    learner.goto(f"{base}/my/enrolments")
    learner.locator("a.check-in").first.click()
    learner.get_by_label("Code shown by the instructor").fill(code)
    learner.get_by_role("button", name="Check in").click()
    assert learner.locator("#checked-in").is_visible()

    admin = browser.new_context(locale="zh-TW").new_page()
    sign_in(admin, base, "A0001")
    admin.goto(f"{base}/admin/enrolment/runs/{run_id}/results")
    admin.get_by_role("button", name="Save results").click()
    assert "Completed" in admin.locator("#results").inner_text()

    learner.goto(f"{base}/my/enrolments")
    row = learner.locator('tr[data-run^="JRN-001"]')  # the demo learner has certificates of other classes too
    with learner.expect_download() as download:
        row.get_by_role("link", name="Certificate (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    verify_link = row.get_by_role("link", name="Verification page").get_attribute("href")
    sign_out(learner)
    learner.goto(base + verify_link)
    assert learner.locator("#verified").is_visible()
    assert "王小明" in learner.locator("dl").inner_text()
