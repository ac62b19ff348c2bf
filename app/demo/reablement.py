"""Reablement in the demo: who has an episode, when it starts and ends, how it ended,
and where the person was at the check 91 days after leaving hospital.

Who: mostly older people, straight home from hospital (a fall, a fracture, an
infection that left them weaker) or after a fall at home; a few younger adults. About
one person in five on the caseload has had an episode in the last year, a few are in
one now (day N of 42), and a few are planned past six weeks with a reason.

How episodes end is shaped on the NHS Benchmarking Network's National Audit of
Intermediate Care (reablement services): about half of people leave needing no
ongoing care, most of the rest need less (or the same) care, and a minority go back
into hospital, move into a care home, die, or stop reablement themselves. At the
91-day check, ASCOF measure 2B(1) has found about four in five people aged 65 and
over who left hospital into reablement still at home in recent years (NHS England's
Adult Social Care Outcomes Framework, around 82%); FOLLOW_UP gives roughly that,
and is never "at home" for someone who died or moved into a care home.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from app.demo.common import Row, new_id
from app.demo.subject import Episode, Subject
from app.values.vocab import FollowUpResult as F
from app.values.vocab import ReablementOutcome as O
from storage.tables.outcomes import FOLLOW_UP_DAYS, REABLEMENT_DAYS

OUTCOMES: Final = (
    (O.INDEPENDENT.value, 45),
    (O.REDUCED_SUPPORT.value, 20),
    (O.ONGOING_SUPPORT.value, 15),
    (O.READMITTED.value, 8),
    (O.RESIDENTIAL_CARE.value, 4),
    (O.DIED.value, 3),
    (O.DECLINED.value, 5),
)
# Outcomes that run the episode to (about) its planned end; the rest stop it early.
COMPLETED: Final = frozenset(
    {O.INDEPENDENT.value, O.REDUCED_SUPPORT.value, O.ONGOING_SUPPORT.value}
)
# Days from start to end by outcome: (fewest, most, most likely).
DURATION: Final[dict[str, tuple[int, int, int]]] = {
    O.INDEPENDENT.value: (12, 42, 32),
    O.REDUCED_SUPPORT.value: (21, 42, 38),
    O.ONGOING_SUPPORT.value: (21, 42, 41),
    O.READMITTED.value: (2, 30, 10),
    O.RESIDENTIAL_CARE.value: (7, 40, 20),
    O.DIED.value: (3, 40, 15),
    O.DECLINED.value: (1, 14, 4),
}
# Where the person was at day 91, by how the episode ended.
FOLLOW_UP: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    O.INDEPENDENT.value: (
        (F.AT_HOME.value, 93),
        (F.IN_HOSPITAL.value, 3),
        (F.RESIDENTIAL_CARE.value, 1),
        (F.DIED.value, 1),
        (F.NOT_KNOWN.value, 2),
    ),
    O.REDUCED_SUPPORT.value: (
        (F.AT_HOME.value, 88),
        (F.IN_HOSPITAL.value, 5),
        (F.RESIDENTIAL_CARE.value, 2),
        (F.DIED.value, 3),
        (F.NOT_KNOWN.value, 2),
    ),
    O.ONGOING_SUPPORT.value: (
        (F.AT_HOME.value, 78),
        (F.IN_HOSPITAL.value, 8),
        (F.RESIDENTIAL_CARE.value, 5),
        (F.DIED.value, 6),
        (F.NOT_KNOWN.value, 3),
    ),
    O.READMITTED.value: (
        (F.AT_HOME.value, 45),
        (F.IN_HOSPITAL.value, 25),
        (F.RESIDENTIAL_CARE.value, 12),
        (F.DIED.value, 13),
        (F.NOT_KNOWN.value, 5),
    ),
    O.RESIDENTIAL_CARE.value: ((F.RESIDENTIAL_CARE.value, 85), (F.DIED.value, 15)),
    O.DIED.value: ((F.DIED.value, 1),),
    O.DECLINED.value: (
        (F.AT_HOME.value, 72),
        (F.IN_HOSPITAL.value, 10),
        (F.RESIDENTIAL_CARE.value, 5),
        (F.DIED.value, 5),
        (F.NOT_KNOWN.value, 8),
    ),
}
LONGER_REASONS: Final = (
    "Broken hip: not to put weight on the leg for the first two weeks",
    "Waiting for a package of home care to start",
    "Stroke: the therapy goals need longer than six weeks",
    "Waiting for the stairlift to be fitted",
    "Husband in hospital: more support until he is home",
)
LONGER_CHANCE: Final = 0.07
SHORTER_CHANCE: Final = 0.1
# Of the people who joined in the last 13 months or so, how many came straight into
# reablement; of everyone else, how many had an episode later (a fall or an admission
# while on the caseload), and how many had one long ago when they joined.
AT_JOINING: Final = 0.38
LATER: Final = 0.1
LONG_AGO: Final = 0.05
RECENT_DAYS: Final = 400
YOUNGER_WEIGHT: Final = 0.2  # working-age adults: one in five as often


def decide(rng: random.Random, s: Subject, as_of: date) -> tuple[Episode, bool] | None:
    """The person's reablement episode, if any, and whether it began when they joined
    (home from hospital or after a fall, referred straight into reablement)."""
    if s.group not in ("older", "adult") or s.known_since >= as_of - timedelta(days=2):
        return None
    weight = 1.0 if s.group == "older" else YOUNGER_WEIGHT
    if s.theme_keys & {"mobility", "personal_care"}:
        weight *= 1.3
    known = (as_of - s.known_since).days
    at_joining = rng.random() < weight * (AT_JOINING if known <= RECENT_DAYS else LONG_AGO)
    if at_joining:
        start = s.known_since
    elif rng.random() < weight * LATER:
        low = max(s.known_since + timedelta(days=60), as_of - timedelta(days=365))
        room = (as_of - timedelta(days=1) - low).days
        if room < 0:
            return None
        start = low + timedelta(days=rng.randrange(room + 1))
    else:
        return None
    from_hospital = rng.random() < (0.8 if at_joining else 0.65)
    discharged = start - timedelta(days=rng.choices((0, 1, 2), (60, 35, 5))[0])
    return _episode(rng, start, discharged if from_hospital else None, as_of), at_joining


def in_progress(rng: random.Random, s: Subject, as_of: date, *, longer: bool) -> Episode | None:
    """An episode going on today (day N of its six weeks), for an older person known to
    the team a while: so even a small demo shows one (app.demo.story asks for a few)."""
    if s.group != "older" or not s.open or (as_of - s.known_since).days < 120:
        return None
    start = as_of - timedelta(days=rng.randrange(1, 36))
    discharged = start - timedelta(days=rng.choice((0, 0, 1)))
    return _episode(rng, start, discharged, as_of, ongoing=True, longer=longer)


def _episode(
    rng: random.Random,
    start: date,
    discharged: date | None,
    as_of: date,
    *,
    ongoing: bool = False,
    longer: bool = False,
) -> Episode:
    outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    planned, reason = REABLEMENT_DAYS, None
    if longer or rng.random() < LONGER_CHANCE:
        planned, reason = rng.choice((49, 56, 63)), rng.choice(LONGER_REASONS)
    elif rng.random() < SHORTER_CHANCE:
        planned = rng.choice((21, 28, 35))
    low, high, mode = DURATION[outcome]
    if outcome in COMPLETED:
        # Run to about the planned end (a longer plan runs longer).
        high = planned
        low, mode = min(low, planned), min(mode, planned)
    ended: date | None = start + timedelta(days=round(rng.triangular(low, high, mode)))
    result: str | None = outcome
    if ongoing or (ended is not None and ended >= as_of):
        ended, result = None, None  # still going on the demo's day
    e = Episode(
        id=new_id(rng),
        started_on=start,
        planned_end_on=start + timedelta(days=planned),
        longer_reason=reason,
        discharged_on=discharged,
        ended_on=ended,
        outcome=result,
    )
    if ended is not None and result is not None:
        counted = discharged or start
        check = counted + timedelta(days=FOLLOW_UP_DAYS + rng.randrange(15))
        if check < as_of:
            table = FOLLOW_UP[result]
            e.follow_up_on = check
            e.follow_up_result = rng.choices([r for r, _ in table], [w for _, w in table])[0]
    return e


def episode_row(s: Subject, e: Episode) -> Row:
    return {
        "id": e.id,
        "person_id": s.id,
        "started_on": e.started_on,
        "planned_end_on": e.planned_end_on,
        "longer_reason": e.longer_reason,
        "discharged_on": e.discharged_on,
        "ended_on": e.ended_on,
        "outcome": e.outcome,
        "follow_up_on": e.follow_up_on,
        "follow_up_result": e.follow_up_result,
    }
