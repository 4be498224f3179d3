"""Exports: CSV and XLSX parsed back hold the same rows as the page's query, streamed in chunks."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from courses.reports import exports


@pytest.fixture
def admin_client(sign_in, make_user, city):
    from lms.auth.models import Role

    user = make_user(Role.TRAINING_ADMIN, employee=None, email="admin@example.gov.tw")
    user.locale = "en"  # English headers (Chinese is the default)
    return sign_in(user)


def _csv(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response):
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    return [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_people_export_csv_and_xlsx_agree(admin_client, staff, city):
    url = f"/reports/export/people.{{}}?agency={city['lingya'].id}"
    as_csv = admin_client.get(url.format("csv"))
    assert as_csv.mimetype == "text/csv" and "attachment" in as_csv.headers["Content-Disposition"]
    rows = _csv(as_csv)
    book = _xlsx(admin_client.get(url.format("xlsx")))
    assert rows[0] == book[0]
    assert [r[0] for r in rows[1:]] == [r[0] for r in book[1:]] == sorted([staff["done"].staff_no,
                                                                           staff["behind"].staff_no])
    header = rows[0]
    done = next(r for r in rows if r[0] == staff["done"].staff_no)
    assert done[header.index("Compliant")] == "Yes"
    total_certified = next(i for i, h in enumerate(header) if h.endswith(": certified"))
    assert float(done[total_certified]) == 25
    behind_xlsx = next(r for r in book if r[0] == staff["behind"].staff_no)
    assert behind_xlsx[header.index("Compliant")] == "No"


def test_behind_filter_and_units_export(admin_client, staff, city):
    rows = _csv(admin_client.get(f"/reports/export/people.csv?agency={city['root'].id}&only=behind"))
    assert {r[0] for r in rows[1:]} == {staff["behind"].staff_no, staff["fire"].staff_no}
    units = _xlsx(admin_client.get(f"/reports/export/units.xlsx?agency={city['root'].id}"))
    assert units[1][:4] == ["FIRE", "Agency FIRE", 1, 0] and units[2][:4] == ["POL", "Agency POL", 2, 1]
    assert units[-1][:5] == ["KHH", "Agency KHH", 3, 1, 33.3]


def test_forecast_and_campaign_exports(admin_client, staff, city, year):
    gaps = _csv(admin_client.get(f"/reports/export/forecast.csv?agency={city['root'].id}"))
    assert len(gaps) > 1 and gaps[0][0] == "Requirement"
    campaign = _csv(admin_client.get(f"/reports/export/campaign.csv?agency={city['root'].id}&topic=gender"))
    assert campaign[1][:4] == ["FIRE", "Agency FIRE", "1", "0"] and campaign[2][:4] == ["POL", "Agency POL", "2", "2"]


def test_dashboard_exports(admin_client, staff, book, year):
    from datetime import date

    book(staff["behind"], date(year, 2, 3), mode="remote")
    period = f"start={year}-01-01&end={year}-12-31"
    runs = _xlsx(admin_client.get(f"/reports/export/runs.xlsx?{period}"))
    assert len(runs) == 2 and runs[1][4:8] == [30, 1, 3.3, 0]
    modes = _csv(admin_client.get(f"/reports/export/modes.csv?{period}"))
    assert len(modes) == 5


def test_csv_is_streamed_in_chunks():
    chunks = list(exports.csv_chunks(["a"], ([n] for n in range(exports.CSV_BATCH * 2 + 1))))
    assert len(chunks) == 3
    assert b"".join(chunks).decode("utf-8").count("\n") == exports.CSV_BATCH * 2 + 2
