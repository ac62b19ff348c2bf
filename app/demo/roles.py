"""The seats the demo can sign in from: one made-up team, seen from each role.

The caseload is built the same whichever role is chosen (the same seed makes the
same team and the same people); the role only decides which of the team's staff
is the profile's signed-in user. Each seat is a job title in the demo's directory
(app.demo.places), so the user is a real member of the team with that role.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final, cast

from app.errors import InvalidInputError
from app.values.vocab import Role

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoSeat:
    role: Role
    job_title: str  # who in the demo team signs in
    sees: str  # one plain line: what this role sees first


DEMO_SEATS: Final[tuple[DemoSeat, ...]] = (
    DemoSeat(
        Role.COMMUNITY_NURSE,
        "District nurse",
        "Today's round of home visits, your own caseload and each person's record.",
    ),
    DemoSeat(
        Role.SOCIAL_WORKER,
        "Social worker",
        "Your caseload, Care Act reviews, carers' assessments and safeguarding detail.",
    ),
    DemoSeat(
        Role.OCCUPATIONAL_THERAPIST,
        "Occupational therapist",
        "Your caseload, equipment and home assessments, and the shared plans.",
    ),
    DemoSeat(
        Role.SUPPORT_WORKER,
        "Community connector",
        "The people you support, your visits and their plans (no key safe codes).",
    ),
    DemoSeat(
        Role.COORDINATOR,
        "Integrated care coordinator",
        "The Team view: everyone's caseloads, unallocated and overdue work, risk, "
        "allocation and charts.",
    ),
    DemoSeat(
        Role.IG_LEAD,
        "Information governance lead",
        "Access reports (who opened which record, break-glass) and the Team view, read-only.",
    ),
)
DEMO_ROLES: Final[tuple[str, ...]] = tuple(seat.role.value for seat in DEMO_SEATS)


def seat_for(role: Role | str) -> DemoSeat:
    """The demo seat for a role (its code or its label), or InvalidInputError."""
    wanted = role if isinstance(role, Role) else cast(Role, Role.parse(role))
    for seat in DEMO_SEATS:
        if seat.role is wanted:
            return seat
    raise InvalidInputError(
        "The demo has no {role} to sign in as: choose one of {roles}.",
        role=str(role),
        roles=", ".join(DEMO_ROLES),
    )
