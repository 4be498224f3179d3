"""The certificate of a track level (資格證書) as a PDF in Traditional Chinese with the embedded CJK font
(lms.pdf), rendered from the holding whenever it is asked for, so a renewal shows its new validity."""
from __future__ import annotations

from courses.tracks.models import TrackHolding
from lms import pdf
from lms.templating import roc_date

ISSUER = "高雄市政府公務人力發展中心"


def render(holding: TrackHolding) -> bytes:
    level, employee = holding.level, holding.employee
    track = level.track
    document = pdf.cjk_document(f"{track.name_zh} {level.name_zh}", orientation="landscape")
    document.set_y(30)
    pdf.heading(document, "資格證書", size=30)
    document.set_font(pdf.FAMILY, size=12)
    document.cell(0, 8, f"證書字號：{holding.certificate_no}", align="C", new_x="LMARGIN", new_y="NEXT")
    document.ln(12)
    document.set_font(pdf.FAMILY, size=18)
    validity = f"有效期限至 {roc_date(holding.valid_until)}" if holding.valid_until else "無有效期限"
    document.multi_cell(0, 12, f"{employee.agency.name_zh} {employee.name_zh} 君，已完成「{track.name_zh}」"
                               f"{level.name_zh}之全部規定，特發此證。", align="C", new_x="LMARGIN", new_y="NEXT")
    document.ln(8)
    document.set_font(pdf.FAMILY, size=13)
    document.cell(0, 8, f"核發日期：{roc_date(holding.awarded_on)}　{validity}", align="C",
                  new_x="LMARGIN", new_y="NEXT")
    if holding.status == "lapsed":
        document.cell(0, 8, f"本資格已於 {roc_date(holding.lapsed_on)} 失效", align="C", new_x="LMARGIN", new_y="NEXT")
    document.ln(20)
    document.cell(0, 8, ISSUER, align="C")
    return pdf.output(document)
