"""Where the demo team works: localities, postcode districts, fictional streets,
partner organisations and the shape of the locality team."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from app.values.vocab import OrganisationKind, Role

# locality -> (town, postcode district) pairs. Real places, made-up streets.
LOCALITIES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "Craven": (
        ("Skipton", "BD23"),
        ("Gargrave", "BD23"),
        ("Grassington", "BD23"),
        ("Settle", "BD24"),
        ("Giggleswick", "BD24"),
        ("Bentham", "LA2"),
    ),
    "Hambleton": (
        ("Northallerton", "DL6"),
        ("Brompton", "DL6"),
        ("Thirsk", "YO7"),
        ("Bedale", "DL8"),
        ("Stokesley", "TS9"),
        ("Easingwold", "YO61"),
    ),
    "Richmondshire": (
        ("Richmond", "DL10"),
        ("Catterick Garrison", "DL9"),
        ("Leyburn", "DL8"),
        ("Hawes", "DL8"),
        ("Reeth", "DL11"),
    ),
    "Whitby": (
        ("Whitby", "YO21"),
        ("Sleights", "YO22"),
        ("Robin Hood's Bay", "YO22"),
        ("Sandsend", "YO21"),
        ("Egton", "YO21"),
    ),
    "Ryedale": (
        ("Malton", "YO17"),
        ("Norton", "YO17"),
        ("Pickering", "YO18"),
        ("Helmsley", "YO62"),
        ("Kirkbymoorside", "YO62"),
    ),
    "Harrogate rural": (
        ("Pateley Bridge", "HG3"),
        ("Masham", "HG4"),
        ("Boroughbridge", "YO51"),
        ("Ripley", "HG3"),
    ),
}

# Neighbouring localities one team could plausibly cover.
LOCALITY_GROUPS: Final[tuple[tuple[str, ...], ...]] = (
    ("Richmondshire", "Hambleton"),
    ("Whitby", "Ryedale"),
    ("Craven", "Harrogate rural"),
    ("Hambleton", "Ryedale", "Richmondshire"),
    ("Ryedale", "Whitby", "Hambleton"),
)

STREETS: Final[tuple[str, ...]] = (
    "Beck Lane",
    "Fellside",
    "Mill Close",
    "Chapel Row",
    "Low Green",
    "Church View",
    "Moor Lane",
    "Back Lane",
    "Quarry Rise",
    "Sheepfold Close",
    "Abbey Walk",
    "Ghyll Road",
    "Tenter Garth",
    "Raikes Road",
    "Swaledale View",
    "Ings Lane",
    "Manor Croft",
    "Station Terrace",
    "Lime Kiln Way",
    "Pinfold Court",
    "Dale View",
    "Jubilee Cottages",
    "St Hilda's Terrace",
    "Cross Lane",
    "Nursery Gardens",
    "Willow Garth",
    "Bridge End",
    "Kiln Hill",
    "Hallgarth",
    "Coronation Avenue",
)
HOUSE_NAMES: Final[tuple[str, ...]] = (
    "Rose Cottage",
    "Beck House",
    "The Old Forge",
    "Fern Lea",
    "Hillcrest",
    "Ivy Cottage",
    "Low Barn",
    "Moorview",
    "Swallow Barn",
    "Brook Cottage",
)
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def postcode(rng: random.Random, district: str) -> str:
    """Postcode-shaped (district, sector, unit); not chosen to be a real address."""
    unit = rng.choice(_UNIT_LETTERS) + rng.choice(_UNIT_LETTERS)
    return f"{district} {rng.randrange(1, 10)}{unit}"


def address_line(rng: random.Random) -> tuple[str, str | None]:
    """(line 1, line 2): a numbered street, a named house or a flat."""
    roll = rng.random()
    street = rng.choice(STREETS)
    if roll < 0.65:
        return f"{rng.randrange(1, 80)} {street}", None
    if roll < 0.85:
        return rng.choice(HOUSE_NAMES), street
    return f"Flat {rng.randrange(1, 12)}, {rng.choice(('Dale', 'Abbey', 'Fell'))} Court", street


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    kind: str
    ods_code: str | None
    out_of_hours: bool = False


# Fictional names; ODS-style codes chosen to look right, not to match a real body.
ORGANISATIONS: Final[tuple[OrgSpec, ...]] = (
    OrgSpec(
        "council",
        "North Dales Council Adult Social Care",
        OrganisationKind.COUNCIL.value,
        "X9N01",
        out_of_hours=True,
    ),
    OrgSpec(
        "trust",
        "Dales and Moors Community Health NHS Trust",
        OrganisationKind.COMMUNITY_TRUST.value,
        "R9D",
        out_of_hours=True,
    ),
    OrgSpec("gp1", "Fellside Medical Practice", OrganisationKind.GP_PRACTICE.value, "B82991"),
    OrgSpec("gp2", "Beckside Surgery", OrganisationKind.GP_PRACTICE.value, "B82994"),
    OrgSpec("gp3", "Three Dales Health Centre", OrganisationKind.GP_PRACTICE.value, "Y09987"),
    OrgSpec("voluntary", "Fell and Beck Community Action", OrganisationKind.VOLUNTARY.value, None),
    OrgSpec(
        "telecare",
        "Carephone Telecare and Mobile Response",
        OrganisationKind.TELECARE.value,
        None,
        out_of_hours=True,
    ),
    OrgSpec(
        "mental_health",
        "Moors and Vale Mental Health NHS Foundation Trust",
        OrganisationKind.MENTAL_HEALTH_TRUST.value,
        "R9Q",
        out_of_hours=True,
    ),
)
GP_KEYS: Final[tuple[str, ...]] = ("gp1", "gp2", "gp3")


@dataclass(frozen=True)
class StaffSpec:
    role: str
    job_title: str
    org_key: str
    in_team: bool = True


SIGNED_IN_NURSE: Final = StaffSpec(Role.COMMUNITY_NURSE.value, "District nurse", "trust")

# The locality team (the district nurse, the demo's default user, first), then
# partners' staff who write in the record but belong to no locality team.
TEAM: Final[tuple[StaffSpec, ...]] = (
    SIGNED_IN_NURSE,
    StaffSpec(Role.COMMUNITY_NURSE.value, "Community staff nurse", "trust"),
    StaffSpec(Role.COMMUNITY_NURSE.value, "Community staff nurse", "trust"),
    StaffSpec(Role.COMMUNITY_NURSE.value, "Community matron", "trust"),
    StaffSpec(Role.SOCIAL_WORKER.value, "Social worker", "council"),
    StaffSpec(Role.OCCUPATIONAL_THERAPIST.value, "Occupational therapist", "council"),
    StaffSpec(Role.PHYSIOTHERAPIST.value, "Community physiotherapist", "trust"),
    StaffSpec(Role.SUPPORT_WORKER.value, "Reablement support worker", "council"),
    StaffSpec(Role.SUPPORT_WORKER.value, "Reablement support worker", "council"),
    StaffSpec(Role.SUPPORT_WORKER.value, "Reablement support worker", "council"),
    StaffSpec(Role.SUPPORT_WORKER.value, "Community connector", "voluntary"),
    StaffSpec(Role.COORDINATOR.value, "Integrated care coordinator", "trust"),
    # Not a practitioner: reads the team's access reports (the demo's IG lead seat).
    StaffSpec(Role.IG_LEAD.value, "Information governance lead", "trust"),
)
PARTNERS: Final[tuple[StaffSpec, ...]] = (
    StaffSpec(Role.SUPPORT_WORKER.value, "Mobile response officer", "telecare", False),
    StaffSpec(Role.COMMUNITY_NURSE.value, "Community mental health nurse", "mental_health", False),
    StaffSpec(Role.COMMUNITY_NURSE.value, "Practice nurse", "gp1", False),
    StaffSpec(Role.COMMUNITY_NURSE.value, "Out-of-hours district nurse", "trust", False),
    StaffSpec(Role.SUPPORT_WORKER.value, "Befriending coordinator", "voluntary", False),
)

GP_SURNAMES: Final[tuple[str, ...]] = (
    "Mistry",
    "Harker",
    "O'Connell",
    "Ferguson",
    "Horváth",
    "Adeyemi",
    "Lund",
    "Chaudhry",
    "Pritchard",
)
