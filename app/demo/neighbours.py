"""A neighbouring team in the same locality, so need-to-know and break-glass can be
seen in the demo: about one person in ten belongs to it, led by its own staff.

Built from its own `random.Random` seeded by the home team's id, so adding it
leaves every other demo value as it was, and one seed still gives one caseload.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from app.demo import names
from app.demo.common import Row, mobile
from app.demo.directory import Directory
from app.values.vocab import Role

# One person in EVERY belongs to the neighbouring team (the EVERY-th, 2*EVERY-th, ...).
EVERY = 10
_ROLES = (
    (Role.COMMUNITY_NURSE.value, "District nurse"),
    (Role.SOCIAL_WORKER.value, "Social worker"),
)


@dataclass(frozen=True)
class Neighbours:
    team_id: str
    team_name: str
    staff: tuple[tuple[str, str, str], ...]  # (id, name, job title)


def add_neighbour_team(d: Directory) -> Neighbours:
    """Add the team and its two staff to the directory rows about to be written."""
    rng = random.Random(f"neighbours-{d.team_id}")
    team_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    home = d.rows["team"][0]
    name = f"{d.team_name.removesuffix(' Integrated Care Team')} North Integrated Care Team"
    d.rows["team"].append(
        {
            "id": team_id,
            "name": name,
            "locality_id": home["locality_id"],
            "organisation_id": home["organisation_id"],
            "phone": home["phone"],
        }
    )
    taken = {s.name for s in d.staff}
    staff: list[tuple[str, str, str]] = []
    for role, title in _ROLES:
        person = names.staff_name(rng, rng.choice(("female", "male")))
        while person in taken:
            person = names.staff_name(rng, rng.choice(("female", "male")))
        taken.add(person)
        sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        staff.append((sid, person, title))
        d.rows["staff_member"].append(
            {
                "id": sid,
                "display_name": person,
                "role": role,
                "job_title": title,
                "organisation_id": home["organisation_id"],
                "team_id": team_id,
                "phone": mobile(rng),
                "active": True,
            }
        )
    return Neighbours(team_id, name, tuple(staff))


def hand_over(
    n: Neighbours, batch: dict[str, list[Row]], start: dict[str, int], index: int, signed_in: str
) -> None:
    """Make the person just built (rows from `start`) the neighbouring team's: their
    team, lead professional, visits and key worker, and the reviews and experience
    questions their lead signed, none of them the signed-in user."""
    sid, name, title = n.staff[index % len(n.staff)]
    former = {signed_in}
    for person in batch["person"][start["person"] :]:
        former.add(str(person["lead_professional_id"]))
        person["team_id"] = n.team_id
        person["lead_professional_id"] = sid
    for review in batch["goal_review"][start["goal_review"] :]:
        if review["reviewed_by_id"] in former:
            review["reviewed_by_id"] = sid
    for answer in batch["experience_answer"][start["experience_answer"] :]:
        answer["asked_by_id"] = sid
    for visit in batch["planned_visit"][start["planned_visit"] :]:
        visit["assigned_to_id"] = sid
    for contact in batch["professional_contact"][start["professional_contact"] :]:
        if contact["is_key_worker"] or contact["staff_member_id"] == signed_in:
            contact.update(staff_member_id=sid, name=name, role=title, team=n.team_name)
