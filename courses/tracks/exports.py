"""The track report (holders, close to a level, lapsing soon) as CSV (UTF-8 with BOM, for Excel) or XLSX."""
from __future__ import annotations

import csv
import io
import tempfile
from typing import IO, Iterable

from flask_babel import gettext as _
from openpyxl import Workbook

from courses.tracks.labels import HOLDING_STATUS_LABELS
from courses.tracks.queries import CloseRow, HolderRow
from lms.templating import roc_date


def report_rows(held: list[HolderRow], close: list[CloseRow], lapsing: list[HolderRow]) -> Iterable[list]:
    yield [_("Section"), _("Agency"), _("Staff number"), _("Name"), _("Track"), _("Level"), _("Status"),
           _("Valid until"), _("Requirements met")]
    for section, rows in ((_("Holds"), held), (_("Lapses within 90 days"), lapsing)):
        for row in rows:
            holding = row.holding
            yield [section, row.agency.name_zh, row.employee.staff_no, row.employee.name_zh, row.track.name_zh,
                   holding.level.name_zh, str(HOLDING_STATUS_LABELS[holding.status]), roc_date(holding.valid_until),
                   ""]
    for row in close:
        progress = row.progress
        yield [_("Close to a level"), row.employee.agency.name_zh, row.employee.staff_no, row.employee.name_zh,
               row.level.track.name_zh, row.level.name_zh, "", "", f"{progress.met}/{len(progress.statuses)}"]


def report_csv(rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def report_xlsx(rows: Iterable[list]) -> IO[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Certification tracks")[:31])
    for row in rows:
        sheet.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    workbook.save(out)
    out.seek(0)
    return out
