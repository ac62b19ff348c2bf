"""The team's list of telecare tests due: for the coordinator (the Team view's
"Telecare tests due" card and filter, and `onerecord team telecare-due`).

The rule is the record's (`app.values.telecare`): due `test_every_days` after the last
test (or the install), removed equipment never. `due_clause` is that rule as SQL, so
the count and the filter stay index-free queries over a small table; a test holds the
two to the same answer on the days around each boundary. Open cases of the viewer's
team only (`team_scope`), and the listing is audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from app.services import clock
from app.services.team.team_scope import team_scope
from app.values import telecare
from app.values.nhs_number import format_nhs_number
from app.values.vocab import PersonStatus, TelecareKind, TelecareResponder
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Person, StaffMember, TelecareItem

logger = logging.getLogger(__name__)

_T = TelecareItem


def due_clause(today: date) -> ColumnElement[bool]:
    """SQL: this equipment's test is due on or before `today` (the Python rule, as SQL;
    dates are stored as ISO text, so the shifted date compares as text)."""
    since = func.coalesce(_T.last_tested_on, _T.installed_on)
    due = func.date(since, func.printf("+%d days", _T.test_every_days))
    return and_(_T.removed_on.is_(None), since.is_not(None), due <= today.isoformat())


def people_due(today: date) -> Select[Any]:
    """The people with a telecare test due (a subquery for `Person.id.in_`)."""
    return select(_T.person_id).where(due_clause(today))


@dataclass(frozen=True)
class TelecareDue:
    item_id: str
    person_id: str
    given_name: str
    family_name: str
    nhs_number: str
    kind: str  # its label
    description: str | None
    due_on: date
    overdue: bool
    responder: str  # its label
    responder_detail: str | None
    analogue_line: bool | None
    lead: str | None

    @property
    def display_name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def nhs_number_formatted(self) -> str:
        return format_nhs_number(self.nhs_number) if self.nhs_number else ""

    @property
    def what(self) -> str:
        return f"{self.kind} ({self.description})" if self.description else self.kind


def telecare_due(workspace: Workspace, *, today: date | None = None) -> list[TelecareDue]:
    """Every telecare test due (on or before today) among the team's open cases, the
    longest overdue first. Coordinator and IG lead only (AccessDeniedError else)."""
    day = today or clock.today()
    with workspace.store.write(workspace.actor) as session:
        scope = team_scope(session, workspace.actor)
        rows = session.execute(
            select(
                _T,
                Person.given_name,
                Person.family_name,
                Person.nhs_number,
                StaffMember.display_name,
            )
            .join(Person, Person.id == _T.person_id)
            .outerjoin(StaffMember, StaffMember.id == Person.lead_professional_id)
            .where(due_clause(day), scope.people(), Person.status == PersonStatus.OPEN.value)
        ).all()
        found = [
            _row(item, given, family, nhs, lead, day) for item, given, family, nhs, lead in rows
        ]
        audit(session, "telecare_due_listed", detail={"rows": len(found)})
    return sorted(found, key=lambda r: (r.due_on, r.family_name, r.given_name, r.item_id))


def _row(
    item: TelecareItem, given: str, family: str, nhs: str | None, lead: str | None, day: date
) -> TelecareDue:
    due = telecare.test_due_on(item)
    assert due is not None  # the SQL clause chose it
    return TelecareDue(
        item_id=item.id,
        person_id=item.person_id,
        given_name=given,
        family_name=family,
        nhs_number=nhs or "",
        kind=_label(TelecareKind, item.kind),
        description=item.description,
        due_on=due,
        overdue=telecare.test_overdue(item, day),
        responder=_label(TelecareResponder, item.responder),
        responder_detail=item.responder_detail,
        analogue_line=item.analogue_line,
        lead=lead,
    )


def _label(kind: type[TelecareKind] | type[TelecareResponder], code: str) -> str:
    try:
        return kind(code).label
    except ValueError:
        return code
