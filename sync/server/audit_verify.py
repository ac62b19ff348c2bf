"""The server's copy of every laptop's audit chain, re-verified.

Each laptop pushes its audit events in chain order, and the server keeps them out
of every laptop's reach (they are never sent back down). So the server can check
each device's chain from the events it holds, with the same checker the laptop
uses (storage.audit_log.check_chains, hashing with storage.audit_log.hash_of): an
event edited in the server's database, removed from the middle, reordered, or pushed
under another device's name is reported, and so is a change row whose own columns
(the person and time the report filters on, the author) no longer agree with its
event. The newest events removed from the server's copy show up as a gap as soon as
that laptop pushes again; a laptop that never syncs again leaves that end unprovable
(see docs/security.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from storage.audit_log import ChainProblem, Link, check_chains, hash_of
from sync.server import schema as s
from sync.server.store import ServerStore

AUDIT = "audit_event"


@dataclass
class DeviceChain:
    device_id: str
    events: int = 0
    head: int = 0


@dataclass
class ServerAuditReport:
    devices: list[DeviceChain] = field(default_factory=list)
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def events(self) -> int:
        return sum(d.events for d in self.devices)

    @property
    def ok(self) -> bool:
        return not self.problems


# The columns of a held audit change that restate its event. The access report
# filters on person_id and recorded_at in SQL, so an edit there alone would hide an
# event from "who looked at this person" while the hashed event still verified:
# each must agree with the event (the laptop's journal and the server's own events
# write them from the same values).
_RESTATED = (
    ("entity_id", "id"),
    ("author_id", "actor_id"),
    ("organisation_id", "organisation_id"),
    ("person_id", "person_id"),
)


@dataclass(frozen=True)
class HeldEvent:
    """One audit change as the server holds it: its envelope and the event it carries."""

    pusher: str
    envelope: Mapping[str, Any]
    event: Any


def audit_rows(store: ServerStore, device_id: str | None = None) -> Iterator[HeldEvent]:
    """Every audit change held (for one pushing device, or all), in arrival order."""
    c = s.changes.c
    stmt = select(
        c.device_id,
        c.entity_id,
        c.author_id,
        c.organisation_id,
        c.person_id,
        c.op,
        c.field,
        c.bases,
        c.recorded_at,
        c.value,
    ).where(c.entity == AUDIT)
    if device_id is not None:
        stmt = stmt.where(c.device_id == device_id)
    with store.engine.connect() as conn:
        rows: Any = conn.execute(stmt.order_by(c.seq))
        for row in rows:
            envelope = dict(row._mapping)
            try:
                event = json.loads(envelope.pop("value"))
            except (TypeError, ValueError, RecursionError):
                event = None
            yield HeldEvent(str(envelope.pop("device_id")), envelope, event)


def envelope_problem(envelope: Mapping[str, Any], event: Mapping[str, Any]) -> str | None:
    """Which column of the change disagrees with the event it carries, if any."""
    if envelope["op"] != "append" or envelope["field"] is not None or envelope["bases"]:
        return "is stored as something other than an appended event"
    for column, field_name in _RESTATED:
        if envelope[column] != event.get(field_name):
            return f"is stored with a {column} that is not its own"
    recorded = instant(envelope["recorded_at"])
    if recorded is None or recorded != instant(event.get("at")):
        return "is stored with a recorded_at that is not its own"
    return None


def instant(text: object) -> datetime | None:
    """A stored time (ISO text; one without a zone is UTC), or None when it is not one."""
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _devices(store: ServerStore) -> list[str]:
    with store.engine.connect() as conn:
        return sorted(
            conn.execute(
                select(s.changes.c.device_id).where(s.changes.c.entity == AUDIT).distinct()
            ).scalars()
        )


def verify_server(store: ServerStore) -> ServerAuditReport:
    """Every device's chain, one device in memory at a time."""
    report = ServerAuditReport()
    for device in _devices(store):
        links: list[Link] = []
        for held in audit_rows(store, device):
            row = held.event
            if not isinstance(row, dict) or not isinstance(row.get("device_seq"), int):
                report.problems.append(ChainProblem(device, 0, "holds an unreadable event"))
                continue
            if row.get("device_id") != held.pusher:
                report.problems.append(
                    ChainProblem(device, row["device_seq"], "names a device other than its sender")
                )
            if problem := envelope_problem(held.envelope, row):
                report.problems.append(ChainProblem(device, row["device_seq"], problem))
            links.append(
                Link(
                    device,
                    row["device_seq"],
                    str(row.get("prev_hash")),
                    str(row.get("hash")),
                    hash_of(row),
                )
            )
        links.sort(key=lambda link: link.device_seq)
        checked, problems, heads = check_chains(links)
        report.problems.extend(problems)
        report.devices.append(DeviceChain(device, checked, heads.get(device, (0, ""))[0]))
    return report
