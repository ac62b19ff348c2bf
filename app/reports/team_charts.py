"""The coordinator's charts: the data as plain dataclasses (tested on their own),
and each drawn to PNG bytes in memory with matplotlib's Agg canvas (no pyplot,
no window, no temp file), for the desktop, `onerecord charts` and the weekly PDF.

1. Caseload per practitioner, stacked by level of need (and the unallocated).
2. Reviews due by week over the next 8 weeks: plans, consent, risks.
3. Contacts per week by agency over the last 26 weeks (corrections not counted).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, cast, func, literal, select
from sqlalchemy.orm import Session

from app.services import clock
from app.services.team.team_counts import LEVELS, practitioner_loads
from app.services.team.team_scope import TeamScope, team_scope
from app.workspace import Workspace
from storage.tables import CarePlan, ConsentToShare, ContactNote, Organisation, Person, Risk

logger = logging.getLogger(__name__)

REVIEW_WEEKS = 8
CONTACT_WEEKS = 26
# NHS identity colours, distinguishable in greyscale and for common colour blindness.
PALETTE = ("#005EB8", "#ED8B00", "#330072", "#009639", "#DA291C", "#41B6E6", "#768692", "#AE2573")
LEVEL_COLOURS = {"universal": "#41B6E6", "targeted": "#005EB8", "specialist": "#330072"}


@dataclass(frozen=True)
class StackedBars:
    title: str
    categories: list[str]  # along the x axis
    series: dict[str, list[int]]  # legend label -> one count per category
    y_label: str = "People"

    def total(self, category: str) -> int:
        n = self.categories.index(category)
        return sum(values[n] for values in self.series.values())


@dataclass(frozen=True)
class WeeklyLines:
    title: str
    weeks: list[date]  # the Monday each week starts
    series: dict[str, list[int]]
    y_label: str = "Contacts"


@dataclass(frozen=True)
class TeamCharts:
    caseload: StackedBars
    reviews: StackedBars
    contacts: WeeklyLines


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def caseload_chart(session: Session, now: datetime, scope: TeamScope) -> StackedBars:
    today = clock.local(now).date()
    loads = [p for p in practitioner_loads(session, now, today, scope) if p.people]
    unallocated = dict(
        session.execute(
            select(Person.level_of_need, func.count())
            .where(Person.status == "open", scope.people(), Person.lead_professional_id.is_(None))
            .group_by(Person.level_of_need)
        ).all()
    )
    categories = [p.name for p in loads]
    series = {level.capitalize(): [p.by_level.get(level, 0) for p in loads] for level in LEVELS}
    if unallocated:
        categories.append("Unallocated")
        for level in LEVELS:
            series[level.capitalize()].append(int(unallocated.get(level, 0)))
    return StackedBars("Caseload per practitioner by level of need", categories, series)


def _week_index(column: Any, start: date | datetime) -> Any:
    """Whole weeks from `start` to `column` (never before it: the callers filter), computed by
    SQLite's julianday; CAST truncates, which is the floor for values after `start`."""
    origin = start.strftime("%Y-%m-%d %H:%M:%S") if isinstance(start, datetime) else str(start)
    return cast((func.julianday(column) - func.julianday(literal(origin))) / 7, Integer)


def _by_week(
    session: Session, column: Any, where: list[Any], start: date, weeks: int, scope: TeamScope
) -> list[int]:
    end = start + timedelta(weeks=weeks)
    week = _week_index(column, start)
    stmt = (
        select(week, func.count())
        .join(Person, Person.id == column.class_.person_id)
        .where(Person.status == "open", scope.people(), column >= start, column < end, *where)
        .group_by(week)
    )
    counts = [0] * weeks
    rows: list[Any] = list(session.execute(stmt).all())
    for index, n in rows:
        counts[int(index)] += int(n)
    return counts


def reviews_chart(session: Session, today: date, scope: TeamScope) -> StackedBars:
    start = monday_of(today)
    consent_live = [ConsentToShare.decision == "given", ConsentToShare.withdrawn_on.is_(None)]
    series = {
        "Care plan": _by_week(session, CarePlan.review_due, [], start, REVIEW_WEEKS, scope),
        "Consent": _by_week(
            session, ConsentToShare.review_on, consent_live, start, REVIEW_WEEKS, scope
        ),
        "Risk": _by_week(
            session, Risk.review_on, [Risk.status == "active"], start, REVIEW_WEEKS, scope
        ),
    }
    weeks = [start + timedelta(weeks=n) for n in range(REVIEW_WEEKS)]
    labels = [f"w/c {d.day} {d:%b}" for d in weeks]
    return StackedBars("Reviews due by week (next 8 weeks)", labels, series, y_label="Reviews")


