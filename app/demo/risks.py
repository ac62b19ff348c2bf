"""Shared risk management, the alerts shown first on opening a record, and the
contingency plan (what to do, and whom to call, when things go wrong)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from app.demo.common import Row, new_id
from app.demo.directory import Directory
from app.demo.safety import ALERTS, COMMON_RISKS, CONTINGENCY, EQUIPMENT, RISKS
from app.demo.subject import Subject
from app.values.vocab import AlertKind

# alert kind -> chance per group (older, adult, teen, baby)
ALERT_CHANCE: Final[dict[str, tuple[float, float, float, float]]] = {
    AlertKind.ANIMAL.value: (0.15, 0.12, 0.1, 0.1),
    AlertKind.ACCESS_TO_HOME.value: (0.35, 0.1, 0.0, 0.0),
    AlertKind.DNACPR.value: (0.1, 0.01, 0.0, 0.0),
    AlertKind.RESPECT.value: (0.1, 0.02, 0.0, 0.0),
    AlertKind.LONE_WORKER.value: (0.04, 0.06, 0.03, 0.05),
    AlertKind.ALLERGY.value: (0.15, 0.1, 0.06, 0.02),
    AlertKind.SAFEGUARDING.value: (0.025, 0.04, 0.05, 0.06),
}
GROUP_INDEX: Final = {"older": 0, "adult": 1, "teen": 2, "baby": 3}

# How a person's highest active risk (likelihood x impact, banded as the printed plan
# bands it: high from 15, medium from 8) spreads over a community caseload. Most people
# on a locality team's books are at low risk on any day, some medium, few high: we aim
# for about 60/30/10 overall, the high ones mostly at the specialist level of need
# (weights per level below; with the demo's 15/45/40 mix of levels that gives roughly
# 60% low, 30% medium and 10% high). Drawing likelihood and impact independently, as
# the demo once did, put over half the caseload in the red band.
BAND_BY_LEVEL: Final[dict[str, tuple[int, int, int]]] = {
    "universal": (85, 13, 2),
    "targeted": (65, 28, 7),
    "specialist": (45, 38, 17),
}
BANDS: Final = ("low", "medium", "high")
# (likelihood 1-5, impact 2-5) pairs in each band.
PAIRS: Final[dict[str, tuple[tuple[int, int], ...]]] = {
    "low": ((1, 2), (1, 3), (1, 4), (1, 5), (2, 2), (2, 3), (3, 2)),
    "medium": ((2, 4), (2, 5), (3, 3), (3, 4), (4, 2), (4, 3), (5, 2)),
    "high": ((3, 5), (4, 4), (4, 5), (5, 3), (5, 4), (5, 5)),
}


def risk_and_alert_rows(
    rng: random.Random, s: Subject, d: Directory, as_of: date, batch: dict[str, list[Row]]
) -> None:
    fill = {"name": s.preferred, "carer": s.carer_or_family}
    kinds = [k for t in s.themes for k in t.risks]
    if s.group in ("older", "adult"):
        kinds.append(rng.choice(COMMON_RISKS))
    if s.group == "older" and rng.random() < 0.5:
        kinds.append("falls")
    if s.carer_first and rng.random() < 0.2:
        kinds.append("carer_breakdown")
    owners = d.practitioners
    band = BANDS.index(rng.choices(BANDS, BAND_BY_LEVEL[s.level])[0])
    for n, kind in enumerate(dict.fromkeys(kinds)):
        description, mitigation = rng.choice(RISKS[kind])
        started = s.known_since + timedelta(days=rng.randrange(0, 60))
        # The first risk sets the person's band and stays open; the others are no higher.
        likelihood, impact = rng.choice(PAIRS[BANDS[band if n == 0 else rng.randrange(band + 1)]])
        closed = n > 0 and rng.random() < 0.12 and started < as_of - timedelta(days=30)
        batch["risk"].append(
            {
                "id": new_id(rng),
                "person_id": s.id,
                "kind": kind,
                "description": description.format(**fill),
                "likelihood": likelihood,
                "impact": impact,
                "mitigation": mitigation.format(**fill),
                "owner_id": (s.lead or rng.choice(owners)).id,
                "review_on": as_of + timedelta(days=rng.randrange(-20, 90)),
                "status": "closed" if closed else "active",
                "started_on": min(started, as_of),
                "ended_on": as_of - timedelta(days=rng.randrange(1, 30)) if closed else None,
            }
        )
    g = GROUP_INDEX[s.group]
    oxygen = any(t.key == "breathing" for t in s.themes) and rng.random() < 0.6
    for kind, chances in ALERT_CHANCE.items():
        if rng.random() < chances[g]:
            _alert(rng, s, kind, as_of, batch)
    if oxygen:
        _alert(rng, s, AlertKind.OXYGEN.value, as_of, batch)
    _contingency(rng, s, d, as_of, batch)


def _alert(
    rng: random.Random, s: Subject, kind: str, as_of: date, batch: dict[str, list[Row]]
) -> None:
    summary, detail = rng.choice(ALERTS[kind])
    code = f"{rng.randrange(10000):04d}"
    s.alert_kinds.add(kind)
    batch["alert"].append(
        {
            "id": new_id(rng),
            "person_id": s.id,
            "kind": kind,
            "summary": summary.format(name=s.preferred),
            "restricted_detail": detail.format(code=code) if detail else None,
            "active": True,
            "started_on": max(s.known_since, as_of - timedelta(days=rng.randrange(0, 900))),
            "ended_on": None,
        }
    )


def _contingency(
    rng: random.Random, s: Subject, d: Directory, as_of: date, batch: dict[str, list[Row]]
) -> None:
    keys = {t.key for t in s.themes}
    wanted = [
        k
        for k, themes in (
            ("breathing", {"breathing"}),
            ("hypo", {"diabetes", "type1"}),
            ("end_of_life", {"end_of_life"}),
            ("crisis", {"mental_health"}),
        )
        if keys & themes
    ]
    if s.group == "older":
        wanted.append("fall")
    if s.carer_first:
        wanted.append("carer")
    if not wanted or rng.random() < 0.08:
        return
    fill = {
        "carer": s.carer_or_family,
        "telecare": d.orgs["telecare"].phone,
        "team": d.team_phone,
        "ooh": d.orgs["trust"].out_of_hours_phone or "",
        "edt": d.orgs["council"].out_of_hours_phone or "",
        "crisis": d.orgs["mental_health"].out_of_hours_phone or "",
        "name": s.preferred,
    }
    for key in wanted[: rng.choice((1, 1, 2))]:
        name, trigger, what, who, signs = CONTINGENCY[key]
        batch["contingency_plan"].append(
            {
                "id": new_id(rng),
                "person_id": s.id,
                "name": name.format(**fill),
                "trigger": trigger.format(**fill),
                "what_should_happen": what.format(**fill),
                "who_to_contact": who.format(**fill),
                "early_warning_signs": signs.format(**fill) if signs else None,
                "anticipatory_medicines_equipment": EQUIPMENT.get(key),
                "review_on": as_of + timedelta(days=rng.randrange(-20, 150)),
            }
        )
