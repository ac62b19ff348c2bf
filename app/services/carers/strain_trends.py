"""Each carer's checks as a trend, from the stored rows: oldest first (the day asked,
then the order written), each total the sum of its answers. Pure: the record's
projections, the services and the priority list all read trends here, so they agree
on which check is the latest and when the team's prompt fires."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from app.values import carer_strain

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckPoint:
    """One check, as the trend shows it."""

    id: str
    checked_on: date
    total: int
    answers: tuple[int, ...]
    comment: str | None = None
    asked_by_id: str | None = None


@dataclass(frozen=True)
class CarerTrend:
    """A carer's checks, oldest first."""

    carer_id: str
    checks: tuple[CheckPoint, ...]

    @property
    def trend(self) -> carer_strain.Trend:
        return carer_strain.Trend(tuple(c.total for c in self.checks))

    @property
    def latest(self) -> int | None:
        return self.trend.latest

    @property
    def prompt(self) -> str | None:
        return self.trend.prompt


def answers_of(stored: str) -> tuple[int, ...]:
    """The stored JSON answers (held to the scale by the row rules on both sides)."""
    return carer_strain.checked_answers(json.loads(stored))


def trends(
    rows: Iterable[tuple[str, str, date, str, datetime | None, str | None, str | None]],
) -> dict[str, CarerTrend]:
    """carer id -> trend, from (id, carer_id, checked_on, answers, recorded_at, comment,
    asked_by_id) rows in any order."""
    by_carer: dict[str, list[tuple[date, datetime | None, str, CheckPoint]]] = defaultdict(list)
    for check_id, carer_id, on, stored, recorded_at, comment, asked_by in rows:
        answers = answers_of(stored)
        point = CheckPoint(check_id, on, carer_strain.total(answers), answers, comment, asked_by)
        by_carer[carer_id].append((on, recorded_at, check_id, point))
    return {
        carer_id: CarerTrend(
            carer_id,
            tuple(
                p[3]
                for p in sorted(
                    points, key=lambda p: (p[0], p[1].isoformat() if p[1] else "", p[2])
                )
            ),
        )
        for carer_id, points in by_carer.items()
    }


def trend_text(trend: CarerTrend) -> str:
    """ "8 → 12 → 17, risen by 5" (the last few totals; no words for one check)."""
    totals = [c.total for c in trend.checks][-4:]
    if not totals:
        return ""
    shown = " → ".join(str(t) for t in totals)
    rise = trend.trend.rise
    if rise is None:
        return shown
    if rise > 0:
        return f"{shown}, risen by {rise}"
    if rise < 0:
        return f"{shown}, down by {-rise}"
    return f"{shown}, no change"


class _Check(Protocol):
    id: str
    carer_id: str
    checked_on: date
    answers: str
    recorded_at: datetime
    comment: str | None
    asked_by_id: str


class _Snapshot(Protocol):
    @property
    def strain_checks(self) -> tuple[_Check, ...]: ...


def snapshot_trends(snap: _Snapshot) -> dict[str, CarerTrend]:
    """carer id -> trend, from a record snapshot's checks."""
    return trends(
        (c.id, c.carer_id, c.checked_on, c.answers, c.recorded_at, c.comment, c.asked_by_id)
        for c in snap.strain_checks
    )


def strain_of(trend: CarerTrend | None) -> tuple[tuple[int, ...], str, str | None]:
    """(totals oldest first, the trend in words, the prompt) for a carer's entry."""
    if trend is None:
        return (), "", None
    return tuple(c.total for c in trend.checks), trend_text(trend), trend.prompt


def prompting_people(rows: Iterable[tuple[str, str, str, str, str | None, str]]) -> set[str]:
    """The people any of whose carers' latest check fires the team's prompt, from
    (person_id, carer_id, checked_on, answers, recorded_at, id) rows in any order, the
    dates as the store's ISO text (they sort as the dates do): the priority list's one
    read of every check. Only the last two checks of each carer are summed (the stored
    answers are held to the scale by the row rules on both sides)."""
    last_two: dict[tuple[str, str], list[tuple[tuple[str, str, str], str]]] = {}
    for person_id, carer_id, on, stored, recorded_at, check_id in rows:
        key = (on, recorded_at or "", check_id)
        kept = last_two.setdefault((person_id, carer_id), [])
        kept.append((key, stored))
        if len(kept) > 2:
            kept.sort()
            del kept[0]
    found: set[str] = set()
    for (person_id, _carer), kept in last_two.items():
        kept.sort()
        totals = tuple(sum(json.loads(stored)) for _key, stored in kept)
        if carer_strain.Trend(totals).prompt is not None:
            found.add(person_id)
    return found


class _Carer(Protocol):
    id: str
    name: str
    is_main_carer: bool


class _WithCarers(_Snapshot, Protocol):
    @property
    def personal_contacts(self) -> tuple[_Carer, ...]: ...


def carer_prompts(snap: _WithCarers) -> tuple[str, ...]:
    """ "Name: prompt" for each of the person's carers whose prompt fires (main carer
    first), for the record's header."""
    found = snapshot_trends(snap)
    carers = sorted(snap.personal_contacts, key=lambda c: (not c.is_main_carer, c.name, c.id))
    return tuple(
        f"{c.name}: {prompt}"
        for c in carers
        if c.id in found and (prompt := found[c.id].prompt) is not None
    )
