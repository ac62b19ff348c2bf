"""The printed plan's building blocks: headings, label-and-value records, shaded
panels and tables that become cards in large print. `plan_pdf_sections` writes the
plan's sections with them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
)

from app.reports.plan_model import PlanContent
from app.reports.print_style import (
    BLUE,
    DARK_BLUE,
    GREY_LINE,
    LARGE_SIZES,
    MARGIN_X,
    NORMAL_SIZES,
    PAGE_W,
    PALE_BLUE,
    PALE_GREY,
    Rule,
    Styles,
    markup,
    table_style,
)


class PlanBlocks:
    """One plan's story being built, and the pieces it is built from."""

    def __init__(self, content: PlanContent, *, large_print: bool) -> None:
        self.c = content
        self.large = large_print
        self.st = Styles(LARGE_SIZES if large_print else NORMAL_SIZES)
        self.width = PAGE_W - 2 * MARGIN_X
        self.story: list[Flowable] = []

    def p(self, markup: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(markup, style or self.st.body)

    def heading(self, text: str) -> None:
        self.story.append(CondPageBreak(self.st.sizes.heading * 6))
        self.story.append(self.p(markup(text), self.st.heading))
        self.story.append(Rule(self.width, BLUE, 1.2))
        self.story.append(Spacer(1, self.st.sizes.body * 0.3))

    def none_recorded(self, what: str) -> None:
        self.story.append(self.p(markup(what)))

    def subheading(self, markup: str) -> None:
        """A subheading never left alone at the foot of a page."""
        self.story.append(CondPageBreak(self.st.sizes.subheading * 5))
        self.story.append(self.p(markup, self.st.subheading))

    def record(
        self,
        rows: Sequence[tuple[str, str]],
        *,
        shade: bool = False,
        title: str | None = None,
        bar: colors.Color | None = None,
    ) -> Table:
        """Label and value, one pair a row (markup already escaped), optionally under a
        title and with a coloured bar down the left (NHS "care card" style). Rows, and
        long cells within a row, split across pages, so no text can be too long to print."""
        label_w = self.width * (0.36 if self.large else 0.27)
        data: list[list[Any]] = []
        if title is not None:
            data.append([self.p(title, self.st.subheading), ""])
        data.extend(
            [self.p(markup(label), self.st.label), self.p(value, self.st.cell)]
            for label, value in rows
        )
        table = Table(
            data,
            colWidths=[label_w, self.width - label_w],
            hAlign="LEFT",
            splitInRow=1,
            repeatRows=1 if title is not None else 0,
        )
        pad = self.st.sizes.body * 0.3
        style: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad * (3 if bar is not None else 1)),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.9),
        ]
        if title is not None:
            style += [("SPAN", (0, 0), (-1, 0)), ("TOPPADDING", (0, 0), (-1, 0), pad * 1.5)]
        if shade or bar is not None:
            style.append(("BACKGROUND", (0, 0), (-1, -1), PALE_GREY))
        if bar is not None:
            style.append(("LINEBEFORE", (0, 0), (0, -1), 5, bar))
            style.append(("BOTTOMPADDING", (0, -1), (-1, -1), pad * 2))
        table.setStyle(table_style(style))
        return table

    def bulleted_box(self, title: str, items: Sequence[str]) -> Table:
        """A shaded panel of bullet points under a title, with a bar down the left."""
        pad = self.st.sizes.body * 0.3
        data = [[self.p(markup(title), self.st.subheading)]]
        data += [[Paragraph(markup(item), self.st.bullet, bulletText="•")] for item in items]
        table = Table(data, colWidths=[self.width], hAlign="LEFT", splitInRow=1)
        table.setStyle(
            table_style(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), PALE_BLUE),
                    ("LINEBEFORE", (0, 0), (0, -1), 5, DARK_BLUE),
                    ("LEFTPADDING", (0, 0), (-1, -1), pad * 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                    ("TOPPADDING", (0, 0), (-1, -1), pad * 0.3),
                    ("TOPPADDING", (0, 0), (-1, 0), pad * 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.3),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 2),
                ]
            )
        )
        return table

    def grid(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        title_column: int = 0,
    ) -> list[Flowable]:
        """A table in normal print; in large print each row becomes its own label and
        value block, so 16 pt text is never squeezed into four narrow columns."""
        if self.large:
            blocks: list[Flowable] = []
            for row in rows:
                pairs = [
                    (h, v)
                    for i, (h, v) in enumerate(zip(headers, row, strict=True))
                    if v and i != title_column
                ]
                card = self.record(pairs, shade=True, title=row[title_column])
                blocks.append(KeepTogether([card, Spacer(1, 6)]))
            return blocks
        header = [self.p(markup(h), self.st.label) for h in headers]
        body = [[self.p(v, self.st.cell) for v in row] for row in rows]
        table = Table(
            [header, *body],
            colWidths=[self.width * w for w in widths],
            repeatRows=1,
            hAlign="LEFT",
        )
        pad = self.st.sizes.body * 0.35
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), PALE_BLUE),
                    ("LINEBELOW", (0, 0), (-1, 0), 1, BLUE),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.5, GREY_LINE),
                    ("LEFTPADDING", (0, 0), (-1, -1), pad),
                    ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                    ("TOPPADDING", (0, 0), (-1, -1), pad),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                ]
            )
        )
        return [table, Spacer(1, self.st.sizes.body * 0.5)]
