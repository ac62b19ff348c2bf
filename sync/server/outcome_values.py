"""How a record the outcome report reads gets its values from its changes, and a
contact note its time: one definition for the report's pass over the journal
(`outcome_journal`) and for the table kept beside it (`outcome_records`), so the two
cannot differ. Nothing here touches a database.

A record made once and never changed (most records; every append-only one) is its
create's values as they stand and skips the fold (`values_of`; a test holds the two
paths equal). What cannot be read raises one of READ_ERRORS, and the caller leaves the
record out and counts it by kind (`Unreadable`), never logging its value.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic_core import from_json

from storage.merge import fold
from sync.server.outcome_sql import CREATES, Kind

logger = logging.getLogger(__name__)

# What reading a record's changes raises when they cannot be read: a value that is not
# JSON or not a record (ValueError, TypeError), nested past the parser's depth, or of a
# shape no reading foresaw (IndexError). Bases that name each other round in a circle
# no longer fail the fold (storage.merge.heads: every version stands, a conflict).
READ_ERRORS = (ValueError, TypeError, IndexError, RecursionError)


@dataclass
class Unreadable:
    """Records left out because a value could not be read, by kind; no values kept."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, entity: str, count: int = 1) -> None:
        self.counts[entity] += count

    def log(self) -> None:
        for entity, count in sorted(self.counts.items()):
            logger.warning(
                "outcome report: %d %s record(s) could not be read and were left out",
                count,
                entity,
            )


class Record(NamedTuple):
    """One record as the report reads it (a tuple: half a million are made at once,
    and a frozen dataclass costs twice as much to make)."""

    entity_id: str
    person_id: str
    values: dict[str, Any]


@dataclass
class Journal:
    """What the report read: each kind's records (in no particular order), and each
    person's contacts as `outcome_typed.contact_of` gives them (None: a time that
    cannot be read)."""

    records: dict[str, list[Record]]
    note_times: dict[str, list[tuple[int, int] | None]]


@dataclass(frozen=True)
class NoteTime:
    """A contact note as the report reads it: `readable` false when it is not a JSON
    record; `contact` false for a correction (a note that amends another: no contact);
    `time` when it happened as stored, None when that is not text."""

    readable: bool
    contact: bool
    time: str | None


def note_time(raw: Any) -> NoteTime:
    try:
        whole = from_json(str(raw))
    except ValueError:
        return NoteTime(readable=False, contact=False, time=None)
    return note_of(whole)


def note_of(whole: Any) -> NoteTime:
    """`note_time` of a note's value already parsed (as a push has parsed it)."""
    if not isinstance(whole, dict):
        return NoteTime(readable=False, contact=False, time=None)
    if whole.get("amends_id") is not None:
        return NoteTime(readable=True, contact=False, time=None)
    time = whole.get("occurred_at")
    return NoteTime(readable=True, contact=True, time=time if isinstance(time, str) else None)


def wanted_of(kind: Kind, value: Any) -> dict[str, Any]:
    """A create's wanted fields, from its value as stored (JSON text). ValueError or
    TypeError: it cannot be read."""
    whole = from_json(value)
    if not isinstance(whole, dict):
        raise TypeError("not a record")
    cut = {name: whole.get(name) for name in kind.names}
    for f in kind.fields:
        if f.inside is not None:
            holder = whole.get(f.inside)
            inner = from_json(holder) if isinstance(holder, str) else None
            cut[f.name] = inner.get(f.name) if isinstance(inner, dict) else None
    return cut


def wanted(kind: Kind, op: str, fld: str | None) -> bool:
    """Whether a change can move a wanted value: a create, a removal, or a set of one
    of the kind's own fields (a set of any other field cannot)."""
    return op in ("create", "append", "delete") or (op == "set" and fld in kind.names)


def values_of(kind: Kind, changes: Sequence[tuple[Any, ...]]) -> dict[str, Any] | None:
    """One record's wanted values from its wanted changes, as rows (entity, entity_id,
    person_id, change_id, hlc, device_id, op, field, bases, value, _): a lone create as
    it stands, anything else folded. None: removed, or never created."""
    if len(changes) == 1 and changes[0][6] in CREATES:
        return wanted_of(kind, changes[0][9])
    rows = [
        {
            "change_id": change_id,
            "hlc": hlc,
            "device_id": device_id,
            "op": op,
            "field": fld,
            "bases": bases,
            # The create cut down to the wanted fields: folding decides each field
            # on its own, so their values are those of folding the whole row.
            "value": json.dumps(wanted_of(kind, value)) if op in CREATES else value,
        }
        for _e, _i, _p, change_id, hlc, device_id, op, fld, bases, value, *_n in changes
    ]
    state = fold(rows)
    if state.deleted or not state.created:
        return None
    return {f.name: state.values.get(f.name) for f in kind.fields}
