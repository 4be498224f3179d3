"""The police agency's training officer (O0001) in a real browser: nominates staff for a class of two seats
from the list of open classes (an empty nomination first, then three ticked and two pasted numbers, one of them
unknown) and reads who got a seat; then works the hours review queue record by record: clears the
page, rejects two completions (the reason forgotten first: the choice survives the error) and certifies one.

Bulk certification of a whole page is test_journey_my_learning.py's journey; this one leaves the rest of the
queue as it found it."""
from __future__ import annotations

import re

import pytest

from tests.browser import helpers
from tests.browser.helpers import shown, sign_in

pytestmark = pytest.mark.browser

TICKED = ("K000022", "K000005", "K000027")   # police staff with no class of their own that year
PASTED = "K000007，x9999"                     # a full-width comma and a number nobody has
REVIEWED = "K000038"                          # whose completions the officer decides one by one


@pytest.fixture(scope="module")
def two_seat_class(demo_app):
    """(run id, run code) of a new class of two seats, open for enrolment."""
    return helpers.arrange_class(demo_app, "OFF", "公務倫理研習班", days_ahead=150, capacity=2)[:2]


def test_officer_nominates_staff(page, live_server, two_seat_class):
    run_id, run_code = two_seat_class
    sign_in(page, live_server, "O0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="報名", exact=True).click()
    page.get_by_role("row").filter(has_text=run_code).get_by_role("link", name=f"薦送同仁 {run_code}").click()
    assert run_code in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("button", name="薦送", exact=True).click()
    assert shown(page.get_by_role("alert").filter(has_text="請勾選同仁或貼上員工編號。"))

    staff = page.get_by_role("group", name="本機關同仁")
    for number in TICKED:
        staff.get_by_label(re.compile(number)).check()
    page.get_by_label("或貼上員工編號").fill(PASTED)
    page.get_by_role("button", name="薦送", exact=True).click()

    report = page.get_by_role("region", name="薦送結果")
    assert "正取 2 人、備取 2 人，1 人無法薦送。" in report.inner_text()
    assert report.locator("#refused tbody tr").count() == 1
    assert "X9999" in report.locator("#refused").inner_text()
    statuses = [staff.get_by_role("row").filter(has_text=number).get_by_role("cell").last.inner_text()
                for number in (*TICKED, "K000007")]
    assert sorted(statuses) == ["備取", "備取", "正取", "正取"]
    page.set_viewport_size({"width": 375, "height": 740})   # on a phone the staff table scrolls, not the page
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # Nominating someone twice is refused with the reason, and the page leads back to the class.
    staff.get_by_label(re.compile(TICKED[0])).check()
    page.get_by_role("button", name="薦送", exact=True).click()
    assert "正取 0 人、備取 0 人，1 人無法薦送。" in page.get_by_role("region", name="薦送結果").inner_text()
    page.get_by_role("link", name="回到班期頁面").click()
    assert page.url.endswith(f"/enrol/runs/{run_id}")
    assert "2 / 2 · 備取 2 人" in page.locator("dl").inner_text()


def _waiting(page) -> int:
    return int(re.search(r"共 (\d+) 筆待審核", page.locator("#waiting-count").inner_text()).group(1))


def test_officer_reviews_hours_one_by_one(page, live_server):
    sign_in(page, live_server, "O0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="時數審核").click()
    waiting = _waiting(page)
    boxes = page.locator("input[name=record_id]")
    assert boxes.count() == min(waiting, 50)

    everything = page.get_by_label("選取本頁所有紀錄")
    assert everything.is_checked()   # every record is chosen at first: approval in bulk is one click
    everything.uncheck()
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))
    rows = page.locator("#review-form tbody tr").filter(has_text=REVIEWED)
    assert rows.count() >= 3, "the demo leaves several completions of K000038 waiting"
    chosen = [rows.nth(i).locator("input[name=record_id]").get_attribute("value") for i in range(2)]
    for record in chosen:
        page.locator(f"#record-{record}").check()

    page.get_by_role("button", name="退回所選時數").click()
    assert shown(page.get_by_role("alert").filter(has_text="請填寫退回時數的理由。"))
    still_ticked = {boxes.nth(i).get_attribute("value") for i in range(boxes.count()) if boxes.nth(i).is_checked()}
    assert still_ticked == set(chosen)   # the officer's choice survives the error
    assert _waiting(page) == waiting

    page.get_by_label("理由（退回時必填）").fill("研習證明與課程時數不符")
    page.get_by_role("button", name="退回所選時數").click()
    assert shown(page.get_by_role("status").filter(has_text="已退回 2 筆紀錄。"))
    assert _waiting(page) == waiting - 2
    assert not page.locator(f"#record-{chosen[0]}").count() and not page.locator(f"#record-{chosen[1]}").count()

    page.get_by_label("選取本頁所有紀錄").uncheck()
    page.locator("#review-form tbody tr").filter(has_text=REVIEWED).first.locator("input[name=record_id]").check()
    page.get_by_role("button", name="認證所選時數").click()
    assert shown(page.get_by_role("status").filter(has_text="已認證 1 筆紀錄。"))
    assert _waiting(page) == waiting - 3
