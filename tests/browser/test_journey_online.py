"""A self-paced online course in a real browser: the learner opens the demo's cmi5 sample course, reads
two pages, leaves, comes back and resumes at the bookmark kept in the LRS State, answers the quiz, finishes,
returns to the LMS marked completed, and finds the hours on /my/learning waiting for the personnel officer."""
from __future__ import annotations

import re

import pytest

from courses.online.demo import DEMO_COURSE
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_learner_takes_the_sample_cmi5_course(page, live_server):
    from playwright.sync_api import expect

    sign_in(page, live_server, "L0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="線上課程").click()
    page.get_by_role("link", name=DEMO_COURSE.title_zh).click()
    assert page.locator("#course-status").inner_text() == "尚未開始。"
    page.get_by_role("button", name="開始").click()

    # The AU fetched its token, read LMS.LaunchData and sent "initialized": page 1 shows.
    page.get_by_role("heading", name=re.compile("第 1 頁")).wait_for()
    page.get_by_role("button", name=re.compile("下一頁")).click()
    page.get_by_role("button", name=re.compile("下一頁")).click()
    page.get_by_role("heading", name=re.compile("第 3 頁")).wait_for()
    page.wait_for_load_state("networkidle")  # the bookmark is saved

    # Leave and come back: the AU resumes at the bookmark.
    page.goto(f"{live_server}/online/courses/{DEMO_COURSE.code}")
    page.get_by_role("button", name="繼續").click()
    page.get_by_role("heading", name=re.compile("第 3 頁")).wait_for()
    expect(page.locator("#status")).to_contain_text("從上次的進度繼續")

    page.get_by_role("button", name=re.compile("下一頁")).click()
    page.get_by_label("規劃、執行與評估的每個階段").check()
    page.get_by_label("性別影響評估").check()
    page.get_by_label("2011").check()
    page.get_by_role("button", name=re.compile("送出答案")).click()
    expect(page.locator("#result")).to_have_text("通過 Passed：3 / 3")
    page.get_by_role("button", name=re.compile("結束課程")).click()

    # Back on the LMS's returnURL: the course is satisfied and the hour credited.
    page.wait_for_url(f"{live_server}/online/courses/{DEMO_COURSE.code}")
    assert "已於" in page.locator("#course-status").inner_text()
    page.goto(f"{live_server}/my/learning")
    waiting = page.locator("table", has=page.locator("caption", has_text="待人事人員審核"))
    row = waiting.locator("tr", has_text=DEMO_COURSE.title_zh)
    assert row.count() == 1
    assert row.locator("td").nth(2).inner_text() == "1"
