"""The periods an outcome report is usually asked for, as of a day.

Commissioners and the national returns (ASCOF, SALT) count financial years, 1 April
to 31 March; a coordinator's team meeting looks back a quarter or a year. One
definition for the screen and both command lines, so "last financial year" means
the same days wherever it is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.errors import InvalidInputError
from app.rules import parse_date
from app.values.calendar import a_year_before


@dataclass(frozen=True)
class Period:
    key: str  # as typed on the command line: --period last-financial-year
    label: str
    start: date
    end: date  # inclusive


def _financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def periods(today: date) -> tuple[Period, ...]:
    """Each usual period as of `today`, none ending after it (the report counts what
    has happened, and a period running past today would count days not yet lived)."""
    last_12_start = a_year_before(today) + timedelta(days=1)
    this_quarter = _quarter_start(today)
    last_quarter_end = this_quarter - timedelta(days=1)
    this_year = _financial_year_start(today)
    last_year_end = this_year - timedelta(days=1)
    return (
        Period("last-12-months", "Last 12 months", last_12_start, today),
        Period("last-quarter", "Last quarter", _quarter_start(last_quarter_end), last_quarter_end),
        Period("this-financial-year", "This financial year so far", this_year, today),
        Period(
            "last-financial-year",
            "Last financial year",
            _financial_year_start(last_year_end),
            last_year_end,
        ),
    )


KEYS = tuple(p.key for p in periods(date(2000, 1, 1)))


def named(key: str, today: date) -> Period:
    """The period called `key` as of `today`, or one plain line naming the choices."""
    for period in periods(today):
        if period.key == key:
            return period
    raise InvalidInputError(
        "There is no period called {key}: choose one of {choices}.",
        key=key,
        choices=", ".join(KEYS),
    )


def chosen(start: str | None, end: str | None, key: str | None, today: date) -> Period:
    """The period typed on a command line: a named one, or both dates (either refused
    with one plain line before any record is read)."""
    if key is not None:
        if start is not None or end is not None:
            raise InvalidInputError("Give either --period or --from and --to, not both.")
        return named(key, today)
    if start is None or end is None:
        raise InvalidInputError(
            "Give the period: --from and --to, or --period ({choices}).", choices=", ".join(KEYS)
        )
    first = parse_date(start, "from date")
    last = parse_date(end, "to date")
    if last < first:
        raise InvalidInputError("The 'to' date is before the 'from' date.")
    return Period("chosen", "Chosen dates", first, last)


PERIOD_HELP = "a usual period instead of --from and --to: " + ", ".join(KEYS)
