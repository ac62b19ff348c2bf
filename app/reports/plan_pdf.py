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
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.reports.plan_model import Contact, PlanContent, long_date
from app.services import clock
from resources import fonts

TITLE = "Care and support plan"
REPLACES = "This plan replaces any earlier printed plan."
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


def _register_fonts() -> None:
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


class _Styles:
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


def _keep_phones(text: str) -> str:
    return _PHONE.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)


def _style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """Table style with our font for every cell (an empty cell would otherwise pull in
    Helvetica, which cannot print most names)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), FONT), *commands])


def _text(value: object) -> str:
    """User text made safe for reportlab's paragraph markup, line breaks kept, phone
    numbers never split across lines."""
    return _keep_phones(escape(str(value))).replace("\n", "<br/>")


def _bold(value: object) -> str:
    return f"<b>{_text(value)}</b>"


def _join(*parts: str | None, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


def _contact_line(c: Contact) -> str:
    """'Lisa Turner, Community staff nurse, Dales NHS Trust' (escaped)."""
    return _text(_join(c.name, c.role, c.organisation))


class _Rule(Flowable):  # type: ignore[misc]  # reportlab is untyped
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


class _Builder:
    def __init__(self, content: PlanContent, *, large_print: bool) -> None:
        self.c = content
        self.large = large_print
        self.st = _Styles(LARGE_SIZES if large_print else NORMAL_SIZES)
        self.width = PAGE_W - 2 * MARGIN_X
        self.story: list[Flowable] = []

    # -- pieces ---------------------------------------------------------------------

    def p(self, markup: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(markup, style or self.st.body)

    def heading(self, text: str) -> None:
        self.story.append(CondPageBreak(self.st.sizes.heading * 6))
        self.story.append(self.p(_text(text), self.st.heading))
        self.story.append(_Rule(self.width, BLUE, 1.2))
        self.story.append(Spacer(1, self.st.sizes.body * 0.3))

    def none_recorded(self, what: str) -> None:
        self.story.append(self.p(_text(what)))

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
            [self.p(_text(label), self.st.label), self.p(value, self.st.cell)]
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
        table.setStyle(_style(style))
        return table

    def bulleted_box(self, title: str, items: Sequence[str]) -> Table:
        """A shaded panel of bullet points under a title, with a bar down the left."""
        pad = self.st.sizes.body * 0.3
        data = [[self.p(_text(title), self.st.subheading)]]
        data += [[Paragraph(_text(item), self.st.bullet, bulletText="•")] for item in items]
        table = Table(data, colWidths=[self.width], hAlign="LEFT", splitInRow=1)
        table.setStyle(
            _style(
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
        header = [self.p(_text(h), self.st.label) for h in headers]
        body = [[self.p(v, self.st.cell) for v in row] for row in rows]
        table = Table(
            [header, *body],
            colWidths=[self.width * w for w in widths],
            repeatRows=1,
            hAlign="LEFT",
        )
        pad = self.st.sizes.body * 0.35
        table.setStyle(
            _style(
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

    # -- sections -------------------------------------------------------------------

    def build(self) -> list[Flowable]:
        self.title_block()
        self.important()
        self.who_to_contact()
        self.contingency()
        self.about_me()
        self.goals()
        self.actions()
        self.risks()
        self.carers()
        self.professionals()
        self.sharing()
        self.signatures()
        return self.story

    def title_block(self) -> None:
        c, person = self.c, self.c.person
        self.story.append(self.p("My care and support plan", self.st.title))
        name = _text(person.full_name)
        if person.preferred_name:
            name += f" (please call me {_text(person.preferred_name)})"
        rows = [("Name", name)]
        if person.nhs_number:
            rows.append(("NHS number", _text(person.nhs_number)))
        rows.append(("Date of birth", _text(long_date(person.date_of_birth))))
        if person.address:
            rows.append(("Address", _text(", ".join(person.address))))
        if person.phone:
            rows.append(("Phone", _text(person.phone)))
        if person.gp:
            rows.append(("My GP", _text(_join(person.gp.name, person.gp.organisation))))
        language = person.language
        if person.interpreter_needed:
            language += ": I need an interpreter"
        if person.language.lower() != "english" or person.interpreter_needed:
            rows.append(("My language", _text(language)))
        if person.communication_needs:
            rows.append(("Communication", _text(person.communication_needs)))
        self.story.append(self.record(rows))
        self.story.append(Spacer(1, self.st.sizes.body * 0.6))
        self.story.append(self.p(self.plan_status_text()))
        if c.plan.funding_source:
            self.story.append(self.p(f"How my care is paid for: {_text(c.plan.funding_source)}."))

    def plan_status_text(self) -> str:
        plan = self.c.plan
        who = None
        if plan.agreed_with_name:
            who = plan.agreed_with_name
            if plan.agreed_with_role and plan.agreed_with_role != "the person":
                who += f" ({plan.agreed_with_role})"
        when_who = _join(
            f"on {long_date(plan.agreed_on)}" if plan.agreed_on else None,
            f"with {who}" if who else None,
            sep=" ",
        )
        if plan.version == 0:
            text = (
                "<b>This plan is a draft.</b> It has not been agreed yet: please read it and "
                "tell us what you would change."
            )
        elif plan.draft:
            text = (
                f"<b>This plan is a draft.</b> It has changed since version {plan.version} was "
                f"agreed{' ' + _text(when_who) if when_who else ''}, and the changes have not "
                "been agreed yet."
            )
        else:
            text = f"This is version {plan.version} of my plan"
            text += f", agreed {_text(when_who)}." if when_who else "."
        if plan.review_due:
            due = _text(long_date(plan.review_due))
            lead = (
                f" (review led by {_contact_line(plan.review_owner)})" if plan.review_owner else ""
            )
            if plan.review_due < clock.local(self.c.printed_at).date():
                # A date already gone read as a promise would mislead the family: say it is late.
                text += f" <b>Our review together was due by {due} and is overdue</b>{lead}."
            else:
                text += f" We will review it together by {due}{lead}."
        return text

    def important(self) -> None:
        if not self.c.important:
            return
        self.story.append(Spacer(1, self.st.sizes.body * 0.4))
        self.story.append(KeepTogether(self.bulleted_box("Important to know", self.c.important)))

    def who_to_contact(self) -> None:
        c = self.c
        self.heading("Who to contact")
        if c.lead is not None:
            lead = c.lead
            rows = [("Name", _bold(lead.name))]
            if lead.role:
                rows.append(("Role", _text(lead.role)))
            if lead.organisation or lead.team:
                rows.append(("Organisation", _text(_join(lead.team, lead.organisation))))
            if lead.phone:
                rows.append(("Phone", _bold(lead.phone)))
            self.story.append(
                KeepTogether(
                    [
                        self.p("My lead professional", self.st.subheading),
                        self.p(
                            "The person who coordinates my care and support and who I can "
                            "ask about this plan."
                        ),
                        self.record(rows, shade=True),
                        Spacer(1, self.st.sizes.body * 0.6),
                    ]
                )
            )
        else:
            self.story.append(
                self.p(
                    "<b>No lead professional has been named yet.</b> "
                    "Ring my care team on the number below."
                )
            )
        self.subheading("Phone numbers")
        numbers = [
            [_bold(n.purpose), _text(n.who), _bold(n.phone), _text(n.when)] for n in c.numbers
        ]
        self.story.extend(
            self.grid(["For", "Who", "Phone", "When"], numbers, [0.20, 0.34, 0.22, 0.24])
        )

    def contingency(self) -> None:
        self.heading("If things go wrong: my contingency plan")
        if not self.c.contingency:
            self.none_recorded(
                "No contingency plan has been written yet. If you are worried, ring my lead "
                "professional, or the out-of-hours numbers above."
            )
            return
        for item in self.c.contingency:
            rows = [
                ("If this happens", _text(item.trigger)),
                ("Do this", _text(item.what_should_happen)),
                ("Call", _bold(item.who_to_contact) if item.who_to_contact else ""),
            ]
            if item.early_warning_signs:
                rows.append(("Early warning signs", _text(item.early_warning_signs)))
            if item.equipment:
                rows.append(("In the house", _text(item.equipment)))
            if item.review_on:
                rows.append(("Review by", _text(long_date(item.review_on))))
            self.story.append(CondPageBreak(self.st.sizes.body * 10))
            self.story.append(
                self.record([r for r in rows if r[1]], title=_text(item.name), bar=BLUE)
            )
            self.story.append(Spacer(1, self.st.sizes.body * 0.7))

    def about_me(self) -> None:
        about = self.c.about_me
        self.heading("About me and what matters to me")
        if not about.prompts and not about.strengths:
            self.none_recorded("Nothing has been written here yet.")
            return
        for heading, text in about.prompts:
            self.story.append(
                KeepTogether([self.p(_text(heading), self.st.subheading), self.p(_text(text))])
            )
        if about.strengths:
            self.subheading("What I am good at and what helps me")
            self.story.extend(
                Paragraph(_text(s), self.st.bullet, bulletText="•") for s in about.strengths
            )
        footnote = _join(
            f"Written with the support of {about.supported_by}." if about.supported_by else None,
            f"Last updated {long_date(about.last_updated)}." if about.last_updated else None,
            sep=" ",
        )
        if footnote:
            self.story.append(self.p(_text(footnote)))

    def goals(self) -> None:
        self.heading("My goals and how I am doing")
        if not self.c.goals:
            self.none_recorded("No goals have been written yet.")
            return
        if self.large:
            for n, goal in enumerate(self.c.goals, start=1):
                pairs = [
                    ("How I am doing", _bold(goal.status)),
                    ("What has happened", _text(goal.outcome or "")),
                    ("How important to me", _text(f"{goal.importance} out of 10")),
                    ("Aiming for", _text(long_date(goal.target_date)) if goal.target_date else ""),
                    ("Why this matters", _text(goal.need or "")),
                ]
                card = self.record(
                    [p for p in pairs if p[1]], shade=True, title=f"{n}. {_text(goal.statement)}"
                )
                self.story.append(KeepTogether([card, Spacer(1, 6)]))
            return
        rows = []
        for n, goal in enumerate(self.c.goals, start=1):
            statement = f"<b>{n}. {_text(goal.statement)}</b>"
            if goal.need:
                statement += f"<br/>Why: {_text(goal.need)}"
            doing = _bold(goal.status)
            if goal.outcome:
                doing += f"<br/>{_text(goal.outcome)}"
            rows.append(
                [
                    statement,
                    doing,
                    _text(f"{goal.importance} out of 10"),
                    _text(long_date(goal.target_date)) if goal.target_date else "",
                ]
            )
        self.story.extend(
            self.grid(
                ["My goal", "How I am doing", "How important to me", "Aiming for"],
                rows,
                [0.46, 0.22, 0.14, 0.18],
            )
        )

    def actions(self) -> None:
        self.heading("Who does what and when")
        goals = [g for g in self.c.goals if g.actions]
        if not goals:
            self.none_recorded("No actions have been agreed yet.")
            return
        for n, goal in enumerate(self.c.goals, start=1):
            if not goal.actions:
                continue
            rows = []
            for a in goal.actions:
                who = _contact_line(a.who)
                if a.who.phone:
                    who += f"<br/><b>{_text(a.who.phone)}</b>"
                when = _join(
                    a.when,
                    f"by {long_date(a.due_on)}" if a.due_on else None,
                    sep="; ",
                )
                what = _bold(a.what)
                if a.strategies:
                    what += f"<br/>Tip: {_text(a.strategies)}"
                rows.append([what, who, _text(when), _text(a.status)])
            self.subheading(f"For goal {n}: {_text(goal.statement)}")
            self.story.extend(
                self.grid(["What", "Who", "When", "Progress"], rows, [0.35, 0.31, 0.20, 0.14])
            )

    def risks(self) -> None:
        self.heading("My risks and how we manage them together")
        if not self.c.risks:
            self.none_recorded("No risks have been identified.")
            return
        for risk in self.c.risks:
            rows = [
                ("What could happen", _text(risk.description)),
                ("What we do about it", _text(risk.mitigation)),
            ]
            review = _join(
                _contact_line(risk.owner) if risk.owner else None,
                f"review by {long_date(risk.review_on)}" if risk.review_on else None,
                sep="; ",
            )
            if review:
                rows.append(("Who keeps it under review", review))
            self.story.append(
                KeepTogether(
                    [
                        self.p(
                            f"{_text(risk.what)}: {_text(risk.level.lower())} risk",
                            self.st.subheading,
                        ),
                        self.record([r for r in rows if r[1]]),
                        Spacer(1, self.st.sizes.body * 0.4),
                    ]
                )
            )

    def carers(self) -> None:
        self.heading("My carers and the people close to me")
        if not self.c.carers:
            self.none_recorded("No carers or family contacts are recorded.")
            return
        for carer in self.c.carers:
            rows = []
            if carer.relationship:
                rows.append(("Relationship", _text(carer.relationship)))
            if carer.phone:
                rows.append(("Phone", _bold(carer.phone)))
            if carer.roles:
                rows.append(("Role", _text(", ".join(carer.roles))))
            if carer.carers_assessment:
                rows.append(("Support for them", _text(carer.carers_assessment)))
            if carer.comments:
                rows.append(("Good to know", _text(carer.comments)))
            flow: list[Flowable] = [self.p(_text(carer.name), self.st.subheading)]
            if rows:
                flow.append(self.record(rows))
            flow.append(Spacer(1, self.st.sizes.body * 0.3))
            self.story.append(KeepTogether(flow))

    def professionals(self) -> None:
        if not self.c.professionals:
            return
        self.heading("Professionals involved in my care")
        rows = [
            [
                _bold(p.name),
                _text(p.role or ""),
                _text(_join(p.team, p.organisation)),
                _bold(p.phone) if p.phone else "",
            ]
            for p in self.c.professionals
        ]
        self.story.extend(
            self.grid(
                ["Name", "Role", "Team or organisation", "Phone"], rows, [0.23, 0.23, 0.33, 0.21]
            )
        )

    def sharing(self) -> None:
        self.heading("What I have agreed to share, and with whom")
        if not self.c.sharing:
            self.none_recorded(
                "I have not yet been asked what information I agree to share. Please ask me."
            )
            return
        self.story.append(
            self.p(
                "The people caring for me share information about me only as I have agreed "
                "here, unless the law says they must (for example, to keep someone safe)."
            )
        )
        rows = []
        for s in self.c.sharing:
            decision = _bold(s.decision)
            if s.withdrawn_on:
                decision += _text(f" on {long_date(s.withdrawn_on)}")
            given = _text(f"{s.given_by}, {s.how}, on {long_date(s.decided_on)}")
            if s.review_on and s.decision_code == "given":
                given += _text(f". Review by {long_date(s.review_on)}")
            rows.append([_text(s.information), _text(s.with_whom), decision, given])
        self.story.extend(
            self.grid(
                ["Information", "Shared with", "My decision", "Decided by, how and when"],
                rows,
                [0.24, 0.28, 0.18, 0.30],
            )
        )

    def signatures(self) -> None:
        s = self.st.sizes
        intro = self.p(
            "We made this plan together. Please sign when you agree with it. If anything "
            "is wrong or out of date, tell my lead professional."
        )
        box_h = s.body * (3.0 if self.large else 2.6)

        def box(title: str, fields: Sequence[str], width: float) -> Table:
            data: list[list[Any]] = [[self.p(_text(title), self.st.label), ""]]
            heights: list[float | None] = [None]
            for f in fields:
                data.append([self.p(_text(f), self.st.cell), ""])
                heights.append(box_h)
            label_w = width * (0.42 if self.large else 0.3)
            table = Table(data, colWidths=[label_w, width - label_w], rowHeights=heights)
            table.setStyle(
                _style(
                    [
                        ("SPAN", (0, 0), (-1, 0)),
                        ("BACKGROUND", (0, 0), (-1, 0), PALE_BLUE),
                        ("LINEBELOW", (1, 1), (1, -1), 0.6, GREY_LINE),
                        ("BOX", (0, 0), (-1, -1), 1, INK),
                        ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
                        ("TOPPADDING", (0, 0), (-1, -1), 4),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ]
                )
            )
            return table

        person = ("Name", "Signature", "Date")
        professional = ("Name", "Role", "Signature", "Date")
        title_person = "The person, or their representative"
        title_pro = "The professional"
        if self.large:
            boxes: list[Flowable] = [
                box(title_person, person, self.width),
                Spacer(1, s.body),
                box(title_pro, professional, self.width),
            ]
        else:
            half = (self.width - 6 * mm) / 2
            row = Table(
                [[box(title_person, person, half), box(title_pro, professional, half)]],
                colWidths=[half + 3 * mm, half + 3 * mm],
                hAlign="LEFT",
            )
            row.setStyle(
                _style(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
                    ]
                )
            )
            boxes = [row]
        self.story.append(CondPageBreak(box_h * 6))
        self.heading("Agreeing this plan")
        self.story.append(KeepTogether([intro, Spacer(1, s.body * 0.4), *boxes]))


# -- page furniture -----------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """One line of header or footer: text at the left and (optionally) at the right."""

    left: str
    right: str = ""
    bold: bool = False
    scale: float = 1.0


class _PageFurniture:
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
            Paragraph(_text(self.draft_text()), self._band_style()) if content.plan.draft else None
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

    def _header_lines(self) -> list[_Line]:
        person = self.c.person
        nhs = f"NHS number {person.nhs_number}" if person.nhs_number else ""
        return [
            _Line(person.name, nhs, bold=True, scale=1.15),
            _Line(f"Date of birth {long_date(person.date_of_birth)}", "My care and support plan"),
        ]

    def _footer_lines(self, page: int, total: int) -> list[_Line]:
        printed = self.c.printed_at.astimezone()
        stamp = f"Printed {long_date(printed.date())} at {printed.strftime('%H:%M')}"
        plan = self.c.plan
        if plan.version == 0:
            version = "Draft plan, not yet agreed"
        else:
            version = f"Plan version {plan.version}" + (" (draft)" if plan.draft else "")
        return [
            _Line(f"{version}  ·  {stamp}", f"Page {page} of {total}"),
            _Line(REPLACES, bold=True),
        ]

    def _width(self, text: str, line: _Line) -> float:
        font = FONT_BOLD if line.bold else FONT
        return float(pdfmetrics.stringWidth(text, font, self.s.band * line.scale))

    def _fit(self, lines: list[_Line]) -> list[_Line]:
        fitted: list[_Line] = []
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
                fitted.append(_Line(first, bold=line.bold, scale=line.scale))
                left = second
            fitted.append(_Line(left, bold=line.bold, scale=line.scale))
            fitted.append(_Line(line.right, bold=line.bold, scale=line.scale))
        return fitted

    def _draw_line(self, canvas: Canvas, line: _Line, y: float) -> None:
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


def _numbered_canvas(furniture: _PageFurniture) -> Callable[..., Canvas]:
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


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


def build_plan_pdf(content: PlanContent, *, large_print: bool = False) -> RenderedPdf:
    """The plan as PDF bytes, built in memory."""
    _register_fonts()
    sizes = LARGE_SIZES if large_print else NORMAL_SIZES
    furniture = _PageFurniture(content, sizes, PAGE_W - 2 * MARGIN_X)
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP + furniture.header_h + 4 * mm,
        bottomMargin=MARGIN_BOTTOM + furniture.footer_h + 3 * mm,
        title=TITLE,
        author="",
        subject="",
        keywords=[],
        creator="OneRecord",
        producer="OneRecord",
        lang="en-GB",
        displayDocTitle=True,
        initialFontName=FONT,
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
    story = _Builder(content, large_print=large_print).build()
    doc.build(story, canvasmaker=_numbered_canvas(furniture))
    return RenderedPdf(buffer.getvalue(), doc.page)


__all__ = ["REPLACES", "TITLE", "RenderedPdf", "Sizes", "build_plan_pdf"]
