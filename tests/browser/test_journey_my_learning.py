"""Learning hours in a real browser: the demo learner opens My learning, sees this year's hours against
each requirement with the progress chart and their qualifications, downloads the transcript PDF; the
police agency's training officer certifies the pending hours of the review queue in one go."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.browser.helpers import sign_in, sign_out

pytestmark = pytest.mark.browser


def test_my_learning_transcript_and_certification(page, live_server):
    year = date.today().year

    # The learner: this year's standing, with the chart, and the hours waiting for review.
    sign_in(page, live_server, "L0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="我的學習").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"我的學習 · {year}"
    standing = page.locator("section[aria-labelledby=standing]")
    chart = standing.get_by_role("img", name="各項規定的時數達成情形")
    assert chart.is_visible() and chart.locator("rect").count() >= 3
    total = standing.get_by_role("row").filter(has_text="年度學習總時數（與業務相關）")
    assert total.get_by_role("cell").nth(1).inner_text() == "20"
    pending = page.locator("section[aria-labelledby=records]").get_by_role("table").filter(has_text="待人事人員審核")
    assert pending.get_by_role("row").count() >= 2  # a header and at least one completion of this year
    assert page.get_by_role("heading", name="資格證照").is_visible()

    # The transcript: a PDF with the learner's staff number and this year's requirements.
    # Embedding the CJK font subset takes a few seconds on a busy machine: wait longer than for a page.
    with page.expect_download(timeout=60000) as waiting:
        page.get_by_role("link", name="學習紀錄（PDF）").click(timeout=60000)
    download = waiting.value
    assert download.suggested_filename == f"transcript-{year}.pdf"
    body = open(download.path(), "rb").read()
    assert body.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).replace("\x00", "")
    assert "L0001" in text and "年度學習總時數" in text
    sign_out(page)

    # The police agency's training officer certifies the first page of the queue in one go.
    sign_in(page, live_server, "O0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="時數審核").click()
    boxes = page.locator("input[name=record_id]")
    ids = [boxes.nth(i).get_attribute("value") for i in range(boxes.count())]
    assert ids, "the demo leaves completions of police staff waiting for review"
    assert all(boxes.nth(i).is_checked() for i in range(len(ids)))  # selected by default: bulk approval
    page.get_by_role("button", name="認證所選時數").click()
    assert page.get_by_role("status").filter(has_text=f"已認證 {len(ids)} 筆紀錄。").is_visible()
    still_waiting = {page.locator("input[name=record_id]").nth(i).get_attribute("value")
                     for i in range(page.locator("input[name=record_id]").count())}
    assert not still_waiting & set(ids)
    sign_out(page)
