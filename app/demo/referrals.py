"""How each demo person came to the team: who referred them, why, how urgently and
when. The first referral's day is the day they joined the caseload (the outcome
report's `joined_on`); someone referred again later (home from hospital into
reablement, or after a fall) has a second one."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from app.demo.common import Row, new_id
from app.demo.subject import Subject
from app.values.vocab import ReferralSource as R
from app.values.vocab import ReferralUrgency

URGENT, ROUTINE = ReferralUrgency.URGENT.value, ReferralUrgency.ROUTINE.value
# Who refers people who are not coming straight into reablement, per group.
SOURCES: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    "older": (
        (R.GP.value, 45),
        (R.HOSPITAL_DISCHARGE.value, 12),
        (R.FAMILY.value, 18),
        (R.SELF.value, 5),
        (R.NHS_111.value, 5),
        (R.OTHER_AGENCY.value, 15),
    ),
    "adult": (
        (R.GP.value, 40),
        (R.OTHER_AGENCY.value, 25),
        (R.SELF.value, 15),
        (R.FAMILY.value, 10),
        (R.HOSPITAL_DISCHARGE.value, 10),
    ),
    "teen": (
        (R.OTHER_AGENCY.value, 45),
        (R.GP.value, 35),
        (R.FAMILY.value, 10),
        (R.SELF.value, 10),
    ),
    "baby": ((R.OTHER_AGENCY.value, 55), (R.GP.value, 25), (R.HOSPITAL_DISCHARGE.value, 20)),
}
# After a fall at home (no admission): who calls.
FALL_SOURCES: Final = ((R.GP.value, 40), (R.NHS_111.value, 35), (R.FAMILY.value, 25))
REASONS: Final[dict[str, tuple[str, ...]]] = {
    R.GP.value: (
        "Increasingly frail; struggling at home. Please assess for support",
        "Leg ulcer needing dressings at home",
        "Memory worse; family finding it hard to cope",
        "Long-term conditions review at home: housebound",
    ),
    R.HOSPITAL_DISCHARGE.value: (
        "Home from the ward: district nurse review and support at home",
        "Home from the ward with a new catheter and dressings",
    ),
    R.FAMILY.value: (
        "Family worried: not eating well and not going out",
        "Carer exhausted; asking for help",
    ),
    R.SELF.value: ("Asking for help to stay independent at home",),
    R.NHS_111.value: ("Called 111 after a fall; not injured but frightened",),
    R.OTHER_AGENCY.value: (
        "Fire and rescue safe and well visit: concerns about the home",
        "Housing officer worried about self-neglect",
        "Pharmacist concerned about missed medicines",
    ),
}
YOUNG_REASONS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "teen": (
        ("School nurse", "Young carer struggling at school"),
        ("Children's social care", "Moving to adult services: transition planning"),
    ),
    "baby": (
        ("Health visitor", "Feeding worries and a tired, low mum"),
        ("Community midwife", "New baby: family need extra support"),
    ),
}
OTHER_AGENCY_REFERRERS: Final = (
    "Fire and rescue service",
    "Housing officer",
    "Community pharmacist",
)


def referral_row(
    rng: random.Random,
    s: Subject,
    *,
    source: str,
    received: date,
    reason: str | None = None,
    referrer: str | None = None,
    urgent: bool | None = None,
) -> Row:
    """A referral as the team received it; first contact is due the next day when
    urgent or home from hospital (as the service sets it), else in two weeks or open."""
    if urgent is None:
        urgent = is_urgent(rng, source)
    if source == R.HOSPITAL_DISCHARGE.value or urgent:
        due: date | None = received + timedelta(days=1)
    else:
        due = received + timedelta(days=14) if rng.random() < 0.7 else None
    return {
        "id": new_id(rng),
        "person_id": s.id,
        "source": source,
        "referrer_name": referrer if referrer is not None else _referrer(rng, s, source),
        "reason": reason or _reason(rng, s, source),
        "urgency": URGENT if urgent else ROUTINE,
        "received_on": received,
        "first_contact_due": due,
    }


def is_urgent(rng: random.Random, source: str) -> bool:
    """Home from hospital and NHS 111 are urgent; a few others are."""
    return source in (R.HOSPITAL_DISCHARGE.value, R.NHS_111.value) or rng.random() < 0.15


def first_source(rng: random.Random, s: Subject) -> str:
    table = SOURCES[s.group]
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def fall_source(rng: random.Random) -> str:
    return rng.choices([v for v, _ in FALL_SOURCES], [w for _, w in FALL_SOURCES])[0]


def _referrer(rng: random.Random, s: Subject, source: str) -> str | None:
    if source == R.GP.value:
        return s.doctor
    if source == R.FAMILY.value:
        return f"{s.carer_first} (family)" if s.carer_first else "A relative"
    if source == R.NHS_111.value:
        return "NHS 111"
    if source == R.HOSPITAL_DISCHARGE.value:
        return "Discharge coordinator"
    if source == R.OTHER_AGENCY.value:
        if s.group in YOUNG_REASONS:
            return rng.choice(YOUNG_REASONS[s.group])[0]
        return rng.choice(OTHER_AGENCY_REFERRERS)
    return None  # the person themselves


def _reason(rng: random.Random, s: Subject, source: str) -> str:
    if s.group in YOUNG_REASONS and source in (R.OTHER_AGENCY.value, R.GP.value):
        return rng.choice(YOUNG_REASONS[s.group])[1]
    if s.group == "baby" and source == R.HOSPITAL_DISCHARGE.value:
        return "Home from the neonatal unit: born early; feeding and weight checks"
    if s.group != "older" and source == R.GP.value:
        return "Long-term condition: support to manage at home"
    return rng.choice(REASONS[source])
