"""Keeping this laptop's audit chain whole across a restore (storage.restore).

The copy being restored ends its chain at some event; the database it replaces
went further. Each later event either:

- was already sent to the server: it keeps its place as a pruned link (seq ->
  hash, as after an eviction), since the server holds it and audit events are
  never sent back down; or
- was never sent: it is carried over into the copy, row and change record, so it
  is pushed at the next sync and the server's copy of the chain has no gap. (An
  unsent event about a person the copy does not hold cannot be carried: the
  record it points to is not there. It keeps its place as a link, and the
  replaced database, kept as a backup, still holds it.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from storage.audit_pruned import read_pruned, record_pruned


@dataclass
class Lacking:
    """What the copy lacks of this device's chain after its own head."""

    links: dict[int, str] = field(default_factory=dict)
    unsent_events: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def later_events(current: Any, sa_current: Connection, device_id: str, head: int) -> Lacking:
    """Read from the database being replaced (`current`: DB-API, `sa_current`: the same
    file through SQLAlchemy for the pruned links)."""
    lacking = Lacking()
    for seq, digest in current.execute(
        "SELECT device_seq, hash FROM audit_event WHERE device_id = ? AND device_seq > ?",
        (device_id, head),
    ):
        lacking.links[int(seq)] = str(digest)
    lacking.links.update({s: h for s, h in read_pruned(sa_current).items() if s > head})
    events = _rows(
        current.execute(
            "SELECT a.* FROM audit_event AS a JOIN change_journal AS c "
            "ON c.entity = 'audit_event' AND c.entity_id = a.id "
            "WHERE a.device_id = ? AND a.device_seq > ? AND c.pushed_at IS NULL",
            (device_id, head),
        )
    )
    for event in events:
        journal = _rows(
            current.execute(
                "SELECT * FROM change_journal WHERE entity = 'audit_event' AND entity_id = ?",
                (event["id"],),
            )
        )
        for record in journal:
            record.pop("seq", None)  # the copy numbers its own journal
            lacking.unsent_events.append((event, record))
    return lacking


def carry_over(conn: Connection, device_id: str, lacking: Lacking) -> int:
    """Write into the copy (inside its transaction). Returns how many events were carried."""
    links = dict(lacking.links)
    carried = 0
    for event, record in lacking.unsent_events:
        person = event.get("person_id")
        if (
            person is not None
            and not conn.execute(
                text("SELECT 1 FROM person WHERE id = :id"), {"id": person}
            ).first()
        ):
            continue
        _insert(conn, "audit_event", event)
        _insert(conn, "change_journal", record)
        links.pop(int(event["device_seq"]), None)
        carried += 1
    record_pruned(conn, device_id, links)
    return carried


def _insert(conn: Connection, table: str, row: dict[str, Any]) -> None:
    # Table and column names come from the database's own schema (SELECT *), never
    # from input; values are bound. Raw values go back exactly as they were stored.
    columns = ", ".join(row)
    marks = ", ".join(f":{name}" for name in row)
    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), row)  # noqa: S608
