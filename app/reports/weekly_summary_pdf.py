"""The weekly caseload summary laid out as a PDF: reportlab, A4 landscape, DejaVu
Sans embedded (as `plan_pdf`), built in memory. The charts are the same PNGs the
desktop shows. Document information names the document and nothing else; every
page's footer says the paper holds personal data.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.reports.plan_model import long_date
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
from app.reports.weekly_summary_content import AttentionList, WeeklySummary
from app.services import clock
from app.values.vocab import LevelOfNeed, Role

logger = logging.getLogger(__name__)

TITLE = "Weekly caseload summary"
PAGE_W, PAGE_H = landscape(A4)
MARGIN = 14 * mm
CONFIDENTIAL = "Confidential: contains personal data. Keep securely; shred after the meeting."

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13, textColor=INK)
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=9, leading=11)
_HEAD = ParagraphStyle("head", parent=_CELL, fontName=FONT_BOLD)
_TITLE = ParagraphStyle(
    "title", parent=_BODY, fontName=FONT_BOLD, fontSize=22, leading=26, textColor=DARK_BLUE
)
_H2 = ParagraphStyle(
    "h2", parent=_BODY, fontName=FONT_BOLD, fontSize=14, leading=18, textColor=BLUE, spaceBefore=8
)


def _p(text: str, style: ParagraphStyle = _CELL) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(rows: Sequence[Sequence[object]], widths: Sequence[float] | None = None) -> Table:
    cells = [[_p(str(c), _HEAD if n == 0 else _CELL) for c in row] for n, row in enumerate(rows)]
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(list(REPORT_GRID)))
    return table


def _counts(summary: WeeklySummary) -> Table:
    c = summary.counts
    figures = [
        ("People open to the team", c.people),
        ("Unallocated", c.unallocated),
        ("Plan reviews overdue", c.overdue_plan_reviews),
        ("Visits overdue", c.overdue_visits),
        ("At high risk", c.at_risk),
        ("Consent reviews overdue", c.consent_reviews_overdue),
        ("Risk reviews overdue", c.risk_reviews_overdue),
        ("People with sync conflicts", c.open_conflicts),
    ]
    return _table([[label for label, _ in figures], [str(n) for _, n in figures]])


def _loads(summary: WeeklySummary) -> Table:
    levels = [LevelOfNeed(level).label for level in ("universal", "targeted", "specialist")]
    rows: list[list[object]] = [
        [
            "Practitioner",
            "Role",
            "People",
            *levels,
            "Weighted load",
            "Plans overdue",
            "Visits overdue",
        ]
    ]
    for p in summary.counts.practitioners:
        role = Role(p.role).label if p.role in {r.value for r in Role} else ""
        by_level = [p.by_level.get(level, 0) for level in ("universal", "targeted", "specialist")]
        rows.append(
            [
                p.name,
                role,
                p.people,
                *by_level,
                p.weighted,
                p.overdue_plan_reviews,
                p.overdue_visits,
            ]
        )
    return _table(rows, [55 * mm, 55 * mm, *([22 * mm] * 7)])


def _attention(item: AttentionList) -> list[object]:
    parts: list[object] = [Paragraph(escape(f"{item.title} ({item.total})"), _H2)]
    if not item.rows:
        return [*parts, _p("Nobody.", _BODY)]
    rows: list[list[object]] = [
        ["Name", "NHS number", "Lead professional", "Risk", "Next visit", "Plan review"]
    ]
    for r in item.rows:
        rows.append(
            [
                r.display_name,
                r.nhs_number_formatted,
                r.lead_professional or "Unallocated",
                "" if r.highest_risk is None else r.highest_risk,
                long_date(clock.local(r.next_visit_due).date()) if r.next_visit_due else "",
                long_date(r.plan_review_due) if r.plan_review_due else "",
            ]
        )
    parts.append(_table(rows))
    if item.total > len(item.rows):
        more = item.total - len(item.rows)
        parts.append(_p(f"… and {more} more: see the Team view in OneRecord.", _BODY))
    return parts


def _chart(png: bytes, width: float) -> Image:
    image = Image(io.BytesIO(png))
    ratio = image.imageHeight / image.imageWidth
    image.drawWidth, image.drawHeight = width, width * ratio
    return image


def _furniture(summary: WeeklySummary) -> object:
    week = long_date(summary.week_commencing)

    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(INK)
        canvas.drawString(MARGIN, 8 * mm, f"{TITLE} · {summary.team_name} · week commencing {week}")
        canvas.drawRightString(PAGE_W - MARGIN, 8 * mm, f"Page {doc.page}")
        canvas.setFont(FONT_BOLD, 8.5)
        canvas.drawCentredString(PAGE_W / 2, 4 * mm, CONFIDENTIAL)
        canvas.restoreState()

    return draw


def build_summary_pdf(summary: WeeklySummary) -> RenderedPdf:
    register_fonts()
    buffer = io.BytesIO()
    doc = pdf_document(
        buffer,
        title=TITLE,
        pagesize=(PAGE_W, PAGE_H),
        left=MARGIN,
        right=MARGIN,
        top=MARGIN,
        bottom=MARGIN + 4 * mm,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="summary", frames=[frame], onPage=_furniture(summary))])
    made = clock.local(summary.generated_at)
    story: list[object] = [
        Paragraph(escape(f"{TITLE}: {summary.team_name}"), _TITLE),
        _p(
            f"Week commencing {long_date(summary.week_commencing)}. "
            f"Made {long_date(made.date())} at {made:%H:%M}.",
            _BODY,
        ),
        Spacer(0, 4 * mm),
        _counts(summary),
        Paragraph("Caseload per practitioner", _H2),
        _p("Weighted load counts universal 1, targeted 2 and specialist 3.", _BODY),
        _loads(summary),
        PageBreak(),
    ]
    chart_width = doc.width * 0.62
    story += [
        KeepTogether([_chart(png, chart_width), Spacer(0, 3 * mm)])
        for png in summary.chart_pngs[:2]
    ]
    story += [PageBreak(), _chart(summary.chart_pngs[2], chart_width), PageBreak()]
    story.append(Paragraph("Needs a decision this week", _TITLE))
    for item in summary.attention:
        story += _attention(item)
    doc.build(story)
    return RenderedPdf(buffer.getvalue(), doc.page)
