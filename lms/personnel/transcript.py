"""The learner's transcript of a year as PDF: standing against each rule, every record, then the
qualifications held."""
from __future__ import annotations

from flask_babel import gettext as _

from lms import pdf
from lms.personnel import labels, queries
from lms.templating import roc_date


def transcript_pdf(employee, year: int, locale: str) -> bytes:
    doc = pdf.cjk_document(_("Learning transcript %(year)s", year=year))
    pdf.heading(doc, _("Learning transcript %(year)s", year=year))
    doc.multi_cell(0, 6, f"{employee.display_name(locale)}  {employee.staff_no}  {employee.agency.name(locale)}",
                   new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    results = queries.employee_summary(employee.id, year)
    if results:
        pdf.table(doc, [_("Requirement"), _("Required"), _("Certified"), _("Pending"), _("Met")],
                  [[r.rule.label(locale), f"{r.required:g}", f"{r.certified:g}", f"{r.pending:g}",
                    _("Yes") if r.met else _("No")] for r in results], (70, 25, 25, 25, 20))
        doc.ln(4)
    records = queries.records_of(employee.id, year)
    pdf.table(doc, [_("Completed on"), _("Course"), _("Hours"), _("Learning mode"), _("Topics"), _("Status")],
              [[roc_date(r.completed_on), r.course_title, f"{r.hours:g}", str(labels.LEARNING_MODES.get(r.learning_mode, "")),
                "、".join(labels.topic_label(t) for t in r.topics), str(labels.RECORD_STATUSES.get(r.status, r.status))]
               for r in records] or [["", _("No learning recorded this year."), "", "", "", ""]],
              (22, 62, 14, 18, 44, 24))
    if qualifications := queries.qualifications_of(employee.id):
        doc.ln(4)
        pdf.heading(doc, _("Qualifications"), size=12)
        pdf.table(doc, [_("Qualification"), _("Level"), _("Awarded on"), _("Valid until"), _("Source")],
                  [[labels.qualification_label(q.kind), q.level, roc_date(q.awarded_on),
                    roc_date(q.valid_until) if q.valid_until else _("No expiry"), q.title] for q in qualifications],
                  (40, 20, 24, 24, 76))
    return pdf.output(doc)
