"""Two neighbouring teams, their staff and two people with restricted content
(synthetic people only), and signing in as any of the staff.

| person | team  | lead            | restricted content |
|--------|-------|-----------------|--------------------|
| Zoë    | north | Sol (social wkr)| key safe code, safeguarding detail, a sensitive note by Sol |
| Alun   | south | Nell (nurse)    | key safe code, a sensitive note by Nell |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.services import clock
from app.services.record.people import find
from app.workspace import Workspace, open_workspace
from storage import settings
from storage.tables import Alert, ContactNote, StaffMember, Team
from tests.conftest import ALUN, ZOE

KEY_SAFE = "KEYSAFE 4321"
SAFEGUARDING = "Section 42 enquiry open: nephew controls her money"
SENSITIVE = "She told me in confidence about her son's prison sentence"
ALUN_KEY_SAFE = "KEYSAFE 8765"
ALUN_SENSITIVE = "Alun disclosed a past overdose"
ROUTINE = "Routine visit, all well"


# Who sees what of Zoë's restricted content: (staff, key safe code, safeguarding
# detail, Sol's sensitive note), as the access policy decides it.
ROLE_SEES = (
    ("sid", False, False, False),
    ("nia", True, False, False),
    ("otto", True, False, False),
    ("sol", True, True, True),
    ("cora", False, True, False),
    ("ivy", False, True, False),
)
ROLE_SEES_FIELDS = ("who", "key_safe", "safeguarding", "sensitive")


@dataclass(frozen=True)
class Scene:
    north: str
    south: str
    staff: dict[str, str]  # short name -> staff id
    zoe: str
    alun: str


STAFF = (
    ("nia", "Nia Nurse", "community_nurse", "north"),
    ("sol", "Sol Social", "social_worker", "north"),
    ("sid", "Sid Support", "support_worker", "north"),
    ("cora", "Cora Coord", "coordinator", "north"),
    ("ivy", "Ivy Gov", "ig_lead", "north"),
    ("adam", "Adam Admin", "administrator", None),
    ("nell", "Nell South", "community_nurse", "south"),
    ("otto", "Otto Therapist", "occupational_therapist", "north"),
)


def build_scene(ws: Workspace) -> Scene:
    """`ws` is a populated workspace (Zoë and Alun registered)."""
    with ws.store.write(ws.actor) as s:
        north, south = Team(name="North Dales"), Team(name="South Dales")
        s.add_all([north, south])
        s.flush()
        teams = {"north": north.id, "south": south.id, None: None}
        staff: dict[str, str] = {}
        for key, name, role, team in STAFF:
            member = StaffMember(display_name=name, role=role, team_id=teams[team])
            s.add(member)
            s.flush()
            staff[key] = member.id
        zoe, alun = find(s, ZOE), find(s, ALUN)
        zoe.team_id, zoe.lead_professional_id = north.id, staff["sol"]
        alun.team_id, alun.lead_professional_id = south.id, staff["nell"]
        now = clock.now()
        s.add_all(
            [
                Alert(
                    person_id=zoe.id,
                    kind="access_to_home",
                    summary="Key safe by the door",
                    restricted_detail=KEY_SAFE,
                ),
                Alert(
                    person_id=zoe.id,
                    kind="safeguarding",
                    summary="Safeguarding concern",
                    restricted_detail=SAFEGUARDING,
                ),
                Alert(
                    person_id=alun.id,
                    kind="access_to_home",
                    summary="Key safe",
                    restricted_detail=ALUN_KEY_SAFE,
                ),
                ContactNote(
                    person_id=zoe.id,
                    contact_type="home_visit",
                    narrative=SENSITIVE,
                    occurred_at=now - timedelta(days=2),
                    author_id=staff["sol"],
                    author_role="social_worker",
                    sensitive=True,
                ),
                ContactNote(
                    person_id=zoe.id,
                    contact_type="home_visit",
                    narrative=ROUTINE,
                    occurred_at=now - timedelta(days=1),
                    author_id=staff["nia"],
                    author_role="community_nurse",
                ),
                ContactNote(
                    person_id=alun.id,
                    contact_type="home_visit",
                    narrative=ALUN_SENSITIVE,
                    occurred_at=now - timedelta(days=1),
                    author_id=staff["nell"],
                    author_role="community_nurse",
                    sensitive=True,
                ),
            ]
        )
        scene = Scene(north.id, south.id, staff, zoe.id, alun.id)
    return scene


def sign_in(ws: Workspace, scene: Scene, who: str) -> Workspace:
    """The same unlocked store, signed in as another member of staff."""
    with ws.store.write(ws.actor) as s:
        settings.put(s, settings.SIGNED_IN_USER, scene.staff[who])
    return open_workspace(ws.store)
