"""The outcome report as an A4 PDF: reportlab, DejaVu Sans embedded, the weekly
summary's colours and tables (`print_style`), each section's table with its chart
below it. Built from the published report only, so it shows the figures the screen,
text and CSV show; the charts are drawn from those same figures.
"""

from __future__ import annotations

import io
import logging
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.reports.outcomes.draft import OutcomeReport, Section
from app.reports.outcomes.outcome_charts import bars, render_png
from app.reports.outcomes.published import period, title
from app.reports.print_style import (
    BLUE,
    DARK_BLUE,
    FONT,
    FONT_BOLD,
    INK,
    REPORT_GRID,
    RenderedPdf,
    pdf_document,
    register_fonts,
)

logger = logging.getLogger(__name__)

PAGE_W, PAGE_H = A4
MARGIN = 16 * mm
FOOTER = "Figures from 1 to 4 are not shown, nor any that would give one away."

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13, textColor=INK)
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=9, leading=11)
_HEAD = ParagraphStyle("head", parent=_CELL, fontName=FONT_BOLD)
_NUMBER = ParagraphStyle("number", parent=_CELL, alignment=2)
_NUMBER_HEAD = ParagraphStyle("number_head", parent=_HEAD, alignment=2)
_TITLE = ParagraphStyle(
    "title", parent=_BODY, fontName=FONT_BOLD, fontSize=20, leading=24, textColor=DARK_BLUE
)
_H2 = ParagraphStyle(
    "h2", parent=_BODY, fontName=FONT_BOLD, fontSize=13, leading=16, textColor=BLUE, spaceBefore=8
)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(section: Section, width: float) -> Table:
    n = len(section.columns)
    figure_w = min(30 * mm, width * 0.55 / n)
    head = [_p("", _HEAD), *(_p(c, _NUMBER_HEAD) for c in section.columns)]
    rows = [head] + [
        [_p(li.label, _CELL), *(_p(f.text, _NUMBER) for f in li.figures)] for li in section.lines
    ]
    table = Table(rows, colWidths=[width - n * figure_w, *([figure_w] * n)], repeatRows=1)
    table.setStyle(TableStyle(list(REPORT_GRID)))
    return table


def _chart(section: Section, width: float) -> list[object]:
    chart = bars(section)
    if chart is None:
        return []
    image = Image(io.BytesIO(render_png(chart, width_px=1200, dpi=160)))
    ratio = image.imageHeight / image.imageWidth
    image.drawWidth, image.drawHeight = width * 0.8, width * 0.8 * ratio
    return [Spacer(0, 2 * mm), image]


def _furniture(report: OutcomeReport) -> object:
    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(INK)
        canvas.drawString(MARGIN, 8 * mm, title(report))
        canvas.drawRightString(PAGE_W - MARGIN, 8 * mm, f"Page {doc.page}")
        canvas.drawCentredString(PAGE_W / 2, 4 * mm, FOOTER)
        canvas.restoreState()

    return draw


def render_pdf(report: OutcomeReport) -> RenderedPdf:
    register_fonts()
    buffer = io.BytesIO()
    doc = pdf_document(
        buffer,
        title="Outcomes",
        pagesize=A4,
        left=MARGIN,
        right=MARGIN,
        top=MARGIN,
        bottom=MARGIN + 4 * mm,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="outcomes", frames=[frame], onPage=_furniture(report))])
    story: list[object] = [_p(title(report), _TITLE), _p(period(report), _BODY)]
    for section in report.sections:
        parts: list[object] = [_p(section.title, _H2), _table(section, doc.width)]
        parts += [_p(note, _CELL) for note in section.notes]
        story.append(KeepTogether(parts))
        story += _chart(section, doc.width)
    story += [Spacer(0, 4 * mm), *(_p(note, _CELL) for note in report.footnotes)]
    doc.build(story)
    return RenderedPdf(buffer.getvalue(), doc.page)
