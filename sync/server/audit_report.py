"""The team-wide access report, from the audit events every laptop pushed.

The same rows and kinds as a laptop's report (app.services.need_to_know.access_report), over
the server's store: audit events live there as journal rows, so what the columns
allow (dates, person, order) runs in SQL and the rest (kind, staff) on each row
as it streams past, newest first, keeping only the page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.services.need_to_know.access_report import AccessRow, ReportQuery, kind_of
from app.values.nhs_number import NhsNumber, format_nhs_number
from sync.server import schema as s
from sync.server.store import ServerStore

AUDIT = "audit_event"


def _staff(store: ServerStore) -> dict[str, str]:
    with store.engine.connect() as conn:
        return {
            str(uid): str(name)
            for uid, name in conn.execute(select(s.staff.c.user_id, s.staff.c.display_name))
        }


def _organisations(store: ServerStore) -> dict[str, str]:
    """Organisation names from the directory entries the server published or received."""
    names: dict[str, str] = {}
    with store.engine.connect() as conn:
        rows: Any = conn.execute(
            select(s.changes.c.entity_id, s.changes.c.value).where(
                s.changes.c.entity == "organisation", s.changes.c.op == "create"
            )
        )
        for entity_id, value in rows:
            name = json.loads(value or "{}").get("name")
            if name:
                names[str(entity_id)] = str(name)
    return names


def _people(store: ServerStore, ids: set[str]) -> dict[str, str]:
    """Name and NHS number of each person, folded from their person changes."""
    found: dict[str, dict[str, Any]] = {}
    if not ids:
        return {}
    with store.engine.connect() as conn:
        rows: Any = conn.execute(
            select(s.changes.c.entity_id, s.changes.c.op, s.changes.c.field, s.changes.c.value)
            .where(s.changes.c.entity == "person", s.changes.c.entity_id.in_(sorted(ids)))
            .order_by(s.changes.c.hlc)
        )
        for entity_id, op, fld, value in rows:
            person = found.setdefault(entity_id, {})
            if op == "create" and value:
                person.update(json.loads(value))
            elif op == "set" and fld in ("given_name", "family_name", "nhs_number"):
                person[fld] = json.loads(value)
    labels: dict[str, str] = {}
    for person_id, p in found.items():
        nhs = format_nhs_number(p["nhs_number"]) if p.get("nhs_number") else "no NHS number"
        labels[person_id] = f"{p.get('given_name', '')} {p.get('family_name', '')} ({nhs})"
    return labels


def _person_id(store: ServerStore, nhs_number: str) -> str | None:
    digits = NhsNumber.parse(nhs_number).digits
    with store.engine.connect() as conn:
        creates: Any = conn.execute(
            select(s.changes.c.entity_id, s.changes.c.value).where(
                s.changes.c.entity == "person", s.changes.c.op == "create"
            )
        )
        for entity_id, value in creates:
            if value and json.loads(value).get("nhs_number") == digits:
                return str(entity_id)
    return None


def _bounds(query: ReportQuery) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(query.start, time.min, tzinfo=UTC) if query.start else None
    end = (
        datetime.combine(query.end + timedelta(days=1), time.min, tzinfo=UTC) if query.end else None
    )
    return start, end


def fetch(store: ServerStore, query: ReportQuery) -> tuple[list[AccessRow], int]:
    """The matching events, newest first (one page), and how many matched. Dates,
    person and order run in SQL (an audit change's `recorded_at` is its event's
    time, in UTC ISO form, so text order is time order); kind and staff are read
    from each event as it streams past, and only the page is kept in memory."""
    staff = _staff(store)
    stmt = select(s.changes.c.value).where(s.changes.c.entity == AUDIT)
    if query.nhs_number:
        person = _person_id(store, query.nhs_number)
        stmt = stmt.where(s.changes.c.person_id == (person or "-"))
    start, end = _bounds(query)
    if start:
        stmt = stmt.where(s.changes.c.recorded_at >= start.isoformat())
    if end:
        stmt = stmt.where(s.changes.c.recorded_at < end.isoformat())
    stmt = stmt.order_by(s.changes.c.recorded_at.desc(), s.changes.c.seq.desc())
    wanted_staff = query.staff.strip().lower() if query.staff else None
    page: list[dict[str, Any]] = []
    matched = 0
    with store.engine.connect() as conn:
        events: Any = conn.execution_options(yield_per=2000).execute(stmt)
        for (value,) in events:
            event = json.loads(value)
            if query.kinds and kind_of(event["action"]) not in query.kinds:
                continue
            if wanted_staff and not (
                event.get("actor_id") == query.staff
                or wanted_staff in staff.get(event.get("actor_id") or "", "").lower()
            ):
                continue
            matched += 1
            if query.offset < matched <= query.offset + query.limit:
                event["_at"] = datetime.fromisoformat(event["at"])
                page.append(event)
    people = _people(store, {e["person_id"] for e in page if e.get("person_id")})
    orgs = _organisations(store)
    return [_row(e, staff, people, orgs) for e in page], matched


def _row(
    event: dict[str, Any], staff: dict[str, str], people: dict[str, str], orgs: dict[str, str]
) -> AccessRow:
    actor, person = event.get("actor_id"), event.get("person_id")
    org = event.get("organisation_id") or ""
    return AccessRow(
        at=event["_at"],
        kind=kind_of(event["action"]),
        action=event["action"],
        staff=staff.get(actor or "", (actor or "")[:8] or "(unknown)"),
        role=event.get("actor_role") or "",
        organisation=orgs.get(org, org[:8]),
        device=(event.get("device_id") or "")[:8],
        person=people.get(person, f"person {person[:8]}") if person else "",
        reason=event.get("reason") or "",
        detail=json.loads(event.get("detail") or "{}"),
    )
