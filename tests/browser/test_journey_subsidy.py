"""An English test-fee claim from submission to payout in a real browser: the administrator publishes the
year's rules if needed, the learner claims (first with a broken rule, named on the page), the police
agency's training officer reads the score report and approves, the administrator pays it in a batch and
downloads the XLSX register, and the learner sees the claim paid and their certified CEFR level."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from courses.subsidies.queries import local_today
from tests.browser.helpers import sign_in, sign_out

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def attach_files(page):
    page.get_by_label("成績單或證書（PDF、PNG 或 JPEG）").set_input_files(
        {"name": "toeic-score.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_label("收據（PDF、PNG 或 JPEG）").set_input_files(
        {"name": "receipt.png", "mimeType": "image/png", "buffer": PNG})


def test_claim_from_submission_to_payout(page, live_server):
    year = local_today().year

    # The training administrator makes sure this year's rules exist.
    sign_in(page, live_server, "A0001")
    page.goto(f"{live_server}/admin/subsidies/rules/")
    if page.get_by_role("link", name=f"{year} 年度規定").count() == 0:
        page.get_by_label("年度").fill(str(year))
        page.get_by_role("button", name="建立規定").click()
        assert page.get_by_role("heading", level=1).inner_text() == f"{year} 年度規定"
    sign_out(page)

    # The learner claims a TOEIC 945 (C1); a zero fee is refused with the rule named, then corrected.
    sign_in(page, live_server, "L0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="英檢報名費補助").click()
    page.get_by_role("link", name="申請英檢報名費補助").click()
    page.get_by_label("檢定", exact=True).select_option(label="多益測驗")
    page.get_by_label("通過", exact=True).check()
    page.get_by_label(re.compile("^分數")).fill("945")
    page.get_by_label("應試日期").fill(local_today().isoformat())
    page.get_by_label("實付報名費（新臺幣）").fill("0")
    attach_files(page)
    page.get_by_role("button", name="送出申請").click()
    assert "報名費：報名費須大於新臺幣 0 元。" in page.locator(".field-error").all_inner_texts()
    page.get_by_label("實付報名費（新臺幣）").fill("1600")
    attach_files(page)  # a browser never keeps chosen files across a page load
    page.get_by_role("button", name="送出申請").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    claim_no = re.search(r"申請案 (\d+)", heading).group(1)
    assert "待審核" in heading and "C1" in page.content()
    sign_out(page)

    # The police agency's training officer reviews the queue, reads the score report, approves.
    sign_in(page, live_server, "O0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="英檢補助審核").click()
    page.get_by_role("link", name=f"#{claim_no}", exact=True).click()
    report = page.request.get(live_server + page.get_by_role("link", name=re.compile("^成績單")).get_attribute("href"))
    assert report.status == 200 and report.headers["content-type"] == "application/pdf" and report.body() == PDF
    page.get_by_role("button", name="核准新臺幣 1,600 元").click()
    assert f"申請案 {claim_no} 已核准" in page.get_by_role("status").first.inner_text()
    sign_out(page)

    # The administrator pays it in a batch and downloads the register.
    sign_in(page, live_server, "A0001")
    page.goto(f"{live_server}/subsidies/payouts")
    assert page.get_by_label(f"撥付申請案 {claim_no}").is_checked()
    page.get_by_role("button", name="將勾選案件登記為已撥款").click()
    assert "已登記撥款" in page.get_by_role("status").first.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="下載 XLSX").first.click()
    rows = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active.iter_rows(values_only=True))
    assert any(row[1] == int(claim_no) and row[2] == "L0001" and row[12] == 1600 for row in rows)
    sign_out(page)

    # The learner sees the claim paid and the certified level.
    sign_in(page, live_server, "L0001")
    page.goto(f"{live_server}/subsidies/")
    assert "C1" in page.locator(".cefr").inner_text()
    assert "已撥款" in page.locator("table").inner_text()