def contacts_chart(session: Session, today: date, scope: TeamScope) -> WeeklyLines:
    first = monday_of(today) - timedelta(weeks=CONTACT_WEEKS - 1)
    start, _ = clock.day_bounds(first)
    end, _ = clock.day_bounds(monday_of(today) + timedelta(weeks=1))
    week = _week_index(ContactNote.occurred_at, start.replace(tzinfo=None))
    agency = func.coalesce(Organisation.name, "Other or unknown")
    stmt = (
        select(agency, week, func.count())
        .outerjoin(Organisation, Organisation.id == ContactNote.organisation_id)
        .where(
            ContactNote.occurred_at >= start,
            ContactNote.occurred_at < end,
            ContactNote.amends_id.is_(None),
            ContactNote.person_id.in_(select(Person.id).where(scope.people())),
        )
        .group_by(agency, week)
    )
    series: dict[str, list[int]] = {}
    found: list[Any] = list(session.execute(stmt).all())
    for name, index, n in found:
        if 0 <= int(index) < CONTACT_WEEKS:
            series.setdefault(str(name), [0] * CONTACT_WEEKS)[int(index)] += int(n)
    ordered = dict(sorted(series.items(), key=lambda item: (-sum(item[1]), item[0])))
    weeks = [first + timedelta(weeks=n) for n in range(CONTACT_WEEKS)]
    return WeeklyLines("Contacts per week by agency (last 6 months)", weeks, ordered)


def gather_charts(workspace: Workspace, *, now: datetime | None = None) -> TeamCharts:
    now = now or clock.now()
    today = clock.local(now).date()
    with workspace.store.read() as session:
        scope = team_scope(session, workspace.actor)
        return TeamCharts(
            caseload_chart(session, now, scope),
            reviews_chart(session, today, scope),
            contacts_chart(session, today, scope),
        )


def render_png(chart: StackedBars | WeeklyLines, *, width_px: int = 960, dpi: int = 100) -> bytes:
    """The chart as PNG bytes, drawn in memory."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(width_px / dpi, width_px * 0.5 / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if isinstance(chart, StackedBars):
        _bars(axes, chart)
    else:
        _lines(axes, chart)
    axes.set_title(chart.title, loc="left", fontsize=13, fontweight="bold")
    axes.set_ylabel(chart.y_label)
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if chart.series:
        axes.legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": "OneRecord"})
    return buffer.getvalue()


def _bars(axes: Any, chart: StackedBars) -> None:
    positions = range(len(chart.categories))
    bottom = [0] * len(chart.categories)
    for n, (label, values) in enumerate(chart.series.items()):
        colour = LEVEL_COLOURS.get(label.lower(), PALETTE[n % len(PALETTE)])
        axes.bar(positions, values, bottom=bottom, label=label, color=colour, width=0.7)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_xticks(list(positions), chart.categories, rotation=30, ha="right", fontsize=9)
    if not chart.categories:
        axes.text(0.5, 0.5, "Nobody to show", ha="center", transform=axes.transAxes)


def _lines(axes: Any, chart: WeeklyLines) -> None:
    for n, (label, values) in enumerate(chart.series.items()):
        axes.plot(
            chart.weeks, values, label=label, color=PALETTE[n % len(PALETTE)], marker="o", ms=3
        )
    axes.tick_params(axis="x", labelsize=9)
    for tick in axes.get_xticklabels():
        tick.set_rotation(30)
        tick.set_ha("right")
    if not chart.series:
        axes.text(0.5, 0.5, "No contacts recorded", ha="center", transform=axes.transAxes)


def describe(chart: StackedBars | WeeklyLines) -> str:
    """One sentence for a screen reader, in place of the picture."""
    totals = {label: sum(values) for label, values in chart.series.items()}
    parts = ", ".join(f"{label} {n}" for label, n in totals.items())
    return f"{chart.title}. Totals: {parts or 'none'}."


CHART_FILES = ("caseload-per-practitioner.png", "reviews-due-by-week.png", "contacts-by-agency.png")


def save_charts(workspace: Workspace, folder: Path, *, now: datetime | None = None) -> list[Path]:
    """The three charts as PNG files in `folder` (each written atomically). They hold
    counts and staff and agency names only: no one's personal data."""
    from app.services.output_file import write_output

    charts = gather_charts(workspace, now=now)
    written = []
    drawn: tuple[StackedBars | WeeklyLines, ...] = (
        charts.caseload,
        charts.reviews,
        charts.contacts,
    )
    for name, chart in zip(CHART_FILES, drawn, strict=True):
        write_output(folder / name, render_png(chart))
        written.append(folder / name)
    return written
