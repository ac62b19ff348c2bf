"""The outcome report's charts: bars drawn from the published figures only (a figure
not shown has no bar, only its mark, "<5" or "*"), as plain data and as PNG bytes on
matplotlib's Agg canvas in memory, in the team charts' colours (`team_charts`).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from app.reports.outcomes.draft import OutcomeReport, Section
from app.reports.team_charts import PALETTE

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bars:
    key: str
    title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]  # None: not shown
    texts: tuple[str, ...]  # each bar's figure as printed
    y_label: str


def bars(section: Section) -> Bars | None:
    if section.chart is None:
        return None
    column, wanted = section.chart
    lines = [section.lines[n] for n in wanted]
    figures = [li.figures[column] for li in lines]
    return Bars(
        section.key,
        section.title,
        tuple(li.label.removeprefix("Ended: ") for li in lines),
        tuple(f.value for f in figures),
        tuple(f.text for f in figures),
        section.columns[column],
    )


def report_charts(report: OutcomeReport) -> list[Bars]:
    return [chart for s in report.sections if (chart := bars(s)) is not None]


def describe(chart: Bars) -> str:
    """One sentence for a screen reader, in place of the picture."""
    parts = ", ".join(
        f"{label} {text}" for label, text in zip(chart.labels, chart.texts, strict=True)
    )
    return f"{chart.title}. {parts}."


def render_png(chart: Bars, *, width_px: int = 640, dpi: int = 100) -> bytes:
    """Horizontal bars (long labels read across), each with its figure as printed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = max(2.2, 0.42 * len(chart.labels) + 1.1)
    figure = Figure(figsize=(width_px / dpi, height * 100 / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    axes: Any = figure.add_subplot()
    positions = list(range(len(chart.labels)))
    shown = [v if v is not None else 0.0 for v in chart.values]
    axes.barh(positions, shown, color=PALETTE[0], height=0.6)
    top = max(shown, default=0.0) or 1.0
    for y, value, text in zip(positions, shown, chart.texts, strict=True):
        axes.text(value + top * 0.02, y, text, va="center", fontsize=9)
    axes.set_yticks(positions, chart.labels, fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.2)
    axes.set_xlabel(chart.y_label)
    axes.set_title(_wrap(chart.title), loc="left", fontsize=11, fontweight="bold")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": "OneRecord"})
    return buffer.getvalue()


def _wrap(text: str, width: int = 60) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])
