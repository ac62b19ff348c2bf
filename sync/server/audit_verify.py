"""The server's copy of every laptop's audit chain, re-verified.

Each laptop pushes its audit events in chain order, and the server keeps them out
of every laptop's reach (they are never sent back down). So the server can check
each device's chain from the events it holds, with the same checker the laptop
uses (storage.audit_log.check_chains): an event edited in the server's database,
removed from the middle, reordered, or pushed under another device's name is
reported. The newest events removed from the server's copy show up as a gap as
soon as that laptop pushes again; a laptop that never syncs again leaves that end
unprovable (see docs/security.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
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


def audit_rows(store: ServerStore, device_id: str | None = None) -> Iterator[tuple[str, Any]]:
    """(pushing device, the event's journalled fields) for every audit event held."""
    stmt = select(s.changes.c.device_id, s.changes.c.value).where(s.changes.c.entity == AUDIT)
    if device_id is not None:
        stmt = stmt.where(s.changes.c.device_id == device_id)
    with store.engine.connect() as conn:
        rows: Any = conn.execute(stmt.order_by(s.changes.c.seq))
        for pusher, value in rows:
            try:
                yield str(pusher), json.loads(value)
            except (TypeError, ValueError):
                yield str(pusher), None


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
        for pusher, row in audit_rows(store, device):
            if not isinstance(row, dict) or not isinstance(row.get("device_seq"), int):
                report.problems.append(ChainProblem(device, 0, "holds an unreadable event"))
                continue
            if row.get("device_id") != pusher:
                report.problems.append(
                    ChainProblem(device, row["device_seq"], "names a device other than its sender")
                )
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
