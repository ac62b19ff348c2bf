"""No change lost, none duplicated: the one accounting the reliability tests
(tests/reliability/helpers.py) and bench/load.py share.

Lost: a change this laptop made that the server does not hold, unless the laptop
still shows it to its user; or one the server holds from this laptop that the laptop
no longer has. A change the server refused is not on the server: it counts as lost
unless the app's own status service (app.services.profile.sync_status, the status bar's
count of changes not yet taken by a server) still counts it.

Duplicated: change ids are unique by construction (both tables have a unique
constraint), so counting repeated ids proves little. Duplicates are counted by
content instead, from the tables themselves: the same note (person, author, time,
kind, text) twice; the same person (NHS number) twice; the same field set to the
same value twice in a row by the same laptop (a change applied twice under two ids).
Repeated ids are still counted, for completeness.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.services.profile.sync_status import pending_changes
from app.workspace import Workspace
from storage.tables import ChangeRecord, ContactNote, Person
from sync.client.problems import counts as problem_counts
from sync.server import schema
from sync.server.validation import DIRECTORY


@dataclass
class LaptopSide:
    """What one laptop holds of its own changes, and what it shows its user."""

    device_id: str
    mine: list[str]  # change ids this laptop made (directory entities aside)
    waiting: set[str]  # of those, the ones no server has taken: refused, or not sent yet
    # What the laptop still shows its user: changes waiting (the status bar) and changes
    # the server refused (Sync problems, each with its reason).
    shown: int
    duplicates: Counter[str] = field(default_factory=Counter)


@dataclass
class ServerSide:
    """What the server holds from one laptop."""

    ids: list[str]
    records: set[str]  # the ids of those that are not audit events
    duplicates: Counter[str] = field(default_factory=Counter)


@dataclass
class Tally:
    """What one comparison saw."""

    changes: int
    lost: int
    duplicated: int
    refused_shown: int = 0  # not on the server, still shown on the laptop: not lost
    where: dict[str, int] = field(default_factory=dict)  # duplicates by kind and place


def laptop_side(ws: Workspace) -> LaptopSide:
    with ws.store.read() as session:
        rows = session.execute(
            select(ChangeRecord.change_id, ChangeRecord.pushed_at).where(
                ChangeRecord.device_id == ws.store.device_id,
                ChangeRecord.entity.not_in(DIRECTORY),
            )
        ).all()
        duplicates = laptop_duplicates(session)
        refused = problem_counts(session.connection()).refused
    return LaptopSide(
        device_id=ws.store.device_id,
        mine=[r.change_id for r in rows],
        waiting={r.change_id for r in rows if r.pushed_at is None},
        shown=pending_changes(ws) + refused,
        duplicates=duplicates,
    )


def laptop_duplicates(session: Session) -> Counter[str]:
    """Copies beyond the first, by content, in this replica's own tables."""
    found: Counter[str] = Counter()
    note = ContactNote
    repeated_notes = session.execute(
        select(func.count())
        .select_from(note)
        .group_by(
            note.person_id, note.author_id, note.occurred_at, note.contact_type, note.narrative
        )
        .having(func.count() > 1)
    ).scalars()
    found["note"] = sum(n - 1 for n in repeated_notes)
    repeated_people = session.execute(
        select(func.count())
        .select_from(Person)
        .where(Person.nhs_number.is_not(None))
        .group_by(Person.nhs_number)
        .having(func.count() > 1)
    ).scalars()
    found["person"] = sum(n - 1 for n in repeated_people)
    c = ChangeRecord
    sets = session.execute(
        select(c.entity, c.entity_id, c.field, c.device_id, c.value)
        .where(c.op == "set")
        .order_by(c.entity, c.entity_id, c.field, c.hlc)
    ).all()
    found["field value"] = _set_twice(sets)
    return found


def server_side(conn: Connection, device_id: str) -> ServerSide:
    c = schema.changes.c
    rows = conn.execute(
        select(c.change_id, c.entity, c.op, c.value).where(c.device_id == device_id)
    ).all()
    found: Counter[str] = Counter()
    notes: Counter[tuple[Any, ...]] = Counter()
    people: Counter[str] = Counter()
    for row in rows:
        if row.entity == "contact_note" and row.op == "append":
            notes[_note_content(row.value)] += 1
        elif row.entity == "person" and row.op == "create":
            nhs = (json.loads(row.value or "{}") or {}).get("nhs_number")
            if nhs:
                people[str(nhs)] += 1
    found["note"] = sum(n - 1 for n in notes.values())
    found["person"] = sum(n - 1 for n in people.values())
    sets = conn.execute(
        select(c.entity, c.entity_id, c.field, c.device_id, c.value)
        .where(c.op == "set")
        .order_by(c.entity, c.entity_id, c.field, c.hlc)
    ).all()
    found["field value"] = _set_twice(sets, only=device_id)
    return ServerSide(
        ids=[r.change_id for r in rows],
        records={r.change_id for r in rows if r.entity != "audit_event"},
        duplicates=found,
    )


def tally(laptop: LaptopSide, server: ServerSide) -> Tally:
    mine, theirs = set(laptop.mine), set(server.ids)
    missing = mine - theirs
    # Marked as taken by a server, yet not there: lost, whatever the laptop says.
    lost = len(missing - laptop.waiting)
    # Refused (or never sent): lost unless the status service still counts them.
    still_here = len(missing & laptop.waiting)
    shown = min(still_here, laptop.shown)
    lost += still_here - shown
    # Held by the server and gone from here. Audit events are never sent back to
    # laptops: those the laptop no longer holds (after a restore, an eviction) keep
    # their places as pruned chain links.
    lost += len(server.records - mine)
    where = {f"laptop {k}": n for k, n in laptop.duplicates.items() if n}
    where |= {f"server {k}": n for k, n in server.duplicates.items() if n}
    by_id = _repeats(laptop.mine) + _repeats(server.ids)
    if by_id:
        where["change id"] = by_id
    return Tally(
        changes=len(laptop.mine),
        lost=lost,
        duplicated=sum(where.values()),
        refused_shown=shown,
        where=where,
    )


def _repeats(ids: list[str]) -> int:
    return sum(n - 1 for n in Counter(ids).values())


def _note_content(value: str | None) -> tuple[Any, ...]:
    """What makes two notes the same note: as the laptop compares them (its table
    stores times in UTC without an offset, so the time is compared that way too)."""
    row = dict(json.loads(value or "{}") or {})
    when = row.get("occurred_at")
    if when:
        moment = datetime.fromisoformat(str(when))
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        when = moment.isoformat()
    keys = ("person_id", "author_id", "contact_type", "narrative")
    return (when, *(row.get(k) for k in keys))


def _set_twice(rows: Iterable[Any], only: str | None = None) -> int:
    """Rows (entity, entity_id, field, device_id, value) in HLC order per field: a set
    straight after the same laptop set the same field to the same value is a repeat.
    (A field set to what it already holds writes no change, so this never happens
    by itself.)"""
    repeats = 0
    previous: tuple[Any, ...] | None = None
    for row in rows:
        current = tuple(row)
        if previous is not None and current == previous and (only is None or current[3] == only):
            repeats += 1
        previous = current
    return repeats
