"""The instructor (I0001) takes attendance in a real browser: finds the class of the day among their rosters,
opens the session's screen with the check-in code, starts ticking the roster by hand while a learner checks
in with the code on their own phone, and saves. The code renews on the screen without a reload (the ticks
are kept), and saving the roster keeps the learner's own check-in instead of marking them absent.

The class (two seated staff, its session moved to now) is arranged through the services."""
from __future__ import annotations

import pytest

from tests.browser import helpers
from tests.browser.helpers import shown, sign_in

pytestmark = pytest.mark.browser

CHECKS_IN = "O0001"   # a staff member with an account, who checks in with the code
MARKED = "K000030"    # a staff member without an account, whom the instructor marks present


@pytest.fixture(scope="module")
def class_of_the_day(demo_app):
    """(run id, run code, run year) of a class of two whose session started ten minutes ago."""
    return helpers.arrange_class(demo_app, "INS", "簡報技巧研習班", days_ahead=170, capacity=10,
                                 seated=(CHECKS_IN, MARKED), today=True)[:3]


def test_instructor_takes_attendance_with_the_code(browser, page, live_server, class_of_the_day):
    run_id, run_code, run_year = class_of_the_day
    page.clock.install()   # the test moves the screen's clock to the code's renewal instead of waiting for it
    sign_in(page, live_server, "I0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="學員名冊").click()
    page.get_by_label("年度").fill(str(run_year))
    page.get_by_role("button", name="顯示").click()
    page.get_by_role("row").filter(has_text=run_code).get_by_role("link").click()
    assert "正取 2／10" in page.locator("main").inner_text()
    assert page.get_by_role("link", name=f"{run_year} 年所有學員名冊").is_visible()
    page.locator("a[href*='/attendance/sessions/']").click()

    code = page.locator("#check-in-code").inner_text().strip()
    assert len(code) == 6 and code.isdigit()
    assert page.get_by_role("img", name="簽到頁面的 QR Code").locator("svg").count() == 1
    roster = page.locator("#roster tbody tr")
    assert roster.count() == 2
    page.get_by_label(MARKED, exact=False).check()
    page.evaluate("window.sameDocument = true")

    learner = browser.new_context(locale="zh-TW", viewport={"width": 375, "height": 740}).new_page()
    sign_in(learner, live_server, CHECKS_IN)
    learner.goto(f"{live_server}/my/enrolments")
    learner.locator("tr", has_text=run_code).locator("a.check-in").click()
    learner.get_by_label("講座顯示的簽到碼").fill(code)
    learner.get_by_role("button", name="簽到").click()
    assert "簽到成功" in learner.get_by_role("status").inner_text()
    assert learner.evaluate("document.documentElement.scrollWidth") <= 375
    learner.locator("main").get_by_role("link", name="我的報名").click()   # onward from the check-in page
    assert learner.locator("tr", has_text=run_code).is_visible()
    learner.context.close()

    # The code's time is up: the screen fetches the new code in place; the roster ticks are still there.
    card = page.locator("#code-card")
    page.clock.fast_forward(int(card.get_attribute("data-seconds-left")) * 1000 + 1000)
    page.locator("#code-card[data-refreshed='1']").wait_for(state="attached")
    assert page.evaluate("window.sameDocument") is True
    assert page.get_by_label(MARKED, exact=False).is_checked()
    assert len(page.locator("#check-in-code").inner_text().strip()) == 6

    page.get_by_role("button", name="儲存出席紀錄").click()
    assert shown(page.get_by_role("status").filter(has_text="出席紀錄已儲存。"))
    checked_in = roster.filter(has_text=CHECKS_IN)
    assert checked_in.locator("input[type=checkbox]").is_checked()
    assert "輸入簽到碼" in checked_in.inner_text()
    marked = roster.filter(has_text=MARKED)
    assert marked.locator("input[type=checkbox]").is_checked() and "名冊點名" in marked.inner_text()

    page.get_by_role("link", name=f"回到 {run_code} 學員名冊").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith(run_code)
