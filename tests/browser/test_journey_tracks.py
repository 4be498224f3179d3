"""Tracks journey in a real browser: the demo learner opens the certification tracks from the menu, finds the
procurement track they follow and reads their progress per requirement, level by level."""
import re

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_learner_sees_progress_on_a_track(page, live_server):
    sign_in(page, live_server, "L0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="專業認證").click()
    assert page.get_by_role("heading", name="我的資格").is_visible()
    page.get_by_role("link", name="政府採購專業人員").click()
    assert page.get_by_role("heading", level=1).inner_text() == "政府採購專業人員"
    assert page.get_by_text("您已參加此認證").is_visible()
    basic = page.get_by_role("region", name="基本資格")
    assert basic.get_by_role("row", name=re.compile("完成政府採購專業人員基礎班")).is_visible()
    assert basic.get_by_text(re.compile(r"已符合 \d 項，共 2 項")).is_visible()
    advanced = page.get_by_role("region", name="進階資格")
    assert advanced.get_by_role("row", name=re.compile("須先取得基本資格")).get_by_role("cell", name="尚未").is_visible()
