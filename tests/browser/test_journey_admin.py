"""The training administrator's year in a real browser: plans a future year by importing the agencies'
proposals (a file with a mistake first, named line by line, then the corrected file), runs a class on its day
(the roster, attendance marked by hand, results by the rules, certificates) and reads the dashboard.

The class is arranged through the services (a new course, three seated staff, its session moved to now):
scheduling one through the pages is test_journey_catalogue.py's journey."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from courses.enrollment.services import local_today
from tests.browser import helpers
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

TRAINEES = ("K000013", "K000014", "K000015")   # demo staff with no other class of their own


@pytest.fixture(scope="module")
def class_under_way(demo_app):
    """(run id, run code, run year, {staff no: name}) of a class of three whose session started ten minutes ago."""
    return helpers.arrange_class(demo_app, "ADM", "公文寫作與溝通研習班", days_ahead=120, capacity=30, seated=TRAINEES,
                                 today=True)


def plan_file(year: int, data_course: str) -> bytes:
    """Two proposed runs in April of `year` (Monday to Tuesday, then Wednesday), in the import columns."""
    monday = date(year, 4, 8) + timedelta(days=-date(year, 4, 8).weekday())
    rows = ["course_code,year,starts_on,ends_on,capacity,status",
            f"{data_course},{year},{monday},{monday + timedelta(days=1)},36,planned",
            f"ENG-101,{year},{monday + timedelta(days=2)},{monday + timedelta(days=2)},30,planned"]
    return ("\n".join(rows) + "\n").encode()


def upload_plan(page, body: bytes):
    page.get_by_label("計畫檔案（XLSX 或 CSV）").set_input_files(
        {"name": "plan.csv", "mimeType": "text/csv", "buffer": body})
    page.get_by_role("button", name="檢查並匯入").click()


def test_admin_plans_runs_a_class_and_reads_the_dashboard(page, live_server, class_under_way):
    _run_id, run_code, run_year, names = class_under_way
    year = local_today().year + 3       # a year nobody has planned yet
    sign_in(page, live_server, "A0001")

    # Plan the year: the plan of a future year is empty and says how to fill it.
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="年度訓練計畫").click()
    for shown in range(local_today().year, year):            # this year's plan, then on to the year to plan
        assert page.get_by_role("heading", level=1).inner_text().startswith(f"{shown} 年度公務人力發展計畫")
        page.get_by_role("link", name=str(shown + 1), exact=True).click()
    assert page.locator("#total-runs").inner_text() == "0"
    assert f"{year} 年度尚未規劃任何班期" in page.locator("#empty-plan").inner_text()
    page.get_by_role("link", name="匯入年度計畫").click()

    upload_plan(page, plan_file(year, "DATA-999"))           # a course code that does not exist
    report = page.locator("#import-report")
    assert "未匯入任何資料：2 列中有 1 個問題" in report.get_by_role("heading").inner_text()
    assert report.get_by_role("row").filter(has_text="DATA-999").get_by_role("cell").first.inner_text() == "2"
    upload_plan(page, plan_file(year, "DATA-102"))
    assert page.get_by_role("status").inner_text() == "已匯入 2 個班期。"
    page.locator("#import-report").get_by_role("link", name=f"{year} 年度公務人力發展計畫").click()
    assert page.locator("#total-runs").inner_text() == "2"
    assert page.locator("#total-seats").inner_text() == "66"
    april = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="4 月", exact=True))
    assert april.get_by_role("cell").last.inner_text() == "2 / 3 / 66"
    assert page.locator("#empty-plan").count() == 0

    # Run the class: the roster of the year, then the session's attendance marked by hand.
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="學員名冊").click()
    page.get_by_label("年度").fill(str(run_year))
    page.get_by_role("button", name="顯示").click()
    page.get_by_role("row").filter(has_text=run_code).get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith(run_code)
    roster = page.locator("#roster tbody tr")
    assert roster.count() == 3 and all("正取" in row for row in roster.all_inner_texts())
    page.locator("a[href*='/attendance/sessions/']").first.click()
    absent = TRAINEES[2]
    for number in TRAINEES[:2]:
        page.get_by_label(f"{number} {names[number]}").check()
    page.locator("#roster tr", has_text=absent).get_by_label("假別").select_option(label="病假")
    minutes = page.locator("#roster tr", has_text=TRAINEES[0]).get_by_label("分鐘", exact=True)
    minutes.fill("999")                                       # longer than the session: the browser says so
    page.get_by_role("button", name="儲存出席紀錄").click()
    assert minutes.evaluate("field => field.validity.rangeOverflow")
    assert page.get_by_label(f"{TRAINEES[0]} {names[TRAINEES[0]]}").is_checked()   # nothing typed is lost
    minutes.fill("")                                          # present without minutes: the whole session
    page.get_by_role("button", name="儲存出席紀錄").click()
    assert page.get_by_role("status").inner_text() == "出席紀錄已儲存。"
    marked = {number: page.locator("#roster tr", has_text=number) for number in TRAINEES}
    assert all(marked[n].get_by_role("checkbox").is_checked() for n in TRAINEES[:2])
    assert not marked[absent].get_by_role("checkbox").is_checked()
    assert marked[absent].get_by_label("假別").input_value() == "sick"
    assert all("名冊點名" in marked[n].inner_text() for n in TRAINEES)

    # Results by the rules (attendance at least 80 %), then the certificates of those who completed.
    page.get_by_role("link", name=f"回到 {run_code} 學員名冊").click()
    page.get_by_role("link", name="訓練成績").click()
    rows = {n: page.locator("#results tr", has_text=n) for n in TRAINEES}
    rows[TRAINEES[0]].get_by_label("成績").fill("88")
    rows[TRAINEES[1]].get_by_label("更正結果").select_option(label="未完訓")    # a correction without its reason
    page.get_by_role("button", name="儲存成績").click()
    assert page.get_by_role("alert").inner_text() == f"{TRAINEES[1]} 更正成績須說明原因。"   # whose row, and why
    assert rows[TRAINEES[0]].get_by_label("成績").input_value() == "88"                 # what was typed is kept
    assert rows[TRAINEES[1]].get_by_label("更正結果").input_value() == "not_completed"
    rows[TRAINEES[1]].get_by_label("更正結果").select_option(label="依規則判定")
    page.get_by_role("button", name="儲存成績").click()
    assert page.get_by_role("status").inner_text().startswith("成績已儲存")
    assert rows[TRAINEES[0]].get_by_label("成績").input_value() == "88"
    results = {n: page.locator("#results tr", has_text=n).get_by_role("cell").nth(-2).inner_text() for n in TRAINEES}
    assert results[TRAINEES[0]].startswith("完訓") and results[TRAINEES[1]].startswith("完訓"), results
    assert results[absent].startswith("未完訓"), results
    corrections = page.locator("#results tbody tr").first.get_by_label("更正結果").locator("option").all_inner_texts()
    assert corrections == ["依規則判定", "完訓", "未完訓", "未通過"]    # not the xAPI outbox's "傳送失敗"
    page.get_by_role("button", name="產生尚未核發的證書").click()
    assert page.get_by_role("status").inner_text() == "正在產生結業證書。"
    assert page.locator("#progress").inner_text() == "已核發 2／2 張證書。"

    # The dashboard: the charts are drawn and the figures are there.
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="訓練統計儀表板").click()
    assert page.get_by_role("heading", level=1).inner_text() == "訓練統計儀表板"
    for name in ("各上課方式選課人次", "各上課方式完訓人次", "各滿班率區間的班期數"):
        chart = page.get_by_role("img", name=name)
        assert chart.is_visible() and chart.locator("rect").count() >= 1, name
    period = page.get_by_label("起始日期").input_value(), page.get_by_label("結束日期").input_value()
    assert period[0] <= local_today().isoformat() <= period[1], period
    modes = [row.get_by_role("cell").all_inner_texts() for row in page.locator("#modes tbody tr").all()]
    assert [m[0] for m in modes] == ["實體", "遠距（線上直播）", "數位混成（線上預習加實體課程）", "線上自學"]
    selections, completions = (sum(int(m[i].replace(",", "")) for m in modes) for i in (1, 2))
    assert completions >= 2       # at least the two who completed the class above, today
    summary = page.locator(".summary .figure").inner_text()
    assert summary.startswith(f"選課 {selections:,} 人次、完訓 {completions:,} 人次"), summary
