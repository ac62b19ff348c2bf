"""One person's whole record as plain data, for `onerecord show`: a projection of the
record snapshot (`app.services.record.record_snapshot`), need-to-know applied there."""

from __future__ import annotations

import json
from typing import Any

from app.services.record.people import find
from app.services.record.record_snapshot import RecordSnapshot, load_snapshot, undated_first
from app.values.nhs_number import format_nhs_number
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.codec import row_of
from storage.tables import Alert, ContactNote
from storage.tables.base import Base

_PROVENANCE = ("recorded_by", "recorded_org", "recorded_device", "updated_at", "updated_by")


def _plain(obj: Base) -> dict[str, Any]:
    data = row_of(obj)
    for key in ("person_id", *(_PROVENANCE[2:])):
        data.pop(key, None)
    return data


def _alert(alert: Alert, snap: RecordSnapshot) -> dict[str, Any]:
    data = _plain(alert)
    # The snapshot holds restricted detail (a key safe code, safeguarding detail) only
    # for the viewers the access policy allows; the rest are told whom to ask.
    shown = alert.restricted_detail
    data["restricted_detail"] = shown if shown is not None else snap.alert_asks.get(alert.id)
    return data


def _note(note: ContactNote, snap: RecordSnapshot) -> dict[str, Any]:
    return {
        **_plain(note),
        "narrative": snap.note_asks.get(note.id, note.narrative),
        "linked_goal_ids": json.loads(note.linked_goal_ids),
    }


def person_record(workspace: Workspace, nhs_number: str, *, notes: int = 50) -> dict[str, Any]:
    """The record as plain data. Refused (AccessDeniedError) outside a legitimate
    relationship unless a break-glass grant is in force (`onerecord show --break-glass`)."""
    with workspace.store.write(workspace.actor) as session:
        person = find(session, nhs_number)
        snap = load_snapshot(session, workspace.actor, person.id, notes=notes)
        record = shown_record(snap)
        detail = {"break_glass": True} if snap.access.break_glass_until else None
        audit(session, "record_viewed", person_id=person.id, detail=detail)
    return record


def shown_record(snap: RecordSnapshot) -> dict[str, Any]:
    """`onerecord show`'s view of a snapshot, as plain data."""
    person = snap.person
    record: dict[str, Any] = {"person": _plain(person)}
    record["person"]["nhs_number_formatted"] = format_nhs_number(person.nhs_number)
    record["about_me"] = _plain(snap.about) if snap.about else None
    record["alerts"] = [
        _alert(a, snap) for a in sorted(snap.alerts, key=lambda a: (a.kind, a.id)) if a.active
    ]
    record["personal_contacts"] = [
        _plain(c) for c in sorted(snap.personal_contacts, key=lambda c: (c.name, c.id))
    ]
    record["professional_contacts"] = [
        _plain(c)
        for c in sorted(snap.professional_contacts, key=lambda c: (not c.is_key_worker, c.id))
    ]
    record["consent"] = [
        _plain(c) for c in sorted(snap.consents, key=lambda c: (undated_first(c.decided_on), c.id))
    ]
    record["mental_capacity"] = [_plain(m) for m in snap.capacity]
    record["referrals"] = [_plain(r) for r in snap.referrals]
    newest = sorted(snap.assessments, key=lambda a: a.id)
    record["assessments"] = [
        _plain(a) for a in sorted(newest, key=lambda a: undated_first(a.assessed_on), reverse=True)
    ]
    actions_by_goal: dict[str | None, list[dict[str, Any]]] = {}
    for action in sorted(snap.actions, key=lambda a: (undated_first(a.due_on), a.id)):
        actions_by_goal.setdefault(action.goal_id, []).append(_plain(action))
    record["care_plan"] = {
        **(_plain(snap.plan) if snap.plan else {}),
        "strengths": [_plain(s) for s in snap.strengths],
        "needs": [_plain(n) for n in snap.needs],
        "goals": [
            {**_plain(g), "actions": actions_by_goal.get(g.id, [])}
            for g in sorted(snap.goals, key=lambda g: (-g.importance, g.id))
        ],
        "agreed_at_meetings": actions_by_goal.get(None, []),
        "contingency_plans": [_plain(c) for c in snap.contingencies],
    }
    record["risks"] = [
        _plain(r) for r in sorted(snap.risks, key=lambda r: (-(r.likelihood * r.impact), r.id))
    ]
    record["planned_visits"] = [
        _plain(v)
        for v in sorted(snap.visits, key=lambda v: (v.due_at, v.id))
        if v.status == "planned"
    ]
    record["reablement_episodes"] = [
        {**_plain(e), "contacts": snap.episode_contacts.get(e.id, 0)}
        for e in sorted(snap.episodes, key=lambda e: (e.started_on, e.id))
    ]
    record["goal_reviews"] = [
        _plain(r) for r in sorted(snap.goal_reviews, key=lambda r: (r.reviewed_on, r.id))
    ]
    record["hospital_events"] = [
        _plain(h) for h in sorted(snap.hospital_events, key=lambda h: (h.occurred_on, h.id))
    ]
    record["experience_answers"] = [
        _plain(a) for a in sorted(snap.experience, key=lambda a: (a.asked_on, a.statement, a.id))
    ]
    record["telecare"] = [
        _plain(t)
        for t in sorted(snap.telecare, key=lambda t: (undated_first(t.installed_on), t.id))
    ]
    record["personal_budgets"] = [
        _plain(b) for b in sorted(snap.budgets, key=lambda b: (b.started_on, b.id))
    ]
    record["contact_notes"] = [_note(n, snap) for n in snap.notes]
    if snap.access.break_glass_until is not None:
        record["break_glass_until"] = snap.access.break_glass_until.isoformat()
    return record
