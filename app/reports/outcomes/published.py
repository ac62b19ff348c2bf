"""The outcome report as text (the command line) and CSV (a spreadsheet), from the
published report only: every figure is printed exactly as `small_numbers.publish` wrote
it, so no format can show what another hides. The PDF: published_pdf.py.
"""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path

from app.reports.outcomes.draft import OutcomeReport, Section
from app.reports.plan_model import long_date
from app.services.caseload.caseload_export import safe_cell

logger = logging.getLogger(__name__)

TITLE = "Outcomes"
LABEL_WIDTH = 46  # text: longer labels wrap onto their own line
CSV_HEADINGS = ("Section", "Measure", "Column", "Figure")


def title(report: OutcomeReport) -> str:
    return f"{TITLE}: {report.scope}"


def period(report: OutcomeReport) -> str:
    return (
        f"{long_date(report.start)} to {long_date(report.end)}"
        f" (records as they stood on {long_date(report.as_of)})"
    )


def _text_section(section: Section) -> list[str]:
    widths = [
        max(len(col), *(len(li.figures[n].text) for li in section.lines))
        for n, col in enumerate(section.columns)
    ]
    out = [section.title, "-" * len(section.title)]
    head = " ".join(col.rjust(w) for col, w in zip(section.columns, widths, strict=True))
    out.append(f"{'':<{LABEL_WIDTH}} {head}")
    for line in section.lines:
        cells = " ".join(f.text.rjust(w) for f, w in zip(line.figures, widths, strict=True))
        if len(line.label) > LABEL_WIDTH:
            out.append(line.label)
            out.append(f"{'':<{LABEL_WIDTH}} {cells}")
        else:
            out.append(f"{line.label:<{LABEL_WIDTH}} {cells}")
    out += [f"  {note}" for note in section.notes]
    return out


def to_text(report: OutcomeReport) -> str:
    lines = [title(report), period(report), ""]
    for section in report.sections:
        lines += [*_text_section(section), ""]
    lines += list(report.footnotes)
    return "\n".join(lines) + "\n"


def to_csv(report: OutcomeReport) -> str:
    """One row per figure: section, measure, column, figure (as printed: "<5", "*")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADINGS)
    writer.writerow(["Report", "Scope", "", safe_cell(report.scope)])
    writer.writerow(["Report", "From", "", report.start.isoformat()])
    writer.writerow(["Report", "To", "", report.end.isoformat()])
    writer.writerow(["Report", "Records as of", "", report.as_of.isoformat()])
    for section in report.sections:
        for line in section.lines:
            for column, figure in zip(section.columns, line.figures, strict=True):
                if figure.text:
                    writer.writerow([section.title, line.label, column, figure.text])
    for note in report.footnotes:
        writer.writerow(["Key", note, "", ""])
    return buffer.getvalue()


def to_pdf(report: OutcomeReport, path: Path) -> None:
    """The report as an A4 PDF at `path` (atomic)."""
    from app.reports.outcomes.published_pdf import render_pdf
    from app.services.output_file import write_output

    write_output(path, render_pdf(report).data)
