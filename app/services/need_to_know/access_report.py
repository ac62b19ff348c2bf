"""The access report: who looked at whom, break-glass use with its reasons, failed
unlocks, prints and exports, for coordinators and the information-governance lead.

Filtered, sorted and paged in SQL over the audit log. Opening the report is itself
an audit event ("access_report_viewed"). A laptop holds only its own events (audit
events go up to the server and never come down), so on a laptop the report covers
that laptop; the server's report (`onerecord-server audit report`) covers the team,
built from the same rows (`AccessRow`, `kind_of`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import AccessDeniedError, InvalidInputError
from app.services.record.people import find
from app.values.nhs_number import format_nhs_number
from app.values.vocab import Role
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import AuditEvent, Organisation, Person, StaffMember

# Each kind of access the report can filter on, and the audit actions it covers.
KINDS: dict[str, tuple[str, ...]] = {
    "view": ("record_viewed", "restricted_viewed"),
    "break_glass": ("break_glass",),
    "failed_unlock": ("unlock_failed",),
    "print": ("plan_printed",),
    "export": ("record_exported",),
    "unlock": ("unlock",),
    "lock": ("lock",),
    "sync": ("sync", "pulled_changes_kept_aside"),
}
CHANGE = "change"  # every other action: an edit to someone's record
ALL_KINDS = (*KINDS, CHANGE)
REPORT_ROLES = frozenset({Role.COORDINATOR.value, Role.IG_LEAD.value})


def kind_of(action: str) -> str:
    for kind, actions in KINDS.items():
        if action in actions:
            return kind
    return CHANGE


@dataclass(frozen=True)
class ReportQuery:
    start: date | None = None
    end: date | None = None  # inclusive
    kinds: frozenset[str] = frozenset()  # empty: every kind
    staff: str | None = None  # part of a name, or a user id
    nhs_number: str | None = None
    limit: int = 500
    offset: int = 0

    def __post_init__(self) -> None:
        if unknown := self.kinds - set(ALL_KINDS):
            raise InvalidInputError(
                "Unknown kind {unknown}: choose from {kinds}.",
                unknown=", ".join(sorted(unknown)),
                kinds=", ".join(ALL_KINDS),
            )
        if self.start and self.end and self.end < self.start:
            raise InvalidInputError("The 'to' date is before the 'from' date.")


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    kind: str
    action: str
    staff: str  # the name, or a short id when the directory does not know them
    role: str
    organisation: str
    device: str
    person: str  # name and NHS number, or a short id for someone no longer held
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def highlighted(self) -> bool:
        """Rows a reviewer must look at: break-glass and failed unlocks."""
        return self.kind in ("break_glass", "failed_unlock")


def _check_role(workspace: Workspace) -> None:
    if workspace.actor.role not in REPORT_ROLES:
        raise AccessDeniedError(
            "The access report is for coordinators and the information-governance lead."
        )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filtered(session: Session, query: ReportQuery, stmt: Any) -> Any:
    """`stmt` (a select over audit_event) narrowed by the query's filters."""
    if query.start:
        stmt = stmt.where(AuditEvent.at >= _start_of(query.start))
    if query.end:
        stmt = stmt.where(AuditEvent.at < _start_of(query.end + timedelta(days=1)))
    if query.kinds:
        named = [a for k in query.kinds if k != CHANGE for a in KINDS[k]]
        every = [a for actions in KINDS.values() for a in actions]
        wanted = [AuditEvent.action.in_(named)] if named else []
        if CHANGE in query.kinds:
            wanted.append(AuditEvent.action.not_in(every))
        stmt = stmt.where(or_(*wanted))
    if query.nhs_number:
        stmt = stmt.where(AuditEvent.person_id == find(session, query.nhs_number).id)
    if query.staff:
        text = query.staff.strip()
        matching = select(StaffMember.id).where(
            or_(StaffMember.id == text, StaffMember.display_name.icontains(text, autoescape=True))
        )
        stmt = stmt.where(AuditEvent.actor_id.in_(matching))
    return stmt


def fetch(workspace: Workspace, query: ReportQuery) -> tuple[list[AccessRow], int]:
    """One page of the report, newest first, and how many rows match in all."""
    _check_role(workspace)
    staff, org = aliased(StaffMember), aliased(Organisation)
    stmt = (
        select(AuditEvent, staff.display_name, org.name, Person)
        .outerjoin(staff, staff.id == AuditEvent.actor_id)
        .outerjoin(org, org.id == AuditEvent.organisation_id)
        .outerjoin(Person, Person.id == AuditEvent.person_id)
    )
    with workspace.store.write(workspace.actor) as session:
        stmt = _filtered(session, query, stmt)
        total: int = session.execute(
            _filtered(session, query, select(func.count()).select_from(AuditEvent))
        ).scalar_one()
        rows: Sequence[Any] = session.execute(
            stmt.order_by(AuditEvent.at.desc(), AuditEvent.device_seq.desc())
            .limit(query.limit)
            .offset(query.offset)
        ).all()
        report = [_row(e, name, org_name, person) for e, name, org_name, person in rows]
        audit(
            session,
            "access_report_viewed",
            detail={"rows": len(report), "kinds": sorted(query.kinds)},
        )
    return report, int(total)


def _short(value: str | None) -> str:
    return value[:8] if value else ""


def _row(
    event: AuditEvent, staff: str | None, organisation: str | None, person: Person | None
) -> AccessRow:
    if person is not None:
        nhs = format_nhs_number(person.nhs_number) if person.nhs_number else "no NHS number"
        who = f"{person.given_name} {person.family_name} ({nhs})"
    else:
        who = f"person {_short(event.person_id)}" if event.person_id else ""
    return AccessRow(
        at=event.at,
        kind=kind_of(event.action),
        action=event.action,
        staff=staff or _short(event.actor_id) or "(unknown)",
        role=event.actor_role or "",
        organisation=organisation or _short(event.organisation_id),
        device=_short(event.device_id),
        person=who,
        reason=event.reason or "",
        detail=json.loads(event.detail or "{}"),
    )


def counts_by_kind(workspace: Workspace, query: ReportQuery) -> dict[str, int]:
    """How many events of each kind match the dates, staff and person filters."""
    _check_role(workspace)
    with workspace.store.read() as session:
        stmt = _filtered(
            session,
            ReportQuery(query.start, query.end, frozenset(), query.staff, query.nhs_number),
            select(AuditEvent.action, func.count()).group_by(AuditEvent.action),
        )
        found: dict[str, int] = dict.fromkeys(ALL_KINDS, 0)
        grouped: Sequence[Any] = session.execute(stmt).all()
        for action, count in grouped:
            found[kind_of(action)] += int(count)
    return found
