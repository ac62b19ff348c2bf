"""The factors of the priority list and the weight a team gives each: one definition,
read by the list (`priority_list`), the team's setting (`team_weights`), the laptop's
and the server's row rules, and the screens that show or change them.

Pure: no database, no Qt.

The list is a prompt for the multi-disciplinary team's discussion, not a clinical
decision (docs/clinical-safety.md, hazard H15): every factor is something the shared
record holds, named with where it came from, and a team may weigh them as its own
caseload needs. A weight is a whole number of points from 0 (the factor is not
counted) to MAX_WEIGHT; a factor counted more than once (admissions, A&E visits, high
risks) adds its weight each time, up to its `most`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.errors import InvalidInputError

MAX_WEIGHT = 10
# Weeks without a contact from anyone on the team before "no contact" counts.
NO_CONTACT_WEEKS = 6
# Days after leaving hospital that count as a recent discharge.
RECENT_DISCHARGE_DAYS = 28
# Months of admissions and A&E visits counted.
HOSPITAL_MONTHS = 12


@dataclass(frozen=True)
class Factor:
    key: str
    # As shown beside the score and in the weights dialog.
    label: str
    # Where in the shared record it comes from (shown with the factor).
    source: str
    default_weight: int
    # How many times it may count for one person (1: present or not).
    most: int = 1


FACTORS: tuple[Factor, ...] = (
    Factor(
        "unplanned_admissions",
        "Unplanned admissions in the last 12 months",
        "Outcomes: hospital and urgent care events",
        3,
        most=3,
    ),
    Factor(
        "ae_attendances",
        "A&E attendances in the last 12 months",
        "Outcomes: hospital and urgent care events",
        1,
        most=3,
    ),
    Factor(
        "recent_discharge",
        f"Left hospital in the last {RECENT_DISCHARGE_DAYS} days",
        "Outcomes: hospital and urgent care events",
        3,
    ),
    Factor("falls", "Falls risk open", "Risks (falls)", 2),
    Factor("lives_alone", "Lives alone", "Person's details", 2),
    Factor(
        "carer_strain",
        "Carer strain high or rising, or carer breakdown risk open",
        "Carer-strain checks; risks (carer breakdown)",
        3,
    ),
    Factor("specialist_need", "Specialist level of need", "Person's details", 2),
    Factor(
        "high_risks",
        "High risks open (likelihood x impact 15 or more)",
        "Risks",
        2,
        most=3,
    ),
    Factor("safeguarding", "Safeguarding alert in force", "Alerts", 3),
    Factor(
        "capacity_concern",
        "Assessed as lacking capacity for a decision",
        "Mental capacity assessments",
        2,
    ),
    Factor(
        "overdue_review",
        "Care plan or risk review overdue",
        "Care plan review date; risk review dates",
        1,
    ),
    Factor(
        "no_contact",
        f"No contact for {NO_CONTACT_WEEKS} weeks or more",
        "Visit notes and calls",
        2,
    ),
)
BY_KEY: dict[str, Factor] = {f.key: f for f in FACTORS}
DEFAULT_WEIGHTS: dict[str, int] = {f.key: f.default_weight for f in FACTORS}


def checked(weights: Mapping[str, Any]) -> dict[str, int]:
    """A full set of weights from what was given (a factor not named keeps its
    default), or InvalidInputError naming the first thing wrong: a factor this version
    does not know, or a weight that is not a whole number from 0 to MAX_WEIGHT. The
    laptop's services and both sides' row rules ask here."""
    whole = dict(DEFAULT_WEIGHTS)
    for key, value in weights.items():
        if key not in BY_KEY:
            raise InvalidInputError("'{key}' is not a priority factor.", key=str(key)[:60])
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WEIGHT:
            raise InvalidInputError(
                "The weight for '{label}' must be a whole number from 0 to {most}.",
                label=BY_KEY[key].label,
                most=MAX_WEIGHT,
            )
        whole[key] = value
    return whole
