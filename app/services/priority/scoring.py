"""A person's priority score from what their record holds, and the words that explain
it: pure, so the list, its tests and the bench all score alike.

The score is the sum over the factors (`weights.FACTORS`) of the team's weight times
how many times the factor counts for the person (present: once; admissions, A&E
visits and high risks: each, up to the factor's `most`). Nothing else moves it: two
people with the same signals and weights have the same score, and the explanation
lists every factor that added to it, largest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from app.services.priority.weights import FACTORS


class Signals(NamedTuple):
    """What one person's shared record says, for each factor (as of a day). A named
    tuple, as the rows below: 5,000 are made for each list, and a frozen dataclass
    costs several times as much to make (`bench/priority.py`)."""

    unplanned_admissions: int = 0
    first_admission_on: date | None = None  # the earliest counted, for the words
    ae_attendances: int = 0
    last_discharge_on: date | None = None  # the latest, when recent
    falls: bool = False
    lives_alone: bool = False
    carer_strain: bool = False  # a carer-breakdown risk open
    carer_strain_prompt: bool = False  # a carer's latest strain check fires the prompt
    specialist_need: bool = False
    high_risks: int = 0
    safeguarding: bool = False
    capacity_concern: bool = False
    overdue_review: bool = False
    no_contact: bool = False
    last_contact_on: date | None = None  # None: never, on this record


class Contribution(NamedTuple):
    """One factor's part in a score, with where it came from."""

    key: str
    label: str
    source: str
    times: int
    points: int
    words: str


class Scored(NamedTuple):
    score: int
    contributions: tuple[Contribution, ...]  # largest first

    @property
    def explanation(self) -> str:
        """The rank in words: each factor that counted, largest first."""
        if not self.contributions:
            return "Nothing in the record adds to the score."
        return "; ".join(c.words for c in self.contributions)


def _day(on: date) -> str:
    return f"{on.day} {on:%b %Y}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _words(key: str, signals: Signals, times: int) -> str:
    """The factor as the team would say it of this person."""
    s = signals
    if key == "unplanned_admissions":
        since = f" since {_day(s.first_admission_on)}" if s.first_admission_on else ""
        counted = _plural(s.unplanned_admissions, "unplanned admission", "unplanned admissions")
        return counted + since
    if key == "ae_attendances":
        return _plural(s.ae_attendances, "A&E attendance", "A&E attendances") + " in 12 months"
    if key == "recent_discharge":
        return f"left hospital on {_day(s.last_discharge_on)}" if s.last_discharge_on else ""
    if key == "high_risks":
        return _plural(s.high_risks, "high risk open", "high risks open")
    if key == "carer_strain":
        return "; ".join(
            words
            for on, words in (
                (s.carer_strain_prompt, "carer strain high or rising"),
                (s.carer_strain, "carer at risk of breaking down"),
            )
            if on
        )
    if key == "no_contact":
        if s.last_contact_on is None:
            return "no contact recorded"
        return f"no contact since {_day(s.last_contact_on)}"
    return {
        "falls": "falls risk",
        "lives_alone": "lives alone",
        "specialist_need": "specialist level of need",
        "safeguarding": "safeguarding alert",
        "capacity_concern": "lacked capacity at the last assessment",
        "overdue_review": "review overdue",
    }[key]


_ORDER = {f.key: n for n, f in enumerate(FACTORS)}


def _points(contribution: Contribution) -> tuple[int, int]:
    return (-contribution.points, _ORDER[contribution.key])


def score(signals: Signals, weights: Mapping[str, int]) -> Scored:
    """The score and its contributions; a factor weighted 0 is not counted at all."""
    s = signals
    counted = {
        "unplanned_admissions": s.unplanned_admissions,
        "ae_attendances": s.ae_attendances,
        "recent_discharge": s.last_discharge_on is not None,
        "falls": s.falls,
        "lives_alone": s.lives_alone,
        "carer_strain": s.carer_strain or s.carer_strain_prompt,
        "specialist_need": s.specialist_need,
        "high_risks": s.high_risks,
        "safeguarding": s.safeguarding,
        "capacity_concern": s.capacity_concern,
        "overdue_review": s.overdue_review,
        "no_contact": s.no_contact,
    }
    parts: list[Contribution] = []
    total = 0
    for factor in FACTORS:
        times = min(int(counted[factor.key]), factor.most)
        weight = weights.get(factor.key, 0)
        if times <= 0 or weight == 0:
            continue
        points = weight * times
        total += points
        words = _words(factor.key, s, times)
        parts.append(Contribution(factor.key, factor.label, factor.source, times, points, words))
    parts.sort(key=_points)
    return Scored(total, tuple(parts))
