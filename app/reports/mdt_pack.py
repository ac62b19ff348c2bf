"""The team meeting's pack as a PDF: a cover page with the list (who, why), then one
page per person (their brief: why on the list, what every agency changed since the
last meeting, open actions, high risks, plan review), a blank "Decided" box to write
in if the laptop is not in the room. reportlab, A4 portrait, DejaVu Sans embedded as
the printed plan, built in memory; the document information names the document and
nothing else; every page's footer says the paper holds personal data.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepInFrame,
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
    GREY_LINE,
    INK,
    REPORT_GRID,
    RenderedPdf,
    pdf_document,
    register_fonts,
)
from app.services import clock
from app.services.mdt.briefs import Brief, Pack, meeting_pack
from app.services.output_file import check_output_path, write_output
from app.workspace import Workspace
from storage.audit_log import append as audit

TITLE = "Team meeting briefs"
PAGE_W, PAGE_H = A4
MARGIN = 15 * mm
# A brief stays on one page: the soonest due actions, the rest counted.
ACTIONS_SHOWN = 6
CONFIDENTIAL = "Confidential: contains personal data. Keep securely; shred after the meeting."

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13, textColor=INK)
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=9, leading=11.5)
_HEAD = ParagraphStyle("head", parent=_SMALL, fontName=FONT_BOLD)
_TITLE = ParagraphStyle(
    "title", parent=_BODY, fontName=FONT_BOLD, fontSize=20, leading=24, textColor=DARK_BLUE
)
_H2 = ParagraphStyle(
    "h2",
    parent=_BODY,
    fontName=FONT_BOLD,
    fontSize=12.5,
    leading=16,
    textColor=BLUE,
    spaceBefore=6,
    spaceAfter=2,
)


def _p(text: str, style: ParagraphStyle = _SMALL) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    cells = [[_p(c, _HEAD if n == 0 else _SMALL) for c in row] for n, row in enumerate(rows)]
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(list(REPORT_GRID)))
    return table


def _when(pack: Pack) -> str:
    at = clock.local(pack.meeting.meets_at)
    place = f", {pack.meeting.place}" if pack.meeting.place else ""
    return f"{long_date(at.date())} at {at:%H:%M}{place}"


def _cover(pack: Pack, width: float) -> list[object]:
    story: list[object] = [
        Paragraph(escape(TITLE), _TITLE),
        _p(f"The team meeting on {_when(pack)}.", _BODY),
        Spacer(0, 4 * mm),
    ]
    rows = [["", "Who", "NHS number", "Why on the list"]]
    for n, brief in enumerate(pack.briefs, start=1):
        listed = brief.listed
        rows.append([str(n), listed.display_name, listed.nhs_number_formatted, listed.said])
    if len(rows) == 1:
        story.append(_p("No one is on this meeting's list yet.", _BODY))
    else:
        story.append(_table(rows, [0.05 * width, 0.25 * width, 0.17 * width, 0.53 * width]))
    if pack.not_shown:
        story.append(Spacer(0, 3 * mm))
        story.append(
            _p(
                f"{pack.not_shown} more on the list are not yours to open: their lead"
                " professional brings their brief.",
                _BODY,
            )
        )
    return story


def _brief(n: int, brief: Brief, width: float) -> list[object]:
    listed = brief.listed
    who = f"{n}. {listed.given_name} {listed.family_name}"
    facts = [
        f"NHS number {listed.nhs_number_formatted}",
        f"born {long_date(brief.date_of_birth)}",
        f"lead professional: {brief.lead_name or 'not allocated'}",
        f"level of need: {brief.level_of_need.lower()}",
    ]
    why = listed.said
    if listed.flagged_by:
        why += f" (flagged by {listed.flagged_by})"
    story: list[object] = [
        Paragraph(escape(who), _TITLE),
        _p("; ".join(facts) + ".", _BODY),
        Paragraph("Why on the list", _H2),
        _p(why, _BODY),
        Paragraph(f"What changed {brief.since}", _H2),
    ]
    if brief.changes:
        rows = [["When", "What", "Who"]]
        for seen in brief.changes:
            by = ", ".join(x for x in (seen.who, seen.role, seen.organisation) if x)
            edits = f" ({seen.edits} changes)" if seen.edits > 1 else ""
            rows.append([f"{clock.local(seen.when):%-d %b %Y}", seen.what + edits, by])
        story.append(_table(rows, [0.14 * width, 0.40 * width, 0.46 * width]))
        if brief.more_changes:
            story.append(_p(f"… and {brief.more_changes} more (see the record).", _SMALL))
    else:
        story.append(_p("Nothing recorded since then.", _BODY))
    story.append(Paragraph("Open actions in the plan", _H2))
    if brief.actions:
        rows = [["What", "Who", "Due"]]
        for action in brief.actions[:ACTIONS_SHOWN]:
            due = long_date(action.due_on) if action.due_on else ""
            if action.overdue and action.due_on:
                due = f"overdue since {due}"
            rows.append([action.what, action.who, due])
        story.append(_table(rows, [0.5 * width, 0.28 * width, 0.22 * width]))
        if len(brief.actions) > ACTIONS_SHOWN:
            more = len(brief.actions) - ACTIONS_SHOWN
            story.append(_p(f"… and {more} more (see the plan).", _SMALL))
    else:
        story.append(_p("None open.", _BODY))
    review = "not set"
    if brief.review_due:
        review = long_date(brief.review_due)
        if brief.review_overdue:
            review = f"overdue since {review}"
    risks = ", ".join(brief.high_risks) if brief.high_risks else "none"
    story += [
        Paragraph("Plan and risks", _H2),
        _p(f"Plan review: {review}. High risks open: {risks}.", _BODY),
        Paragraph("Decided (who will do what, by when)", _H2),
        # Already decided (a pack printed after the meeting): what was said, not a box.
        _p(listed.decision, _BODY) if listed.decision else _decided_box(width),
    ]
    return story


def _decided_box(width: float) -> Table:
    box = Table([[""]], colWidths=[width], rowHeights=[32 * mm])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, GREY_LINE)]))
    return box


def _furniture(pack: Pack) -> object:
    when = long_date(clock.local(pack.meeting.meets_at).date())

    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(INK)
        canvas.drawString(MARGIN, 8 * mm, f"{TITLE} · team meeting on {when}")
        canvas.drawRightString(PAGE_W - MARGIN, 8 * mm, f"Page {doc.page}")
        canvas.setFont(FONT_BOLD, 8.5)
        canvas.drawCentredString(PAGE_W / 2, 4 * mm, CONFIDENTIAL)
        canvas.restoreState()

    return draw


def build_pack_pdf(pack: Pack) -> RenderedPdf:
    """The cover and one page per brief, as PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = pdf_document(
        buffer,
        title=TITLE,
        pagesize=A4,
        left=MARGIN,
        right=MARGIN,
        top=MARGIN,
        bottom=MARGIN + 4 * mm,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="pack", frames=[frame], onPage=_furniture(pack))])
    story = _cover(pack, doc.width)
    for n, brief in enumerate(pack.briefs, start=1):
        story.append(PageBreak())
        # One page each, whatever the record holds: shrunk to fit, never split.
        story.append(KeepInFrame(doc.width, doc.height, _brief(n, brief, doc.width), mode="shrink"))
    doc.build(story)
    return RenderedPdf(buffer.getvalue(), doc.page)


def save_pack(workspace: Workspace, meeting_id: str, path: Path) -> tuple[Pack, RenderedPdf]:
    """Build the pack and write it where the user chose, with an audit event per person
    whose brief it holds (what was printed about whom, as the printed plan is)."""
    path = check_output_path(path)
    pack = meeting_pack(workspace, meeting_id)
    pdf = build_pack_pdf(pack)
    existed = path.exists()
    written = False
    try:
        with workspace.store.write(workspace.actor) as session:
            for brief in pack.briefs:
                audit(
                    session,
                    "mdt_brief_printed",
                    person_id=brief.listed.person_id,
                    detail={"meeting_id": pack.meeting.id, "to": "file"},
                )
            write_output(path, pdf.data)
            written = True
    except BaseException:
        # The file went out but the events did not commit: take the file back.
        if written and not existed:
            path.unlink(missing_ok=True)
        raise
    return pack, pdf
