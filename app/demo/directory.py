"""The first demo transaction's content: localities, partner organisations,
the locality team and the staff who write in the record."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from app.demo import names, places
from app.demo.common import Row, freephone, landline, mobile, new_id
from app.values.vocab import PRACTITIONER_ROLES


@dataclass(frozen=True)
class Org:
    id: str
    key: str
    name: str
    kind: str
    phone: str
    out_of_hours_phone: str | None


@dataclass(frozen=True)
class Staff:
    id: str
    name: str
    role: str
    job_title: str
    org: Org
    phone: str
    in_team: bool


@dataclass(frozen=True)
class Town:
    locality_id: str
    name: str
    district: str


@dataclass(frozen=True)
class GpPractice:
    org: Org
    doctors: tuple[str, ...]


@dataclass
class Directory:
    orgs: dict[str, Org]
    towns: list[Town]
    gp_practices: list[GpPractice]
    team_id: str
    team_name: str
    team_phone: str
    staff: list[Staff]
    nurse: Staff
    rows: dict[str, list[Row]] = field(default_factory=dict)

    def by_role(self, role: str, *, team_only: bool = True) -> list[Staff]:
        return [s for s in self.staff if s.role == role and (s.in_team or not team_only)]

    def by_title(self, job_title: str) -> Staff:
        return next(s for s in self.staff if s.job_title == job_title)

    @property
    def team(self) -> list[Staff]:
        return [s for s in self.staff if s.in_team]

    @property
    def practitioners(self) -> list[Staff]:
        """The team's staff who visit and lead people (not the coordinator or IG lead)."""
        roles = {r.value for r in PRACTITIONER_ROLES}
        return [s for s in self.team if s.role in roles]


def build_directory(rng: random.Random, *, trust_id: str, nurse_id: str) -> Directory:
    """Everything the caseload refers to; ids for the trust and signed-in nurse are given."""
    group = rng.choice(places.LOCALITY_GROUPS)
    locality_rows: list[Row] = []
    towns: list[Town] = []
    for locality in group:
        pairs = places.LOCALITIES[locality]
        lid = new_id(rng)
        districts = sorted({d for _, d in pairs})
        locality_rows.append(
            {"id": lid, "name": locality, "postcode_districts": " ".join(districts)}
        )
        towns.extend(Town(lid, town, district) for town, district in pairs)

    orgs: dict[str, Org] = {}
    for spec in places.ORGANISATIONS:
        oid = trust_id if spec.key == "trust" else new_id(rng)
        if spec.key == "telecare":
            number = freephone(rng)
            ooh: str | None = number  # one number, answered 24 hours a day
        else:
            number = landline(rng)
            ooh = landline(rng) if spec.out_of_hours else None
        orgs[spec.key] = Org(oid, spec.key, spec.name, spec.kind, number, ooh)
    org_rows: list[Row] = [
        {
            "id": o.id,
            "name": o.name,
            "ods_code": spec.ods_code,
            "kind": o.kind,
            "phone": o.phone,
            "out_of_hours_phone": o.out_of_hours_phone,
        }
        for spec, o in zip(places.ORGANISATIONS, orgs.values(), strict=True)
    ]

    gps = [
        GpPractice(orgs[key], tuple(_doctor(rng, s) for s in rng.sample(places.GP_SURNAMES, 3)))
        for key in places.GP_KEYS
    ]

    team_id = new_id(rng)
    team_name = f"{group[0]} Integrated Care Team"
    team_phone = landline(rng)
    team_row: Row = {
        "id": team_id,
        "name": team_name,
        "locality_id": locality_rows[0]["id"],
        "organisation_id": trust_id,
        "phone": team_phone,
    }

    staff: list[Staff] = []
    seen: set[str] = set()
    for i, member in enumerate(places.TEAM + places.PARTNERS):
        name = names.staff_name(rng, rng.choice(("female", "female", "male")))
        while name in seen:
            name = names.staff_name(rng, rng.choice(("female", "male")))
        seen.add(name)
        sid = nurse_id if i == 0 else new_id(rng)
        staff.append(
            Staff(
                sid,
                name,
                member.role,
                member.job_title,
                orgs[member.org_key],
                mobile(rng),
                member.in_team,
            )
        )
    staff_rows: list[Row] = [
        {
            "id": s.id,
            "display_name": s.name,
            "role": s.role,
            "job_title": s.job_title,
            "organisation_id": s.org.id,
            "team_id": team_id if s.in_team else None,
            "phone": s.phone,
            "active": True,
        }
        for s in staff
    ]
    return Directory(
        orgs=orgs,
        towns=towns,
        gp_practices=gps,
        team_id=team_id,
        team_name=team_name,
        team_phone=team_phone,
        staff=staff,
        nurse=staff[0],
        rows={
            "organisation": org_rows,
            "locality": locality_rows,
            "team": [team_row],
            "staff_member": staff_rows,
        },
    )


def _doctor(rng: random.Random, surname: str) -> str:
    first = names.given(rng, names.origin(rng), "adult", rng.choice(("female", "male")))
    return f"Dr {first} {surname}"
