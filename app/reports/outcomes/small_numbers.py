"""Small numbers are never published, nor anything they could be worked out from.

The rule NHS and council publications follow (NHS England's and NHS Digital's
disclosure control for published statistics; the ONS's guidance on suppressing small
cells), applied here once, to the whole report, before any format sees it:

* A count from 1 to 4 is shown as "<5" (primary suppression). Zero is shown.
* Where a count is the total of parts (`Total`), one hidden cell could be worked out
  by subtraction, so a second is hidden: the smallest other non-zero cell, parts
  before the total (secondary suppression), shown as "*". The same happens when the
  hidden parts of a shown total add up to 1–4 (their sum would be a small number).
* A reader knows "<5" means 1 to 4 ("*" may be any number), so every total is then
  checked with those bounds (interval propagation over the totals, exact for the
  report's tables, which share at most one cell between any two totals and never
  form a loop): while a "<5" could still be pinned to one value, another cell is
  hidden; when no non-zero cell is left to hide, a zero, and last a "<5" is shown as
  "*" (four parts of "<5" under a total of "<5" would each be 1).
* A percentage is shown only when its numerator and denominator are both shown and
  neither they nor their difference is 1–4.
* A rate is shown only when its numerator, and any count its days would give away,
  are shown.
* A median, centile or mean is shown only over 5 or more people.

`publish` turns a `Draft` into the `OutcomeReport`: the screen, the text, the CSV,
the PDF and the charts all print its figures, and nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date

from app.reports.outcomes.draft import (
    Blank,
    Cell,
    Count,
    Draft,
    Figure,
    Line,
    OutcomeReport,
    Percent,
    Rate,
    Section,
    Statistic,
    Total,
)

logger = logging.getLogger(__name__)

LEAST_SHOWN = 5  # counts from 1 to LEAST_SHOWN - 1 are small
SMALL = "<5"  # a count from 1 to 4
HIDDEN = "*"  # hidden so that a small number cannot be worked out from it
NOTHING = "–"  # nothing to measure (no one in the group)
FOOTNOTES = (
    "<5: a number from 1 to 4, not shown to protect people's privacy.",
    "*: not shown (it may be any number), so that a number under 5 cannot be worked out.",
    "–: nothing to measure in the period.",
)
_NO_CEILING = 10**9  # a hidden count's upper bound when no total limits it


def is_small(n: int) -> bool:
    return 1 <= n < LEAST_SHOWN


def protect(counts: Mapping[str, int], totals: Sequence[Total]) -> dict[str, str]:
    """Every count not to be shown, with its mark (SMALL or HIDDEN). Ends: each step
    hides a shown cell or turns a SMALL into a HIDDEN."""
    marks = {key: SMALL for key, n in counts.items() if is_small(n)}
    while (key := _next_to_hide(counts, totals, marks)) is not None:
        marks[key] = HIDDEN
    return marks


def _cells(total: Total) -> tuple[str, ...]:
    return (*total.parts, total.total)


def _smallest_shown(
    counts: Mapping[str, int], keys: Sequence[str], marks: Mapping[str, str]
) -> str | None:
    """The smallest non-zero shown cell among `keys` (parts before the total: the last
    key), or None. Zero is hidden only when nothing else is left to hide."""
    shown = [(counts[k], n) for n, k in enumerate(keys) if k not in marks and counts[k] > 0]
    if not shown:
        return None
    _, index = min(shown, key=lambda item: (item[0], item[1] == len(keys) - 1, item[1]))
    return keys[index]


def _last_resort(keys: Sequence[str], marks: Mapping[str, str]) -> str | None:
    """A shown zero, else a "<5" to show as "*" (the total first): when every non-zero
    cell is hidden yet a "<5" can still be worked out (four parts of "<5" under a
    total of "<5" are each 1)."""
    zeros = [k for k in keys if k not in marks]
    if zeros:
        return zeros[0]
    small = [k for k in reversed(keys) if marks.get(k) == SMALL]
    return small[0] if small else None


def _next_to_hide(
    counts: Mapping[str, int], totals: Sequence[Total], marks: Mapping[str, str]
) -> str | None:
    for total in totals:
        cells = _cells(total)
        hidden = [k for k in cells if k in marks]
        if not hidden:
            continue
        hidden_parts = sum(counts[k] for k in total.parts if k in marks)
        alone = len(hidden) == 1
        small_sum = total.total not in marks and is_small(hidden_parts)
        if alone or small_sum:
            found = _smallest_shown(counts, cells, marks)
            if found is not None:
                return found
    pinned = _pinned(counts, totals, marks)
    for choose in (_smallest_shown, None):
        for key in pinned:
            for total in totals:
                cells = _cells(total)
                if key not in cells:
                    continue
                found = (
                    _smallest_shown(counts, cells, marks)
                    if choose is not None
                    else _last_resort(cells, marks)
                )
                if found is not None:
                    return found
    return None


# Passes of narrowing before giving up: each pass is a sound answer (bounds only
# shrink), but totals that share parts can narrow a "*" from its ceiling one step a
# pass, which would take a billion passes. Past this, `_pinned` assumes the worst.
MOST_PASSES = 200


def bounds(
    counts: Mapping[str, int], totals: Sequence[Total], marks: Mapping[str, str]
) -> dict[str, tuple[int, int]] | None:
    """What a reader can work out about each count from the published figures alone:
    shown counts exactly, "<5" from 1 to 4, "*" any number, narrowed by every total.
    None when the narrowing has not settled within MOST_PASSES."""
    lo: dict[str, int] = {}
    hi: dict[str, int] = {}
    for key, n in counts.items():
        mark = marks.get(key)
        lo[key], hi[key] = (
            (n, n)
            if mark is None
            else (1, LEAST_SHOWN - 1)
            if mark == SMALL
            else (LEAST_SHOWN, _NO_CEILING)
        )
    changed = True
    passes = 0
    while changed:
        passes += 1
        if passes > MOST_PASSES:
            return None
        changed = False
        for total in totals:
            parts, whole = total.parts, total.total
            new_lo = max(lo[whole], sum(lo[p] for p in parts))
            new_hi = min(hi[whole], sum(hi[p] for p in parts))
            if (new_lo, new_hi) != (lo[whole], hi[whole]):
                lo[whole], hi[whole], changed = new_lo, new_hi, True
            for p in parts:
                others_lo = sum(lo[o] for o in parts if o != p)
                others_hi = sum(hi[o] for o in parts if o != p)
                p_lo = max(lo[p], lo[whole] - others_hi)
                p_hi = min(hi[p], hi[whole] - others_lo)
                if (p_lo, p_hi) != (lo[p], hi[p]):
                    lo[p], hi[p], changed = p_lo, p_hi, True
    return {key: (lo[key], hi[key]) for key in counts}


def _pinned(
    counts: Mapping[str, int], totals: Sequence[Total], marks: Mapping[str, str]
) -> list[str]:
    """Small counts a reader could still work out exactly (every one, when that could
    not be settled: more is then hidden, never less)."""
    found = bounds(counts, totals, marks)
    if found is None:
        return [k for k, mark in marks.items() if mark == SMALL]
    return [k for k, mark in marks.items() if mark == SMALL and found[k][0] == found[k][1]]


# -- the report as published -------------------------------------------------------------


def _count(n: int, mark: str | None) -> Figure:
    return Figure(mark, None) if mark else Figure(f"{n:,}", float(n))


def _percent(cell: Percent, counts: Mapping[str, int], marks: Mapping[str, str]) -> Figure:
    top, bottom = counts[cell.numerator], counts[cell.denominator]
    if bottom == 0:
        return Figure(NOTHING)
    hidden = cell.numerator in marks or cell.denominator in marks
    if hidden or any(is_small(n) for n in (top, bottom, bottom - top)):
        return Figure(HIDDEN)
    share = round(100 * top / bottom)
    return Figure(f"{share}%", float(share))


def _rate(cell: Rate, counts: Mapping[str, int], marks: Mapping[str, str]) -> Figure:
    if cell.days <= 0:
        return Figure(NOTHING)
    if any(k in marks for k in (cell.numerator, *cell.guards)):
        return Figure(HIDDEN)
    rate = round(1000 * counts[cell.numerator] / cell.days, 2)
    return Figure(f"{rate:.2f}", rate)


def _statistic(cell: Statistic) -> Figure:
    if cell.value is None or cell.people == 0:
        return Figure(NOTHING)
    if cell.people < LEAST_SHOWN:
        return Figure(HIDDEN)
    value = round(cell.value, cell.decimals)
    return Figure(f"{value:.{cell.decimals}f}", value)


def _figure(cell: Cell, counts: Mapping[str, int], marks: Mapping[str, str]) -> Figure:
    if isinstance(cell, Count):
        return _count(counts[cell.key], marks.get(cell.key))
    if isinstance(cell, Percent):
        return _percent(cell, counts, marks)
    if isinstance(cell, Rate):
        return _rate(cell, counts, marks)
    if isinstance(cell, Statistic):
        return _statistic(cell)
    assert isinstance(cell, Blank)
    return Figure("")


def publish(draft: Draft, *, scope: str, start: date, end: date, as_of: date) -> OutcomeReport:
    """The report every format prints: the one place small numbers are suppressed."""
    marks = protect(draft.counts, draft.totals)
    sections = tuple(
        Section(
            s.key,
            s.title,
            s.columns,
            tuple(
                Line(li.label, tuple(_figure(c, draft.counts, marks) for c in li.cells))
                for li in s.lines
            ),
            s.notes,
            s.chart,
        )
        for s in draft.sections
    )
    return OutcomeReport(scope, start, end, as_of, sections, FOOTNOTES)
