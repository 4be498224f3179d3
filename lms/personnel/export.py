"""The HR export: certified records in the national lifelong-learning portal's two upload layouts
(DOMAIN.md §2), as CSV (UTF-8 or Big5), XLSX and JSON. The only place the national ID is read.

regist1: classes opened on the portal (the record has the portal's course code);
regist2: classes not opened there. Dates are ROC `YYY-MM-DD`, times `HH:MM:SS`, birthdays `YYYMMDD`.
Portal codes we could not confirm are config keys with defaults (PORTAL_CITY_CODE,
PORTAL_DEFAULT_CATEGORY, PORTAL_DEGREE_CREDIT, PORTAL_HOURS_UNIT, PORTAL_START_TIME, PORTAL_END_TIME).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from lms.agencies.models import Agency
from lms.auth.permissions import Scope
from lms.errors import ValidationFailed
from lms.extensions import db
from lms.people.models import Employee
from lms.personnel.models import CERTIFIED, LearningRecord

REGIST1 = ("課程代碼", "期別", "身分證字號", "姓名", "通過", "訓練成績", "訓練總數", "證件字號", "出勤上課狀況", "生日",
           "學習性質", "數位時數", "實體時數", "實際上課起始日期", "實際上課起始時間", "實際上課結束日期", "實際上課結束時間")
REGIST2 = ("身分證字號", "課程名稱", "開課起始日期", "開課起始時間", "開課結束日期", "開課結束時間", "姓名", "學位學分",
           "課程類別代碼", "上課縣市", "期別", "訓練總數", "訓練總數單位", "訓練成績", "證件字號", "出勤上課狀況", "生日",
           "學習性質", "數位時數", "實體時數", "課程代碼", "實際上課起始日期", "實際上課起始時間", "實際上課結束日期",
           "實際上課結束時間")
LAYOUTS = {"regist1": REGIST1, "regist2": REGIST2}
DEFAULTS = {"PORTAL_CITY_CODE": "64", "PORTAL_DEFAULT_CATEGORY": "", "PORTAL_DEGREE_CREDIT": "6",
            "PORTAL_HOURS_UNIT": "1", "PORTAL_START_TIME": "09:10:00", "PORTAL_END_TIME": "16:30:00"}
ENCODINGS = {"csv-utf8": "utf-8-sig", "csv-big5": "cp950"}  # Excel on zh-TW Windows writes cp950 as "Big5"


def roc_date(value: date | None) -> str:
    return f"{value.year - 1911:03d}-{value.month:02d}-{value.day:02d}" if value else ""


def roc_birthday(value: date | None) -> str:
    return f"{value.year - 1911:03d}{value.month:02d}{value.day:02d}" if value else ""


def _hours(value: float) -> str:
    return f"{float(value):g}"


def _setting(name: str) -> str:
    return str(current_app.config.get(name, DEFAULTS[name]))


def layout_of(record: LearningRecord) -> str:
    return "regist1" if record.portal_course_code else "regist2"


def record_fields(record: LearningRecord, employee: Employee) -> dict[str, str]:
    """The record as its layout's columns (every value a string, as the portal reads them)."""
    started = record.started_on or record.completed_on
    national_id = employee.national_id or ""
    birthday = roc_birthday(getattr(employee, "birth_date", None))
    common = {
        "身分證字號": national_id, "姓名": employee.name_zh, "期別": record.term,
        "訓練成績": "" if record.score is None else f"{record.score:g}", "訓練總數": _hours(record.hours),
        "證件字號": record.certificate_no, "出勤上課狀況": record.attendance, "生日": birthday,
        "學習性質": str(record.learning_mode), "數位時數": _hours(record.digital_hours),
        "實體時數": _hours(record.physical_hours),
        "實際上課起始日期": roc_date(started), "實際上課起始時間": _setting("PORTAL_START_TIME"),
        "實際上課結束日期": roc_date(record.completed_on), "實際上課結束時間": _setting("PORTAL_END_TIME"),
    }
    if layout_of(record) == "regist1":
        return {**common, "課程代碼": record.portal_course_code, "通過": "1"}
    return {**common, "課程名稱": record.course_title, "開課起始日期": roc_date(started),
            "開課起始時間": _setting("PORTAL_START_TIME"), "開課結束日期": roc_date(record.completed_on),
            "開課結束時間": _setting("PORTAL_END_TIME"), "學位學分": _setting("PORTAL_DEGREE_CREDIT"),
            "課程類別代碼": record.portal_category or _setting("PORTAL_DEFAULT_CATEGORY"),
            "上課縣市": _setting("PORTAL_CITY_CODE"), "訓練總數單位": _setting("PORTAL_HOURS_UNIT"),
            "課程代碼": record.course_code}


def certified_records(scope: Scope, year: int | None = None, ids: list[int] | None = None):
    """(record, employee) pairs of certified records of staff in scope (by current agency)."""
    stmt = (sa.select(LearningRecord).join(Employee, LearningRecord.employee_id == Employee.id)
            .where(LearningRecord.status == CERTIFIED).options(joinedload(LearningRecord.employee))
            .order_by(LearningRecord.completed_on, LearningRecord.id))
    if year is not None:
        stmt = stmt.where(LearningRecord.year == year)
    if ids is not None:
        stmt = stmt.where(LearningRecord.id.in_(ids))
    if (clause := scope.clause(Agency.path)) is not None:
        stmt = stmt.where(Employee.agency_id.in_(sa.select(Agency.id).where(clause)))
    return [(r, r.employee) for r in db.session.execute(stmt).scalars().unique()]


@dataclass(frozen=True)
class ExportTable:
    layout: str
    columns: tuple[str, ...]
    rows: list[list[str]]


def export_table(scope: Scope, year: int, layout: str) -> ExportTable:
    if layout not in LAYOUTS:
        raise ValidationFailed([("layout", _("Choose regist1 or regist2."))])
    columns = LAYOUTS[layout]
    rows = []
    for record, employee in certified_records(scope, year):
        if layout_of(record) == layout:
            fields = record_fields(record, employee)
            rows.append([fields[c] for c in columns])
    return ExportTable(layout, columns, rows)


def to_csv(table: ExportTable, file_format: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    text = buffer.getvalue()
    encoding = ENCODINGS[file_format]
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        # A name with a character Big5 lacks would reach the portal garbled: say which, suggest UTF-8.
        bad = sorted({ch for ch in text if not _encodable(ch, encoding)})
        raise ValidationFailed([("file_format", _("Big5 cannot write %(chars)s; export as UTF-8 instead.",
                                                  chars=" ".join(bad)))]) from None


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def to_xlsx(table: ExportTable) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.layout
    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append(row)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            cell.number_format = "@"  # text: ID numbers and codes keep their leading zeros
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(table: ExportTable, file_format: str) -> tuple[bytes, str, str]:
    """(body, MIME type, file name) of the export in the chosen format."""
    if file_format == "xlsx":
        return (to_xlsx(table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                f"{table.layout}.xlsx")
    if file_format in ENCODINGS:
        charset = "big5" if file_format == "csv-big5" else "utf-8"
        return to_csv(table, file_format), f"text/csv; charset={charset}", f"{table.layout}.csv"
    raise ValidationFailed([("file_format", _("Choose CSV or XLSX."))])
