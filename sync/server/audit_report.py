"""The team-wide access report, from the audit events every laptop pushed.

The same rows and kinds as a laptop's report (app.services.need_to_know.access_report), over
the server's store: audit events live there as journal rows, so what the columns
allow (dates, person, order) runs in SQL and the rest (kind, staff) on each row
as it streams past, newest first, keeping only the page.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.services.need_to_know.access_report import AccessRow, ReportQuery, kind_of
from app.values.nhs_number import NhsNumber, format_nhs_number
from sync.server import person_rows
from sync.server import schema as s
from sync.server.audit_verify import instant
from sync.server.journal_rows import stored_object
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
            row = stored_object(value)
            name = row.get("name") if row is not None else None
            if name and isinstance(name, str):
                names[str(entity_id)] = name
    return names


def _people(store: ServerStore, ids: set[str]) -> dict[str, str]:
    """Name and NHS number of each person, as their newest changes say (someone since
    removed too: who looked at them still matters)."""
    if not ids:
        return {}
    with store.engine.connect() as conn:
        found = person_rows.current_fields(
            conn, ids, ("given_name", "family_name", "nhs_number"), deleted=True
        )
    labels: dict[str, str] = {}
    for person_id, p in found.items():
        nhs = p.get("nhs_number")
        said = format_nhs_number(nhs) if isinstance(nhs, str) and nhs else "no NHS number"
        name = " ".join(str(p[k]) for k in ("given_name", "family_name") if p.get(k))
        labels[person_id] = f"{name} ({said})"
    return labels


def _person_ids(store: ServerStore, nhs_number: str) -> list[str]:
    """Everyone holding the NHS number (more than one: a partner's copy, or a bug; who
    looked at any of them belongs in the report)."""
    digits = NhsNumber.parse(nhs_number).digits
    with store.engine.connect() as conn:
        return person_rows.with_nhs_number(conn, digits, deleted=True)


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
    stmt = select(s.changes.c.value, s.changes.c.recorded_at).where(s.changes.c.entity == AUDIT)
    if query.nhs_number:
        stmt = stmt.where(s.changes.c.person_id.in_(_person_ids(store, query.nhs_number) or ["-"]))
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
        for value, recorded_at in events:
            event = _readable(value)
            if event is None:
                # Its kind and author cannot be known, so no filter on them hides it:
                # a reviewer must see that the server holds an event it cannot read.
                # When the journal says it was recorded (the epoch if that is spoilt too).
                at = instant(recorded_at) or datetime.fromtimestamp(0, UTC)
                event = {"action": UNREADABLE, "_at": at}
            elif (query.kinds and kind_of(event["action"]) not in query.kinds) or (
                wanted_staff
                and not (
                    event.get("actor_id") == query.staff
                    or wanted_staff in staff.get(event.get("actor_id") or "", "").lower()
                )
            ):
                continue
            matched += 1
            if query.offset < matched <= query.offset + query.limit:
                page.append(event)
    people = _people(store, {e["person_id"] for e in page if e.get("person_id")})
    orgs = _organisations(store)
    return [_row(e, staff, people, orgs) for e in page], matched


# What the report says of an event this server holds but cannot read (spoilt in its
# database, by hand or by a bug); `onerecord-server audit verify` names it too.
UNREADABLE = "unreadable event (run: onerecord-server audit verify)"
_IDS = ("actor_id", "person_id", "organisation_id", "device_id", "actor_role", "reason")


def _readable(value: str | None) -> dict[str, Any] | None:
    """The event as stored, with its time read, or None when any of what the report
    shows of it cannot be read."""
    event = stored_object(value)
    if event is None or not isinstance(event.get("action"), str):
        return None
    if any(not isinstance(event.get(key), str | None) for key in _IDS):
        return None
    when = instant(event.get("at")) if isinstance(event.get("at"), str) else None
    if when is None:
        return None
    event["_at"] = when
    return event


def _row(
    event: dict[str, Any], staff: dict[str, str], people: dict[str, str], orgs: dict[str, str]
) -> AccessRow:
    actor, person = event.get("actor_id"), event.get("person_id")
    org = event.get("organisation_id") or ""
    return AccessRow(
        at=event["_at"],
        kind="unreadable" if event["action"] == UNREADABLE else kind_of(event["action"]),
        action=event["action"],
        staff=staff.get(actor or "", (actor or "")[:8] or "(unknown)"),
        role=event.get("actor_role") or "",
        organisation=orgs.get(org, org[:8]),
        device=(event.get("device_id") or "")[:8],
        person=people.get(person, f"person {person[:8]}") if person else "",
        reason=event.get("reason") or "",
        detail=_detail(event.get("detail")),
    )


def _detail(text: Any) -> dict[str, Any]:
    """An event's detail (counts, ids), or nothing when it cannot be read."""
    return (stored_object(text) or {}) if isinstance(text, str | None) else {}
