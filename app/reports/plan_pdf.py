"""The printed care and support plan: reportlab platypus, A4, DejaVu Sans embedded.

Built in memory and returned as bytes; nothing touches the disk here. Every page
carries the person's name, NHS number and date of birth (header) and the plan
version, print date, "page X of Y" and "This plan replaces any earlier printed
plan" (footer); a draft says so in a band on every page. Large print keeps the
same content with body text at 16 pt and larger headings, and lays tables out as
label and value so nothing is squeezed into narrow columns.

The document information names the document and nothing else: title "Care and
support plan", no author, subject or keywords that could identify the person, and
OneRecord as creator and producer (reportlab's default names no path either).
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Frame, PageTemplate

from app.reports.plan_model import PlanContent
from app.reports.plan_pdf_furniture import REPLACES, PageFurniture, numbered_canvas
from app.reports.plan_pdf_sections import PlanStory
from app.reports.print_style import (
    LARGE_SIZES,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    NORMAL_SIZES,
    PAGE_W,
    RenderedPdf,
    Sizes,
    pdf_document,
    register_fonts,
)

TITLE = "Care and support plan"


def build_plan_pdf(content: PlanContent, *, large_print: bool = False) -> RenderedPdf:
    """The plan as PDF bytes, built in memory."""
    register_fonts()
    sizes = LARGE_SIZES if large_print else NORMAL_SIZES
    furniture = PageFurniture(content, sizes, PAGE_W - 2 * MARGIN_X)
    buffer = io.BytesIO()
    doc = pdf_document(
        buffer,
        title=TITLE,
        pagesize=A4,
        left=MARGIN_X,
        right=MARGIN_X,
        top=MARGIN_TOP + furniture.header_h + 4 * mm,
        bottom=MARGIN_BOTTOM + furniture.footer_h + 3 * mm,
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="plan", frames=[frame])])
    story = PlanStory(content, large_print=large_print).build()
    doc.build(story, canvasmaker=numbered_canvas(furniture))
    return RenderedPdf(buffer.getvalue(), doc.page)


__all__ = ["REPLACES", "TITLE", "RenderedPdf", "Sizes", "build_plan_pdf"]
