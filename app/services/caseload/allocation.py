"""Allocating people to a lead professional, one at a time or a selection at once.

A journalled write like any other edit (`Store.write`), so the new lead's laptop
receives the change at its next sync and finds the person on "my caseload".
One audit event per person, naming the previous and the new lead by id. The
person's planned visits still assigned to the previous lead move with them, so
the new lead's "Today" shows the visits they now own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.errors import AccessDeniedError, InvalidInputError, NotFoundError
from app.services import changes, clock
from app.services.changes import Change
from app.services.team.team_scope import team_scope
from app.services.write_rules.write_policy import NOT_LEADS
from app.values.nhs_number import NhsNumber
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Person, PlannedVisit, StaffMember

logger = logging.getLogger(__name__)

ACTION = "lead_professional_changed"
MAX_SELECTION = 5000


def check_lead(session: Session, staff_id: str | None) -> None:
    if staff_id is None:
        return
    staff = session.get(StaffMember, staff_id)
    if staff is None:
        raise NotFoundError("That staff member is not in this laptop's directory.")
    if not staff.active:
        raise InvalidInputError(
            "{name} is no longer active: choose a current member of the team.",
            name=staff.display_name,
        )
    if staff.role in NOT_LEADS:
        raise InvalidInputError(
            "{name} does not hold a caseload of their own.", name=staff.display_name
        )


def allocate(
    workspace: Workspace,
    *,
    person_ids: Sequence[str],
    staff_id: str | None,
    move_planned_visits: bool = True,
    now: datetime | None = None,
) -> Change:
    """Make `staff_id` the lead professional of every person in `person_ids`
    (None: unallocate). All or nothing; people already led by them are left alone."""
    wanted = list(dict.fromkeys(person_ids))
    if not wanted:
        raise InvalidInputError("Choose at least one person to allocate.")
    if len(wanted) > MAX_SELECTION:
        raise InvalidInputError(
            "Allocate at most {MAX_SELECTION:,} people at once.", MAX_SELECTION=MAX_SELECTION
        )
    now = now or clock.now()
    moved: list[str] = []
    with workspace.store.write(workspace.actor) as session:
        scope = team_scope(session, workspace.actor, write=True)
        check_lead(session, staff_id)
        people = session.execute(select(Person).where(Person.id.in_(wanted))).scalars().all()
        if len(people) != len(wanted):
            raise NotFoundError("Someone in the selection is no longer in this profile.")
        outside = session.execute(
            select(func.count()).where(Person.id.in_(wanted), ~scope.people())
        ).scalar_one()
        if outside:
            raise AccessDeniedError("Someone in the selection is not on your team's caseload.")
        for person in people:
            if person.status != "open":
                raise InvalidInputError("Only people whose case is open can be allocated.")
            previous = person.lead_professional_id
            if previous == staff_id:
                continue
            person.lead_professional_id = staff_id
            if move_planned_visits and staff_id is not None:
                _move_visits(session, person.id, previous, staff_id, now)
            audit(
                session,
                ACTION,
                person_id=person.id,
                detail={"from": previous, "to": staff_id},
            )
            moved.append(person.id)
    logger.info("allocated %d people", len(moved))
    single = moved[0] if len(moved) == 1 else None
    return Change(
        action=ACTION,
        person_id=single,
        areas=frozenset({changes.CASELOAD, changes.HEADER, changes.VISITS}),
        fields=("lead_professional_id",) if moved else (),
    )


def _move_visits(
    session: Session, person_id: str, previous: str | None, to: str, now: datetime
) -> None:
    visits = session.execute(
        select(PlannedVisit).where(
            PlannedVisit.person_id == person_id,
            PlannedVisit.status == "planned",
            PlannedVisit.due_at >= now,
            (PlannedVisit.assigned_to_id == previous)
            if previous is not None
            else PlannedVisit.assigned_to_id.is_(None),
        )
    ).scalars()
    for visit in visits:
        visit.assigned_to_id = to


def allocate_by_nhs(workspace: Workspace, *, nhs_numbers: Sequence[str], staff: str) -> Change:
    """The command line's way in: NHS numbers and a staff member's name or id."""
    digits = [NhsNumber.parse(n).digits for n in nhs_numbers]
    with workspace.store.read() as session:
        team_scope(session, workspace.actor, write=True)
        ids = dict(
            session.execute(
                select(Person.nhs_number, Person.id).where(Person.nhs_number.in_(digits))
            ).all()
        )
        missing = [NhsNumber(d).formatted for d in digits if d not in ids]
        if missing:
            raise NotFoundError(
                "No one with NHS number {value1} is in this profile.", value1=missing[0]
            )
        staff_id = staff_id_for(session, staff)
    return allocate(workspace, person_ids=[ids[d] for d in digits], staff_id=staff_id)


def staff_id_for(session: Session, text: str) -> str | None:
    """A staff member by id or by name (case-insensitive); 'none' unallocates."""
    wanted = text.strip()
    if wanted.lower() in ("none", "unallocated"):
        return None
    found = (
        session.execute(
            select(StaffMember.id).where(
                or_(
                    StaffMember.id == wanted, func.lower(StaffMember.display_name) == wanted.lower()
                )
            )
        )
        .scalars()
        .all()
    )
    if not found:
        raise NotFoundError(
            "There is no staff member called '{wanted}' in this laptop's directory.", wanted=wanted
        )
    if len(found) > 1:
        raise InvalidInputError(
            "More than one staff member is called '{wanted}': use their id.", wanted=wanted
        )
    return found[0]


@dataclass(frozen=True)
class Moving:
    """Someone about to be given a new lead, and who leads them now (None: nobody)."""

    person_id: str
    name: str
    lead_id: str | None
    lead: str | None


def people_to_move(workspace: Workspace, person_ids: Sequence[str]) -> list[Moving]:
    """The selected people, in the order given, with their current lead: what the
    allocation dialog names before anyone is moved. Only the team's own people."""
    wanted = list(dict.fromkeys(person_ids))[:MAX_SELECTION]
    with workspace.store.read() as session:
        scope = team_scope(session, workspace.actor, write=True)
        rows = session.execute(
            select(
                Person.id,
                Person.given_name,
                Person.family_name,
                Person.lead_professional_id,
                StaffMember.display_name,
            )
            .outerjoin(StaffMember, StaffMember.id == Person.lead_professional_id)
            .where(Person.id.in_(wanted), scope.people())
        ).all()
    found = {
        r[0]: Moving(r[0], f"{r[1]} {r[2]}".strip(), r[3], r[4] if r[3] is not None else None)
        for r in rows
    }
    return [found[i] for i in wanted if i in found]


def staff_choices(workspace: Workspace) -> list[tuple[str, str, str]]:
    """(id, name, role) of everyone who can lead a caseload, A-Z: the allocation list."""
    with workspace.store.read() as session:
        team_scope(session, workspace.actor, write=True)
        rows = session.execute(
            select(StaffMember.id, StaffMember.display_name, StaffMember.role)
            .where(StaffMember.active.is_(True), StaffMember.role.not_in(NOT_LEADS))
            .order_by(StaffMember.display_name)
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]
