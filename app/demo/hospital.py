"""Hospital and urgent care in a demo person's history: unplanned admissions (each
with its discharge), and A&E attendances that sent the person home.

Most people on a community caseload have none in a year; frail older people have
more (emergency admissions rise steeply with age and frailty: NHS Digital's Hospital
Episode Statistics put people over 75 at roughly 0.4 emergency admissions a year,
and a community team's specialist-level caseload well above that). The year before
someone joins the caseload is busier than the time after (AFTER_FACTOR), and it often
holds the admission that brought them to the team (app.demo.story): admissions per
1,000 days fall by about half after joining, much of it that one admission, as real
before-and-after comparisons find (regression to the mean, not only the team's work).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from app.demo.common import Row, new_id
from app.demo.subject import Subject
from app.values.vocab import HospitalEventKind

ADMISSION = HospitalEventKind.UNPLANNED_ADMISSION.value
AE = HospitalEventKind.AE_ATTENDANCE.value
DISCHARGE = HospitalEventKind.DISCHARGE.value

# Locality -> (the district general hospital, the larger one further off). Made up.
HOSPITALS: Final[dict[str, tuple[str, str]]] = {
    "Craven": ("Aire Valley General Hospital", "Wharfedale University Hospital"),
    "Hambleton": ("Vale of Mowbray Hospital", "Teesmouth University Hospital"),
    "Richmondshire": ("Swaledale General Hospital", "Teesmouth University Hospital"),
    "Whitby": ("Esk Valley Hospital", "North Bay General Hospital"),
    "Ryedale": ("Derwent Valley Hospital", "Ouse University Hospital"),
    "Harrogate rural": ("Nidderdale District Hospital", "Ouse University Hospital"),
}
FALLBACK_HOSPITALS: Final = ("Dales General Hospital", "Moorside University Hospital")

# Why someone was admitted: the common reasons older people come into hospital in an
# emergency; a theme of the person's plan adds its own.
ADMIT_REASONS: Final = (
    "Fall at home; fractured wrist",
    "Chest infection",
    "Urinary tract infection and new confusion",
    "Dehydration after a diarrhoea and vomiting bug",
    "Cellulitis of the leg",
    "Heart failure: more breathless, ankles swollen",
    "Fall at home; long lie before being found",
)
# Falls and the like that usually bring someone home into reablement.
REABLEMENT_REASONS: Final = (
    "Fractured hip after a fall; hip replacement",
    "Fall at home; fractured pelvis, managed without surgery",
    "Chest infection; deconditioned after two weeks in bed",
    "Urinary tract infection and delirium; now settled",
    "Stroke: weakness of the right arm and leg",
    "Fall at home; long lie before being found",
)
THEME_REASONS: Final[dict[str, str]] = {
    "breathing": "COPD flare-up: antibiotics and steroids, oxygen on the ward",
    "diabetes": "Hypoglycaemia: found drowsy by the carers",
    "skin": "Infected leg ulcer: intravenous antibiotics",
    "end_of_life": "Uncontrolled pain: symptoms brought under control",
    "memory": "Delirium with a urinary tract infection",
    "type1": "Diabetic ketoacidosis",
    "feeding": "Poor feeding and weight loss: admitted for feeding support",
}
YOUNG_REASONS: Final[dict[str, tuple[str, ...]]] = {
    "baby": ("Bronchiolitis: oxygen and tube feeds", "High temperature: observed overnight"),
    "teen": ("Asthma attack", "Appendicitis"),
    "adult": ("Chest infection", "Seizure: observed and medicines reviewed", "Cellulitis"),
}
AE_REASONS: Final[dict[str, tuple[str, ...]]] = {
    "older": (
        "Fall at home; no injury found, home the same day",
        "Chest pain; heart tests normal, home with GP follow-up",
        "Skin tear on the shin: dressed, district nurse to follow up",
        "Pendant alarm after a fall: checked and sent home",
        "Blocked catheter: changed in A&E",
    ),
    "adult": ("Cut to the hand: glued", "Chest pain; tests normal", "Ankle sprain"),
    "teen": ("Sports injury: wrist X-ray normal", "Head injury: observed, home"),
    "baby": ("High temperature: checked and home", "Bumped head: observed, home"),
}
# Admissions a year in the year before joining, by level of need (older people); the
# year after is lower by AFTER_FACTOR. A&E visits that send people home run at
# AE_FACTOR times the admissions.
OLDER_RATE: Final = {"universal": 0.1, "targeted": 0.2, "specialist": 0.4}
YOUNGER_RATE: Final = {"adult": 0.1, "teen": 0.05, "baby": 0.1}
AE_FACTOR: Final = {"older": 0.7, "adult": 1.0, "teen": 1.5, "baby": 2.0}
AFTER_FACTOR: Final = 0.7
BEFORE_DAYS: Final = 365
# Recorded twice, or against the wrong person: kept, marked, and counted nowhere.
IN_ERROR_CHANCE: Final = 0.02  # of the people with an A&E visit


@dataclass
class HospitalHistory:
    """One person's events, kept free of overlaps: no A&E visit or admission while
    they are already in a ward or a reablement episode."""

    s: Subject
    hospital: str
    rows: list[Row] = field(default_factory=list)
    busy: list[tuple[date, date]] = field(default_factory=list)

    def free(self, start: date, end: date) -> bool:
        return all(end < a or start > b for a, b in self.busy)

    def event(self, rng: random.Random, kind: str, on: date, detail: str | None) -> None:
        self.rows.append(
            {
                "id": new_id(rng),
                "person_id": self.s.id,
                "kind": kind,
                "occurred_on": on,
                "hospital": self.hospital,
                "detail": detail,
                "entered_in_error": False,
            }
        )

    def stay(
        self, rng: random.Random, admitted: date, discharged: date | None, reason: str
    ) -> None:
        """An admission and, unless they are still in (or died there), its discharge."""
        self.event(rng, ADMISSION, admitted, reason)
        if discharged is not None:
            self.event(rng, DISCHARGE, discharged, "Home with a discharge letter to the GP")
        self.busy.append((admitted, discharged or admitted + timedelta(days=30)))


def length_of_stay(rng: random.Random, s: Subject) -> int:
    """Days in hospital: older people's stays run about a week (median), a long tail."""
    if s.group == "older":
        return max(1, min(45, round(rng.lognormvariate(math.log(6), 0.75))))
    return rng.randrange(1, 6)


