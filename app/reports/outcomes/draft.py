"""The outcome report before small numbers are suppressed, and after.

`measures` fills a `Draft`: raw counts by key, which counts are totals of which
(`Total`), and sections of lines whose cells name those counts or hold a proportion,
a rate or a statistic. `small_numbers.publish` turns it into the `OutcomeReport`
every format renders: plain text per figure and the number behind it, or no number
where a figure is not shown. Nothing renders a `Draft`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# -- before suppression ------------------------------------------------------------------


@dataclass(frozen=True)
class Total:
    """The count `total` is the sum of the counts `parts` (every key in `Draft.counts`)."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Count:
    """A count of people, referrals, episodes, reviews or answers."""

    key: str


@dataclass(frozen=True)
class Percent:
    """`numerator` as a whole percentage of `denominator` (both count keys)."""

    numerator: str
    denominator: str


@dataclass(frozen=True)
class Rate:
    """The count `numerator` per 1,000 `days`; `guards` are counts the days would give
    away (365 days for each person: the number of people)."""

    numerator: str
    days: int
    guards: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statistic:
    """A median, centile or mean over `people` people (None: nobody to measure)."""

    value: float | None
    people: int
    decimals: int = 1


@dataclass(frozen=True)
class Blank:
    """Nothing in this cell (the measure does not apply to this line)."""


Cell = Count | Percent | Rate | Statistic | Blank


@dataclass(frozen=True)
class DraftLine:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class DraftSection:
    key: str
    title: str
    columns: tuple[str, ...]
    lines: tuple[DraftLine, ...]
    notes: tuple[str, ...] = ()
    # The chart drawn from this section: the column and the lines it shows as bars.
    chart: tuple[int, tuple[int, ...]] | None = None


@dataclass(frozen=True)
class Draft:
    counts: dict[str, int]
    totals: tuple[Total, ...]
    sections: tuple[DraftSection, ...]


# -- as published ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One published figure: its text exactly as every format prints it, and the
    number behind it (None when it is not shown: a small number, a figure hidden to
    protect one, or nothing to measure)."""

    text: str
    value: float | None = None


@dataclass(frozen=True)
class Line:
    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: tuple[str, ...]
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = ()
    chart: tuple[int, tuple[int, ...]] | None = None


@dataclass(frozen=True)
class OutcomeReport:
    """The outcome report as published: small numbers already suppressed."""

    scope: str  # the title words: the team's name, or "Whole organisation"
    start: date
    end: date  # inclusive
    as_of: date
    sections: tuple[Section, ...]
    footnotes: tuple[str, ...] = field(default=())

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def figure(self, section: str, line: str, column: int = 0) -> Figure:
        """A figure by its section key, line label and column (tests and the screen)."""
        found = self.section(section)
        return next(li for li in found.lines if li.label == line).figures[column]
