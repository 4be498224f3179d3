"""Sign in as each role in a real browser, see the home page for that role, switch language, sign out."""
import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_wrong_password_shows_a_clear_message(page, live_server):
    sign_in(page, live_server, "L0001", "not-the-password")
    assert page.get_by_role("alert").inner_text().startswith("員工編號、電子郵件或密碼錯誤")
    assert page.get_by_label("員工編號或電子郵件").input_value() == "L0001"  # input kept


def test_learner_signs_in_switches_to_english_and_signs_out(page, live_server):
    sign_in(page, live_server, "L0001")
    assert page.get_by_role("heading", level=1).inner_text() == "王小明，您好"
    assert page.get_by_role("link", name="人員", exact=True).count() == 0  # no staff list for a learner
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, 王小明"
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", name="Sign in").is_visible()


def test_supervisor_sees_only_their_units_staff(page, live_server):
    sign_in(page, live_server, "S0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="人員", exact=True).click()
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    agencies = set(page.locator("table tbody tr td:nth-child(3)").all_inner_texts())
    assert agencies and all("苓雅" in a for a in agencies), agencies


def test_phone_sized_screen_keeps_the_form_usable(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-TW")
    page = context.new_page()
    page.goto(live_server + "/login")
    box = page.get_by_label("密碼").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone: {width}px"
    context.close()
