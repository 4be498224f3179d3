"""The payout register as an XLSX workbook (openpyxl, write-only so large batches stay small in memory)."""
from __future__ import annotations

import tempfile
from typing import IO

from flask_babel import gettext as _
from openpyxl import Workbook

from courses.subsidies.labels import OUTCOME_LABELS
from courses.subsidies.models import SubsidyClaim, SubsidyPayoutBatch
from lms.templating import local_datetime, roc_date


def register_rows(batch: SubsidyPayoutBatch, claims: list[SubsidyClaim]):
    yield [_("Payout"), _("Claim"), _("Staff number"), _("Name"), _("Agency"), _("Test"), _("Result"), _("CEFR"),
           _("Outcome"), _("Test date"), _("Fee paid (NT$)"), _("Rate"), _("Amount (NT$)"), _("Approved at"),
           _("Paid on")]
    for claim in claims:
        employee = claim.employee
        yield [batch.reference, claim.id, employee.staff_no, employee.name_zh, employee.agency.name_zh,
               claim.test.name_zh, claim.result_text, claim.cefr or "", str(OUTCOME_LABELS[claim.outcome]),
               roc_date(claim.test_date), claim.fee_paid, float(claim.rate), claim.amount,
               local_datetime(claim.decided_at), roc_date(batch.paid_on)]
    yield ["", "", "", "", "", "", "", "", "", "", _("Total"), "", batch.total, "", ""]


def payout_register_xlsx(batch: SubsidyPayoutBatch, claims: list[SubsidyClaim]) -> IO[bytes]:
    """A rewound temporary file holding the workbook (spills to disk when large)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Payout %(reference)s", reference=batch.reference)[:31])
    for row in register_rows(batch, claims):
        sheet.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    workbook.save(out)
    out.seek(0)
    return out
