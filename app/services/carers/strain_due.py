"""'Carers at the tipping point' on the lead's Today page: the people the signed-in user
leads (open cases) any of whose carers' latest carer-strain check fires the team's
prompt, with the carer and the prompt in words. One read of those people's checks."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.services import clock
from app.services.carers.strain_trends import trends
from app.values.nhs_number import format_nhs_number
from app.workspace import Workspace
from storage.tables import CarerStrainCheck, Person, PersonalContact

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CarerPromptDue:
    person_id: str
    given_name: str
    family_name: str
    nhs_number: str
    carer_name: str
    prompt: str

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def nhs_number_formatted(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""


def carers_prompting(workspace: Workspace, *, today: date | None = None) -> list[CarerPromptDue]:
    """The user's own people whose carer's strain is high or rising, A-Z."""
    me = workspace.actor.user_id
    if me is None:
        return []
    day = today or clock.today()
    c = CarerStrainCheck
    with workspace.store.read() as session:
        rows = session.execute(
            select(
                c.id,
                c.carer_id,
                c.checked_on,
                c.answers,
                c.recorded_at,
                c.comment,
                c.asked_by_id,
                c.person_id,
                Person.given_name,
                Person.family_name,
                Person.nhs_number,
                PersonalContact.name,
            )
            .join(Person, Person.id == c.person_id)
            .join(PersonalContact, PersonalContact.id == c.carer_id)
            .where(
                Person.lead_professional_id == me,
                Person.status == "open",
                c.checked_on <= day,
            )
        ).all()
    found = trends(
        (r.id, r.carer_id, r.checked_on, r.answers, r.recorded_at, r.comment, r.asked_by_id)
        for r in rows
    )
    who = {r.carer_id: r for r in rows}
    due: list[CarerPromptDue] = []
    for carer_id, trend in found.items():
        if (prompt := trend.prompt) is None:
            continue
        r = who[carer_id]
        due.append(
            CarerPromptDue(
                r.person_id, r.given_name, r.family_name, r.nhs_number or "", r.name, prompt
            )
        )
    return sorted(due, key=lambda d: (d.family_name, d.given_name, d.person_id, d.carer_name))
