"""One open record of a kind per person, where the tables declare it
(`__one_open__ = "<column>"`: open while that column is empty): a person has one
reablement episode under way at a time.

Two laptops may each start one offline; the first the server holds stays, and the
second's create (or a change reopening an ended one) is refused with a plain reason
its user sees, as any refusal (never stopping the rest of the push). The record as
it will stand after the batch decides: an episode started and ended in the same push
leaves nothing open and is taken.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from storage.tables import journalled_tables
from sync.protocol import Change
from sync.server import schema as s
from sync.server.journal_rows import JOURNAL_COLUMNS, as_journal_row, folded

_CHUNK = 500


def _declared() -> dict[str, str]:
    """entity -> the column that is empty while a record is open."""
    found: dict[str, str] = {}
    for name, cls in journalled_tables().items():
        column = getattr(cls, "__one_open__", None)
        if isinstance(column, str):
            found[name] = column
    return found


ONE_OPEN = _declared()


def reason(entity: str) -> str:
    return f"This person already has a {entity.replace('_', ' ')} under way: end it first."


def _journal_rows(
    conn: Connection, entity: str, people: list[str]
) -> dict[str, list[dict[str, Any]]]:
    c = s.changes
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(people), _CHUNK):
        for row in conn.execute(
            select(c.c.person_id, *JOURNAL_COLUMNS)
            .where(c.c.entity == entity, c.c.person_id.in_(people[start : start + _CHUNK]))
            .order_by(c.c.seq)
        ):
            mapping = dict(row._mapping)
            found[str(mapping.pop("person_id"))].append(mapping)
    return found


def _is_open(journal: list[dict[str, Any]], column: str) -> bool:
    """Whether the record these changes make is open; one the server cannot read is not
    counted (`journal_rows.folded`)."""
    state = folded(journal)
    return (
        state is not None
        and state.created
        and not state.deleted
        and state.values.get(column) is None
    )


def one_open_refusals(
    conn: Connection,
    kept: Sequence[tuple[Change, str | None]],
    rows: dict[str, dict[str, Any] | None],
) -> dict[str, str]:
    """change id -> why, for a create (or a reopening) that would leave a person with
    two open records of a kind declared one-open."""
    refused: dict[str, str] = {}
    for entity, column in ONE_OPEN.items():
        mine = [c for c, _owner in kept if c.entity == entity]
        claims = [
            c
            for c in mine
            if (c.op == "create" and (rows.get(c.change_id) or {}).get(column) is None)
            or (c.op == "set" and c.field == column and json.loads(c.value or "null") is None)
        ]
        if not claims:
            continue
        person_of = {c.entity_id: owner for c, owner in kept if c.entity == entity and owner}
        people = sorted({person_of.get(c.entity_id) or "" for c in claims} - {""})
        held = _journal_rows(conn, entity, people)
        for person_id in people:
            by_record: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in held.get(person_id, []):  # in the order the server took them
                by_record[row["entity_id"]].append(row)
            # What was open before this push: the one that stays, if any.
            open_before = [i for i, journal in by_record.items() if _is_open(journal, column)]
            for change in mine:
                if person_of.get(change.entity_id) == person_id:
                    by_record[change.entity_id].append(as_journal_row(change))
            still_open = [i for i, journal in by_record.items() if _is_open(journal, column)]
            if len(still_open) < 2:
                continue
            # The one the server held open first stays; else the first in this push.
            keep = next((i for i in open_before if i in still_open), still_open[0])
            for change in claims:
                if change.entity_id in still_open and change.entity_id != keep:
                    refused[change.change_id] = reason(entity)
    return refused
