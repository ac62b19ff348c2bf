"""Today's visits: the planned visits due today for the signed-in user, by time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app.services import clock
from app.values.nhs_number import format_nhs_number
from app.workspace import Workspace
from storage.tables import CaseloadSummary, Person, PlannedVisit


@dataclass(frozen=True)
class TodayVisit:
    visit_id: str
    person_id: str
    due_at: datetime
    purpose: str
    status: str
    nhs_number: str
    given_name: str
    family_name: str
    preferred_name: str | None
    address_line1: str
    town: str | None
    postcode: str
    alert_kinds: tuple[str, ...]

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def nhs_number_formatted(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.address_line1, self.town, self.postcode) if part)


def todays_visits(workspace: Workspace, *, day: date | None = None) -> list[TodayVisit]:
    """Planned and done visits assigned to the signed-in user on `day` (default today)."""
    me = workspace.actor.user_id
    if me is None:
        return []
    start, end = clock.day_bounds(day or clock.today())
    stmt = (
        select(
            PlannedVisit.id,
            PlannedVisit.person_id,
            PlannedVisit.due_at,
            PlannedVisit.purpose,
            PlannedVisit.status,
            Person.nhs_number,
            Person.given_name,
            Person.family_name,
            Person.preferred_name,
            Person.address_line1,
            Person.town,
            Person.postcode,
            CaseloadSummary.alert_kinds,
        )
        .join(Person, Person.id == PlannedVisit.person_id)
        .outerjoin(CaseloadSummary, CaseloadSummary.person_id == Person.id)
        .where(
            PlannedVisit.assigned_to_id == me,
            PlannedVisit.due_at >= start,
            PlannedVisit.due_at < end,
            PlannedVisit.status.in_(("planned", "done")),
        )
        .order_by(PlannedVisit.due_at, Person.family_name, PlannedVisit.id)
    )
    with workspace.store.read() as session:
        rows: Sequence[Any] = session.execute(stmt).all()
    return [
        TodayVisit(
            visit_id=r[0],
            person_id=r[1],
            due_at=r[2],
            purpose=r[3] or "",
            status=r[4],
            nhs_number=r[5] or "",
            given_name=r[6],
            family_name=r[7],
            preferred_name=r[8],
            address_line1=r[9] or "",
            town=r[10],
            postcode=r[11] or "",
            alert_kinds=tuple(r[12].split(",")) if r[12] else (),
        )
        for r in rows
    ]
