"""One person's whole record as plain data (for `onerecord show`, export and the app)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.access import Access, require_access
from app.services.people import find
from app.values.nhs_number import format_nhs_number
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.codec import row_of
from storage.tables import (
    AboutMe,
    Alert,
    Assessment,
    CarePlan,
    ConsentToShare,
    ContactNote,
    ContingencyPlan,
    Goal,
    MentalCapacityAssessment,
    Need,
    PersonalContact,
    PlanAction,
    PlannedVisit,
    ProfessionalContact,
    Risk,
    StaffMember,
    Strength,
)
from storage.tables.base import Base

_PROVENANCE = ("recorded_by", "recorded_org", "recorded_device", "updated_at", "updated_by")


def _plain(obj: Base) -> dict[str, Any]:
    data = row_of(obj)
    for key in ("person_id", *(_PROVENANCE[2:])):
        data.pop(key, None)
    return data


def _all(session: Session, table: type[Any], person_id: str, *order: Any) -> list[Any]:
    stmt = select(table).where(table.person_id == person_id)
    return list(session.execute(stmt.order_by(*order) if order else stmt).scalars())


def _alert(alert: Alert, access: Access) -> dict[str, Any]:
    data = _plain(alert)
    # Restricted detail (a key safe code, safeguarding detail) only for the
    # viewers the access policy allows; the rest are told whom to ask.
    detail, ask = access.alert_detail(alert.kind, alert.restricted_detail)
    data["restricted_detail"] = detail if detail is not None else ask
    return data


def _note(note: ContactNote, access: Access, authors: dict[str, str]) -> dict[str, Any]:
    text, ask = access.note_text(
        note.narrative,
        sensitive=note.sensitive,
        author_id=note.author_id,
        author_role=note.author_role,
        author_name=authors.get(note.author_id or ""),
    )
    return {
        **_plain(note),
        "narrative": text if ask is None else ask,
        "linked_goal_ids": json.loads(note.linked_goal_ids),
    }


def person_record(workspace: Workspace, nhs_number: str, *, notes: int = 50) -> dict[str, Any]:
    """The record as plain data. Refused (AccessDeniedError) outside a legitimate
    relationship unless a break-glass grant is in force (`onerecord show --break-glass`)."""
    with workspace.store.write(workspace.actor) as session:
        person = find(session, nhs_number)
        pid = person.id
        access = require_access(session, workspace.actor, pid)
        record: dict[str, Any] = {"person": _plain(person)}
        record["person"]["nhs_number_formatted"] = format_nhs_number(person.nhs_number)
        about = session.execute(
            select(AboutMe).where(AboutMe.person_id == pid)
        ).scalar_one_or_none()
        record["about_me"] = _plain(about) if about else None
        record["alerts"] = [
            _alert(a, access) for a in _all(session, Alert, pid, Alert.kind) if a.active
        ]
        record["personal_contacts"] = [
            _plain(c) for c in _all(session, PersonalContact, pid, PersonalContact.name)
        ]
        record["professional_contacts"] = [
            _plain(c)
            for c in _all(
                session, ProfessionalContact, pid, ProfessionalContact.is_key_worker.desc()
            )
        ]
        record["consent"] = [
            _plain(c) for c in _all(session, ConsentToShare, pid, ConsentToShare.decided_on)
        ]
        record["mental_capacity"] = [
            _plain(m) for m in _all(session, MentalCapacityAssessment, pid)
        ]
        record["assessments"] = [
            _plain(a) for a in _all(session, Assessment, pid, Assessment.assessed_on.desc())
        ]
        plan = session.execute(
            select(CarePlan).where(CarePlan.person_id == pid)
        ).scalar_one_or_none()
        actions_by_goal: dict[str, list[dict[str, Any]]] = {}
        for action in _all(session, PlanAction, pid, PlanAction.due_on):
            actions_by_goal.setdefault(action.goal_id, []).append(_plain(action))
        record["care_plan"] = {
            **(_plain(plan) if plan else {}),
            "strengths": [s.description for s in _all(session, Strength, pid)],
            "needs": [_plain(n) for n in _all(session, Need, pid)],
            "goals": [
                {**_plain(g), "actions": actions_by_goal.get(g.id, [])}
                for g in _all(session, Goal, pid, Goal.importance.desc())
            ],
            "contingency_plans": [_plain(c) for c in _all(session, ContingencyPlan, pid)],
        }
        record["risks"] = [
            _plain(r) for r in _all(session, Risk, pid, (Risk.likelihood * Risk.impact).desc())
        ]
        record["planned_visits"] = [
            _plain(v)
            for v in _all(session, PlannedVisit, pid, PlannedVisit.due_at)
            if v.status == "planned"
        ]
        note_rows = list(
            session.execute(
                select(ContactNote)
                .where(ContactNote.person_id == pid)
                .order_by(ContactNote.occurred_at.desc())
                .limit(notes)
            ).scalars()
        )
        author_ids = sorted({n.author_id for n in note_rows if n.author_id})
        authors: dict[str, str] = {
            row[0]: row[1]
            for row in session.execute(
                select(StaffMember.id, StaffMember.display_name).where(
                    StaffMember.id.in_(author_ids)
                )
            )
        }
        record["contact_notes"] = [_note(n, access, authors) for n in note_rows]
        if access.break_glass_until is not None:
            record["break_glass_until"] = access.break_glass_until.isoformat()
        detail = {"break_glass": True} if access.break_glass_until else None
        audit(session, "record_viewed", person_id=pid, detail=detail)
    return record
