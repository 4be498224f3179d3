"""Catalogue journey in a real browser: a training administrator builds a blended course through the pages
(the course, a run, an online pre-work session and two classroom sessions in a room), then a learner finds
it by a Chinese keyword in the catalogue and sees its sessions, where to attend them and the seats left on the
course page."""
import secrets
from datetime import date

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def save(page):
    page.get_by_role("button", name="儲存").click()


def add_session(page, day, mode, title, room=None):
    page.get_by_role("link", name="新增課程時段").click()
    page.get_by_label("日期", exact=True).fill(day)
    page.get_by_label("開始時間", exact=True).fill("09:00")
    page.get_by_label("結束時間", exact=True).fill("12:00")
    page.get_by_label("上課方式", exact=True).select_option(label=mode)
    if room:
        page.get_by_label("教室", exact=True).select_option(label=room)
    page.get_by_label("本堂主題", exact=True).fill(title)
    save(page)
    assert page.get_by_role("alert").count() == 0, page.get_by_role("alert").all_inner_texts()
    assert page.get_by_role("cell", name=title, exact=False).is_visible()


def test_admin_builds_a_blended_run_and_a_learner_finds_it(browser, page, live_server):
    year = date.today().year + 1          # a run still to come, whatever day the suite runs
    code = f"BLEND-{secrets.token_hex(2).upper()}"
    title = f"智慧城市數位治理混成研習班 {code}"
    sign_in(page, live_server, "A0001")

    page.get_by_role("navigation", name="主選單").get_by_role("link", name="課程管理").click()
    page.get_by_role("link", name="新增課程").click()
    page.get_by_label("課程代碼", exact=True).fill(code)
    page.get_by_label("課程名稱（中文）", exact=True).fill(title)
    page.get_by_label("類別", exact=True).select_option(label="數位與資料應用")
    page.get_by_label("上課型態", exact=True).select_option(label="數位混成（線上預習加實體課程）")
    page.get_by_label("認證時數", exact=True).fill("9")
    page.get_by_label("主辦機關", exact=True).select_option(value="PER-DEV")
    page.get_by_label("議題", exact=True).select_option(label="當前政府重大政策")
    save(page)
    assert page.get_by_text(f"課程 {code} 已儲存。").is_visible()

    page.get_by_role("link", name="排定班期").click()
    page.get_by_label("計畫年度", exact=True).fill(str(year))
    page.get_by_label("開訓日期", exact=True).fill(f"{year}-09-06")
    page.get_by_label("結訓日期", exact=True).fill(f"{year}-09-10")
    page.get_by_label("報名開始日", exact=True).fill(f"{year}-07-01")
    page.get_by_label("報名截止日", exact=True).fill(f"{year}-08-20")
    page.get_by_label("名額", exact=True).fill("30")
    page.get_by_label("狀態", exact=True).select_option(label="報名中")
    save(page)
    assert page.get_by_role("heading", level=1).inner_text().startswith(title)

    add_session(page, f"{year}-09-06", "線上預習", "線上預習：智慧城市概論")
    add_session(page, f"{year}-09-08", "實體", "實體課程：數據治理實作", room="公務人力發展中心 202教室 (40)")
    add_session(page, f"{year}-09-09", "實體", "實體課程：成果發表", room="公務人力發展中心 202教室 (40)")

    learner = browser.new_context(locale="zh-TW").new_page()
    learner.set_default_timeout(10000)
    sign_in(learner, live_server, "L0001")
    learner.get_by_role("navigation", name="主選單").get_by_role("link", name="課程", exact=True).click()
    learner.get_by_role("search").get_by_label("搜尋", exact=True).fill("智慧城市")
    learner.get_by_role("search").get_by_role("button", name="搜尋").click()
    learner.get_by_role("link", name=title).click()

    assert learner.get_by_role("heading", level=1).inner_text().startswith(title)
    sessions = learner.locator("ul.sessions li")
    assert sessions.count() == 3
    texts = sessions.all_inner_texts()
    assert "線上預習" in texts[0] and "智慧城市概論" in texts[0]
    assert all("實體" in t and "202教室" in t for t in texts[1:]), texts
    assert "線上預習，於實體課程前自行完成" in texts[0]          # how to attend the online part
    assert learner.locator("p.seats").inner_text().startswith("尚餘 30 個名額")   # nobody has enrolled yet
    learner.context.close()
