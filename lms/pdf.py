"""PDF documents with Traditional Chinese text (transcripts, certificates): fpdf2 with Noto Sans CJK TC
embedded as a subset. reportlab cannot embed Debian's CFF-flavoured OpenType fonts; fpdf2 can.

Config (read with defaults): PDF_CJK_FONT / PDF_CJK_BOLD_FONT (font files; .ttc collections work)
and PDF_CJK_FONT_INDEX (the face inside a collection; 3 = TC in Noto Sans CJK).
"""
from __future__ import annotations

from typing import Sequence

from flask import current_app
from fpdf import FPDF, FontFace

FONT_DIR = "/usr/share/fonts/opentype/noto/"
DEFAULT_FONT = FONT_DIR + "NotoSansCJK-Regular.ttc"
DEFAULT_BOLD_FONT = FONT_DIR + "NotoSansCJK-Bold.ttc"
TC_FACE = 3
FAMILY = "cjk"


def cjk_document(title: str, *, orientation: str = "portrait") -> FPDF:
    """An A4 document with the CJK font registered (regular and bold) and one page started."""
    config = current_app.config
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    index = int(config.get("PDF_CJK_FONT_INDEX", TC_FACE))
    pdf.add_font(FAMILY, "", config.get("PDF_CJK_FONT", DEFAULT_FONT), collection_font_number=index)
    pdf.add_font(FAMILY, "B", config.get("PDF_CJK_BOLD_FONT", DEFAULT_BOLD_FONT), collection_font_number=index)
    pdf.set_title(title)
    pdf.set_creator("Kaohsiung civil-service LMS")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font(FAMILY, size=10)
    return pdf


def heading(pdf: FPDF, text: str, size: int = 16) -> None:
    pdf.set_font(FAMILY, "B", size)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FAMILY, size=10)


def table(pdf: FPDF, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
    """A simple bordered table; the header repeats on each new page (fpdf2's table API)."""
    pdf.set_font(FAMILY, size=9)
    with pdf.table(col_widths=tuple(widths), headings_style=FontFace(family=FAMILY, emphasis="BOLD", fill_color=(236, 239, 241)), line_height=6,
                   text_align="LEFT", repeat_headings=1) as grid:
        header = grid.row()
        for text in headers:
            header.cell(text)
        for values in rows:
            row = grid.row()
            for value in values:
                row.cell(str(value))
    pdf.set_font(FAMILY, size=10)


def output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
