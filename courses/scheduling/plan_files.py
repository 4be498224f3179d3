"""The annual plan as a file: reading XLSX or CSV uploads into rows, writing the plan as XLSX."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from lms.errors import ValidationFailed

COLUMNS = ("course_code", "year", "term", "code", "starts_on", "ends_on", "enrol_opens_on", "enrol_closes_on",
           "capacity", "min_size", "status", "route", "run_type", "days", "hours_per_day", "partner")
# The centre's own spreadsheets use Chinese headers; both are accepted.
HEADER_ALIASES = {
    "課程代碼": "course_code", "年度": "year", "期別": "term", "班號": "code", "開課日期": "starts_on",
    "結訓日期": "ends_on", "報名開始": "enrol_opens_on", "報名截止": "enrol_closes_on", "每期人數": "capacity",
    "最低人數": "min_size", "狀態": "status", "報名方式": "route", "班別類型": "run_type", "訓練天數": "days",
    "每日上課時數": "hours_per_day", "合作單位": "partner",
}
MAX_ROWS = 5000


def _header(raw) -> str:
    text = str(raw or "").strip()
    return HEADER_ALIASES.get(text, text.lower())


def _cell(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, date) else ("" if value is None else str(value).strip())


def read_plan_file(filename: str, content: bytes) -> list[tuple[int, dict]]:
    """(line number, {column: value}) for every non-empty row; fails if the file cannot be read at all."""
    name = (filename or "").lower()
    try:
        if name.endswith(".xlsx"):
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            rows = list(sheet.iter_rows(values_only=True))
        elif name.endswith(".csv"):
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = content.decode("big5")  # exports from older Windows tools
            rows = list(csv.reader(io.StringIO(text)))
        else:
            raise ValidationFailed([("file", _("Upload an .xlsx or .csv file."))])
    except ValidationFailed:
        raise
    except Exception:  # a corrupt file surfaces as many different library errors
        raise ValidationFailed([("file", _("The file could not be read as a spreadsheet."))]) from None
    if not rows:
        raise ValidationFailed([("file", _("The file is empty."))])
    headers = [_header(h) for h in rows[0]]
    missing = [c for c in ("course_code", "starts_on", "ends_on", "capacity") if c not in headers]
    if missing:
        raise ValidationFailed([("file", _("Missing columns: %(columns)s", columns=", ".join(missing)))])
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationFailed([("file", _("At most %(n)s rows per file.", n=MAX_ROWS))])
    result = []
    for line, row in enumerate(rows[1:], start=2):
        values = {h: _cell(v) for h, v in zip(headers, row) if h in COLUMNS}
        if any(v not in ("", None) for v in values.values()):
            result.append((line, values))
    return result


def plan_workbook(year: int, runs, plan, locale: str) -> bytes:
    """Sheet 1: one row per run in the import columns (so an export can be edited and imported again);
    sheet 2: runs, training days and seats by month and category."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}"
    sheet.append(list(COLUMNS) + ["title_zh", "category"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for run in runs:
        sheet.append([run.course.code, run.year, run.term, run.code, run.starts_on, run.ends_on, run.enrol_opens_on,
                      run.enrol_closes_on, run.capacity, run.min_size, run.status, run.route, run.run_type, run.days,
                      float(run.hours_per_day), run.partner, run.course.title_zh, run.course.category.code])
    for column in ("E", "F", "G", "H"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    summary = book.create_sheet(_("Totals"))
    summary.append([_("Month"), _("Category"), _("Runs"), _("Training days"), _("Seats")])
    names = {c.id: c.name(locale) for c in plan.categories}
    for (month, category_id), cell in sorted(plan.cells.items()):
        summary.append([month, names.get(category_id, ""), cell.runs, cell.days, cell.seats])
    summary.append([_("Total"), "", plan.total.runs, plan.total.days, plan.total.seats])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