def admission_reason(rng: random.Random, s: Subject) -> str:
    themed = [THEME_REASONS[k] for k in s.theme_keys if k in THEME_REASONS]
    if themed and rng.random() < 0.5:
        return rng.choice(themed)
    if s.group != "older":
        return rng.choice(YOUNG_REASONS[s.group])
    return rng.choice(ADMIT_REASONS)


def admission_rate(s: Subject) -> float:
    """Unplanned admissions a year before joining the caseload."""
    if s.group != "older":
        return YOUNGER_RATE[s.group]
    rate = OLDER_RATE[s.level] * (1.3 if s.age >= 85 else 1.0)
    return rate + (0.2 if "breathing" in s.theme_keys else 0.0)


def background(
    rng: random.Random, h: HospitalHistory, joined: date, until: date, *, born: date
) -> None:
    """Admissions and A&E visits by chance, in the year before joining and from joining
    to `until` (the demo's day, or when the case closed), around what is already there."""
    s = h.s
    rate = admission_rate(s)
    windows = (
        (max(born, joined - timedelta(days=BEFORE_DAYS)), joined - timedelta(days=1), rate),
        (joined, until, rate * AFTER_FACTOR),
    )
    for start, end, per_year in windows:
        days = (end - start).days
        if days <= 0:
            continue
        for kind, yearly in ((ADMISSION, per_year), (AE, per_year * AE_FACTOR[s.group])):
            for on in _poisson_days(rng, start, days, yearly):
                if kind == AE:
                    if h.free(on, on):
                        h.event(rng, AE, on, rng.choice(AE_REASONS[s.group]))
                    continue
                home = on + timedelta(days=length_of_stay(rng, s))
                if home <= until and h.free(on - timedelta(days=1), home):
                    h.stay(rng, on, home, admission_reason(rng, s))
    _duplicate_in_error(rng, h)


def _poisson_days(rng: random.Random, start: date, days: int, per_year: float) -> list[date]:
    """Days of events arriving at random at `per_year` over `days` from `start`."""
    found: list[date] = []
    if per_year <= 0:
        return found
    at = rng.expovariate(per_year / 365)
    while at < days:
        found.append(start + timedelta(days=int(at)))
        at += rng.expovariate(per_year / 365)
    return found


def _duplicate_in_error(rng: random.Random, h: HospitalHistory) -> None:
    """An A&E visit typed in twice by mistake, the copy marked as entered in error."""
    visits = [r for r in h.rows if r["kind"] == AE]
    if visits and rng.random() < IN_ERROR_CHANCE:
        copy = dict(rng.choice(visits), id=new_id(rng), entered_in_error=True)
        copy["detail"] = "Entered twice by mistake: see the other entry for this day"
        h.rows.append(copy)
