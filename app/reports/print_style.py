"""How OneRecord's printed documents look: the embedded font, NHS colours, A4
margins, type sizes for normal and large print, and the markup helpers that make
user text safe for reportlab. Shared by the care plan and the weekly summary.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Flowable, TableStyle

from app.reports.plan_model import Contact
from resources import fonts

FONT = "OneRecordSans"
FONT_BOLD = "OneRecordSans-Bold"

INK = colors.HexColor("#000000")
BLUE = colors.HexColor("#005EB8")  # NHS blue: 6.9:1 on white
DARK_BLUE = colors.HexColor("#003087")
GREY_LINE = colors.HexColor("#768692")
PALE_BLUE = colors.HexColor("#E8F1F8")
PALE_GREY = colors.HexColor("#F0F4F5")
DRAFT_YELLOW = colors.HexColor("#FFEB3B")

PAGE_W, PAGE_H = A4
MARGIN_X = 16 * mm
MARGIN_BOTTOM = 12 * mm
MARGIN_TOP = 10 * mm

_fonts_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    """Once per process: parsing the TrueType files is the slowest step otherwise."""
    global _fonts_ready
    with _fonts_lock:
        if _fonts_ready:
            return
        pdfmetrics.registerFont(TTFont(FONT, str(fonts.path(fonts.REGULAR))))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(fonts.path(fonts.BOLD))))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
        )
        _fonts_ready = True


@dataclass(frozen=True)
class Sizes:
    """Type sizes (points) for one edition of the plan."""

    body: float
    title: float
    heading: float
    subheading: float
    band: float  # header, footer and draft band

    @property
    def leading(self) -> float:
        return round(self.body * 1.35, 1)


NORMAL_SIZES = Sizes(body=11, title=22, heading=16, subheading=12.5, band=10)
LARGE_SIZES = Sizes(body=16, title=30, heading=23, subheading=19, band=16)


class Styles:
    """The paragraph styles of one edition (normal or large print)."""

    def __init__(self, sizes: Sizes) -> None:
        s = sizes
        self.sizes = sizes
        self.body = ParagraphStyle(
            "body",
            fontName=FONT,
            fontSize=s.body,
            leading=s.leading,
            textColor=INK,
            spaceAfter=s.body * 0.45,
        )
        self.cell = ParagraphStyle("cell", parent=self.body, spaceAfter=0)
        self.label = ParagraphStyle("label", parent=self.cell, fontName=FONT_BOLD)
        self.title = ParagraphStyle(
            "title",
            parent=self.body,
            fontName=FONT_BOLD,
            fontSize=s.title,
            leading=s.title * 1.2,
            textColor=DARK_BLUE,
            spaceAfter=s.body * 0.6,
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=self.body,
            fontName=FONT_BOLD,
            fontSize=s.heading,
            leading=s.heading * 1.25,
            textColor=DARK_BLUE,
            spaceBefore=s.body * 1.2,
            spaceAfter=s.body * 0.5,
        )
        self.subheading = ParagraphStyle(
            "subheading",
            parent=self.body,
            fontName=FONT_BOLD,
            fontSize=s.subheading,
            leading=s.subheading * 1.3,
            spaceBefore=s.body * 0.5,
            spaceAfter=s.body * 0.25,
        )
        self.bullet = ParagraphStyle(
            "bullet",
            parent=self.body,
            leftIndent=s.body * 1.3,
            bulletIndent=s.body * 0.2,
            bulletFontName=FONT,
            bulletFontSize=s.body,
            spaceAfter=s.body * 0.25,
        )


# UK phone numbers ("01632 960125", "0808 157 0573", "07700 900291"): kept on one line.
_PHONE = re.compile(r"\b0\d{2,4}(?: \d{3,4}){1,2}\b")


def keep_phones(text: str) -> str:
    return _PHONE.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """Table style with our font for every cell (an empty cell would otherwise pull in
    Helvetica, which cannot print most names)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), FONT), *commands])


# The reports' plain grid (the weekly summary, the outcome report, the meeting pack):
# a pale header row, a rule under each row, alternate rows shaded, cells top-aligned.
REPORT_GRID: tuple[tuple[Any, ...], ...] = (
    ("BACKGROUND", (0, 0), (-1, 0), PALE_BLUE),
    ("LINEBELOW", (0, 0), (-1, -1), 0.4, GREY_LINE),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, PALE_GREY]),
)


def markup(value: object) -> str:
    """User text made safe for reportlab's paragraph markup, line breaks kept, phone
    numbers never split across lines."""
    return keep_phones(escape(str(value))).replace("\n", "<br/>")


def bold(value: object) -> str:
    return f"<b>{markup(value)}</b>"


def join(*parts: str | None, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


def contact_line(c: Contact) -> str:
    """'Lisa Turner, Community staff nurse, Dales NHS Trust' (escaped)."""
    return markup(join(c.name, c.role, c.organisation))


class Rule(Flowable):  # type: ignore[misc]  # reportlab is untyped
    def __init__(self, width: float, color: colors.Color, thickness: float) -> None:
        super().__init__()
        self.width, self.color, self.thickness = width, color, thickness
        self.height = thickness

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.thickness + 2

    def draw(self) -> None:
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, 1, self.width, 1)


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


def pdf_document(
    buffer: Any,
    *,
    title: str,
    pagesize: tuple[float, float],
    left: float,
    right: float,
    top: float,
    bottom: float,
) -> BaseDocTemplate:
    """A document whose information names it and nothing else: no author, subject or
    keywords (a PDF's metadata leaves with the file, and a name there would too)."""
    return BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author="",
        subject="",
        keywords=[],
        creator="OneRecord",
        producer="OneRecord",
        lang="en-GB",
        displayDocTitle=True,
        initialFontName=FONT,
    )
