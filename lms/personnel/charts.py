"""The progress chart of My learning: server-rendered SVG (no script, nothing fetched from the network)."""
from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 22, 10, 230, 360


def progress_chart(results, label, title: str, pending_text: str) -> Markup:
    """Horizontal bars: certified hours (solid) then pending (lighter) against the required hours (100 %)."""
    height = len(results) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 90
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="hours-chart" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, result in enumerate(results):
        y = GAP + i * (BAR_HEIGHT + GAP)
        required = result.required or 1
        done = min(result.certified / required, 1.0) * BAR_WIDTH
        waiting = min(result.pending / required, 1.0 - done / BAR_WIDTH) * BAR_WIDTH
        colour = "#2e7d32" if result.met else "#1565c0"
        parts.append(
            f'<g><text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" font-size="13">'
            f'{escape(label(result.rule))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" fill="#eceff1" />'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{done:.1f}" height="{BAR_HEIGHT}" fill="{colour}" />'
            f'<rect x="{LABEL_WIDTH + done:.1f}" y="{y}" width="{waiting:.1f}" height="{BAR_HEIGHT}" fill="#90caf9">'
            f'<title>{escape(pending_text)}: {result.pending:g}</title></rect>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 16}" font-size="13">'
            f'{result.certified:g} / {result.required:g}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))
