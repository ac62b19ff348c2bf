"""The printed plan's page furniture: the header naming the person on every page,
the draft band, and the footer with version, print time, "page X of Y" and "This
plan replaces any earlier printed plan". Drawn once the page count is known."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from app.reports.plan_model import PlanContent, long_date
from app.reports.print_style import (
    BLUE,
    DRAFT_YELLOW,
    FONT,
    FONT_BOLD,
    GREY_LINE,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE_H,
    PAGE_W,
    Sizes,
    markup,
)

REPLACES = "This plan replaces any earlier printed plan."


@dataclass(frozen=True)
class Line:
    """One line of header or footer: text at the left and (optionally) at the right."""

    left: str
    right: str = ""
    bold: bool = False
    scale: float = 1.0


class PageFurniture:
    """Header, draft band and footer, drawn once the page count is known.

    Every line is measured: a pair that does not fit side by side is stacked, so
    long names and large print never run off the page or into each other.
    """

    def __init__(self, content: PlanContent, sizes: Sizes, width: float) -> None:
        self.c = content
        self.s = sizes
        self.width = width
        self.line_h = sizes.band * 1.35
        self.header = self._fit(self._header_lines())
        self.draft = (
            Paragraph(markup(self.draft_text()), self._band_style()) if content.plan.draft else None
        )
        self.draft_h = 0.0
        if self.draft is not None:
            _, h = self.draft.wrap(width - 16, PAGE_H)
            self.draft_h = h + 10
        self.header_h = len(self.header) * self.line_h + 6 + (self.draft_h + 6 if self.draft else 0)
        # Measured with the widest page numbers the footer will ever show.
        self.footer_h = len(self._fit(self._footer_lines(999, 999))) * self.line_h + 6

    def _band_style(self) -> ParagraphStyle:
        return ParagraphStyle(
            "band",
            fontName=FONT_BOLD,
            fontSize=self.s.band * 1.1,
            leading=self.s.band * 1.35,
            alignment=TA_CENTER,
            textColor=INK,
        )

    def draft_text(self) -> str:
        plan = self.c.plan
        if plan.version == 0:
            return "DRAFT: this plan has not been agreed yet."
        return f"DRAFT: changed since version {plan.version} was agreed, and not agreed again yet."

    def _header_lines(self) -> list[Line]:
        person = self.c.person
        nhs = f"NHS number {person.nhs_number}" if person.nhs_number else ""
        return [
            Line(person.name, nhs, bold=True, scale=1.15),
            Line(f"Date of birth {long_date(person.date_of_birth)}", "My care and support plan"),
        ]

    def _footer_lines(self, page: int, total: int) -> list[Line]:
        printed = self.c.printed_at.astimezone()
        stamp = f"Printed {long_date(printed.date())} at {printed.strftime('%H:%M')}"
        plan = self.c.plan
        if plan.version == 0:
            version = "Draft plan, not yet agreed"
        else:
            version = f"Plan version {plan.version}" + (" (draft)" if plan.draft else "")
        return [
            Line(f"{version}  ·  {stamp}", f"Page {page} of {total}"),
            Line(REPLACES, bold=True),
        ]

    def _width(self, text: str, line: Line) -> float:
        font = FONT_BOLD if line.bold else FONT
        return float(pdfmetrics.stringWidth(text, font, self.s.band * line.scale))

    def _fit(self, lines: list[Line]) -> list[Line]:
        fitted: list[Line] = []
        gap = self.s.band * 1.5
        for line in lines:
            if not line.right or (
                self._width(line.left, line) + gap + self._width(line.right, line) <= self.width
            ):
                fitted.append(line)
                continue
            left = line.left
            if "  ·  " in left and self._width(left, line) > self.width:
                first, _, second = left.partition("  ·  ")
                fitted.append(Line(first, bold=line.bold, scale=line.scale))
                left = second
            fitted.append(Line(left, bold=line.bold, scale=line.scale))
            fitted.append(Line(line.right, bold=line.bold, scale=line.scale))
        return fitted

    def _draw_line(self, canvas: Canvas, line: Line, y: float) -> None:
        canvas.setFont(FONT_BOLD if line.bold else FONT, self.s.band * line.scale)
        canvas.drawString(MARGIN_X, y, line.left)
        if line.right:
            canvas.drawRightString(PAGE_W - MARGIN_X, y, line.right)

    def draw(self, canvas: Canvas, page: int, total: int) -> None:
        left, right = MARGIN_X, PAGE_W - MARGIN_X
        canvas.saveState()
        canvas.setFillColor(INK)
        y = PAGE_H - MARGIN_TOP
        for line in self.header:
            y -= self.line_h
            self._draw_line(canvas, line, y + self.line_h - self.s.band * line.scale)
        y -= 4
        canvas.setStrokeColor(BLUE)
        canvas.setLineWidth(1.2)
        canvas.line(left, y, right, y)
        if self.draft is not None:
            y -= self.draft_h + 6
            canvas.setFillColor(DRAFT_YELLOW)
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(1.5)
            canvas.rect(left, y, right - left, self.draft_h, stroke=1, fill=1)
            canvas.setFillColor(INK)
            _, h = self.draft.wrap(self.width - 16, PAGE_H)
            self.draft.drawOn(canvas, left + 8, y + (self.draft_h - h) / 2)

        footer = self._fit(self._footer_lines(page, total))
        y = MARGIN_BOTTOM + len(footer) * self.line_h
        canvas.setStrokeColor(GREY_LINE)
        canvas.setLineWidth(0.6)
        canvas.line(left, y + 2, right, y + 2)
        for line in footer:
            y -= self.line_h
            self._draw_line(canvas, line, y + (self.line_h - self.s.band * line.scale))
        canvas.restoreState()


def numbered_canvas(furniture: PageFurniture) -> Callable[..., Canvas]:
    """A canvas that holds each page until the end, so every footer can say 'of Y'."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for number, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                furniture.draw(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas
