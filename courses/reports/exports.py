"""Every report table as CSV or XLSX, streamed: CSV is a generator of encoded chunks; XLSX is written
row by row with openpyxl's write-only mode into a temporary file that is streamed back and deleted.
Tables are (header, rows) pairs built here from the queries, so the page, the CSV and the XLSX agree."""
from __future__ import annotations

import csv
import io
import tempfile
from typing import IO, Iterable, Iterator

from flask import Response, send_file, stream_with_context
from flask_babel import gettext as _
from openpyxl import Workbook

from courses.labels import DELIVERY_MODE_LABELS
from courses.reports import queries

FORMATS = ("csv", "xlsx")
CSV_BATCH = 500


def _cell(value):
    return "" if value is None else value


def csv_chunks(header: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with a BOM (Excel on zh-TW Windows opens it correctly), CSV_BATCH rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([_cell(v) for v in row])
        if n % CSV_BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_file(title: str, header: list[str], rows: Iterable[list]) -> IO[bytes]:
    """A rewound temporary file (deleted when closed) holding the workbook."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "report")
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    return out


def respond(fmt: str, name: str, header: list[str], rows: Iterable[list]) -> Response:
    if fmt == "csv":
        response = Response(stream_with_context(csv_chunks(header, rows)), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    return send_file(xlsx_file(name, header, rows), as_attachment=True, download_name=f"{name}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- the tables --------------------------------------------------------------------------------


def _hours(value) -> float:
    return round(float(value or 0), 2)


def people_table(st: queries.Standing, locale: str, only: str = "all") -> tuple[list[str], Iterator[list]]:
    header = [_("Staff number"), _("Name"), _("Unit code"), _("Unit")]
    for rule in st.rules:
        label = rule.label(locale)
        header += [_("%(rule)s: certified", rule=label), _("%(rule)s: pending", rule=label),
                   _("%(rule)s: required", rule=label), _("%(rule)s: projected", rule=label)]
    header += [_("Enrolments"), _("Completions"), _("Requirements met"), _("Requirements owed"), _("Compliant"),
               _("At risk")]

    def rows():
        for row in queries.stream_people(st, only):
            m = row._mapping
            name = m["name_en"] if locale.startswith("en") and m["name_en"] else m["name_zh"]
            unit = m["agency_en"] if locale.startswith("en") and m["agency_en"] else m["agency_zh"]
            cells = [m["staff_no"], name, m["agency_code"], unit]
            for i in range(len(st.rules)):
                owed = m[f"r{i}"] is not None
                cells += [_hours(m[f"c{i}"]), _hours(m[f"p{i}"]), _hours(m[f"r{i}"]) if owed else None,
                          _hours(m[f"f{i}"]) if owed else None]
            cells += [int(m["enrolments"]), int(m["completions"]), int(m["met"]), int(m["owed"]),
                      _("Yes") if m["compliant"] else _("No"), _("Yes") if m["at_risk"] else _("No")]
            yield cells
    return header, rows()


def units_table(rows: list[queries.UnitRow], total: queries.UnitRow, locale: str, done_label: str | None = None):
    header = [_("Unit code"), _("Unit"), _("People"), done_label or _("Compliant"), _("Rate (%)"), _("At risk"),
              _("Hours")]
    body = [[r.code, r.name(locale), r.people, r.compliant, r.rate, r.at_risk, r.hours] for r in [*rows, total]]
    return header, iter(body)


def gaps_table(gaps: list[queries.RuleGap], locale: str):
    header = [_("Requirement"), _("Required hours"), _("People who owe it"), _("Met now"), _("Met now (%)"),
              _("Projected to meet"), _("Projected (%)"), _("Hours missing")]
    return header, iter([[g.rule.label(locale), float(g.rule.hours), g.owed, g.met, g.met_rate, g.will_meet,
                          g.projected_rate, g.missing_hours] for g in gaps])


def modes_table(rows: list[queries.ModeRow]):
    header = [_("Delivery mode"), _("Selections"), _("Completions"), _("Hours")]
    return header, iter([[str(DELIVERY_MODE_LABELS[r.mode]), r.selections, r.completions, r.hours] for r in rows])


def runs_table(start, end, locale: str):
    header = [_("Run"), _("Course"), _("Delivery mode"), _("Starts on"), _("Capacity"), _("Seated"),
              _("Fill rate (%)"), _("Waitlisted")]

    def rows():
        from lms.extensions import db

        for run in db.session.execute(queries.run_fill_query(start, end).execution_options(yield_per=1000)):
            title = run.title_en if locale.startswith("en") and run.title_en else run.title_zh
            rate = round(100 * run.seated / run.capacity, 1) if run.capacity else 0.0
            yield [run.code, title, str(DELIVERY_MODE_LABELS.get(run.delivery_mode, run.delivery_mode)),
                   run.starts_on.isoformat(), run.capacity, int(run.seated), rate, int(run.waitlisted)]
    return header, rows()
