"""A supervisor's compliance report in a real browser: S0001 (the Lingya precinct) opens the report from
the menu, sees the chart, narrows the list to the people behind, drills down to one of them, comes back
and exports the table as XLSX; the download holds only the precinct's staff."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_supervisor_drills_down_and_exports(page, live_server):
    sign_in(page, live_server, "S0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="學習達標報表").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("苓雅分局") and "學習達標情形" in heading
    chart = page.get_by_role("img", name="人員達標情形")
    assert chart.is_visible() and chart.locator("rect").count() == 3

    page.get_by_role("navigation", name="顯示").get_by_role("link", name="尚未達標").click()
    rows = page.locator("#people tbody tr")
    assert rows.count() >= 1
    person = rows.first.locator("td").first.get_by_role("link")
    name = person.inner_text()
    person.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    assert page.get_by_text("尚未達標").first.is_visible()
    assert page.locator("#requirements tr.unmet").count() >= 1

    page.get_by_role("navigation", name="上層單位").get_by_role("link", name="苓雅分局").click()
    with page.expect_download() as download_info:
        page.locator("[data-export='people-xlsx']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx") and "POL-LY" in download.suggested_filename
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "員工編號" and len(rows) > 1
    assert {row[2] for row in rows[1:]} == {"POL-LY"}
    assert {"S0001", "L0001"} <= {row[0] for row in rows[1:]}
