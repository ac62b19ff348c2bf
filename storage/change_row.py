"""The change row, defined once: the fields every change carries, in the order the
wire (sync.protocol.Change), the laptop's journal (storage/tables/journal.py
ChangeRecord), the laptop's outbox query and the server's `changes` table all use.
Each of those is derived from CHANGE_FIELDS or pinned to it by a test
(tests/sync/test_change_row.py), so a new field is added here first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from operator import attrgetter
from typing import Any, Protocol

CHANGE_FIELDS: tuple[str, ...] = (
    "change_id",
    "hlc",
    "device_id",
    "author_id",
    "organisation_id",
    "entity",
    "entity_id",
    "op",
    "field",
    "value",
    "bases",
    "recorded_at",
)
# The laptop's journal also keeps whether, and how, the server took each change.
JOURNAL_ONLY: tuple[str, ...] = ("pushed_at", "push_error")
# A pulled change's journal row, in this order (journal_rows).
JOURNAL_FIELDS: tuple[str, ...] = (*CHANGE_FIELDS, *JOURNAL_ONLY)
# The value a pulled append is journalled with: none, its row is in its table.
ROW_IN_ITS_TABLE = None

# A time as the journal writes it, in UTC: "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00" (every
# laptop's outbox and every server sends a change's `recorded_at` so; storage/rawwrite.py
# stores it without parsing).
JOURNAL_UTC = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?\+00:00"
)
NAMES_ITSELF = "it names itself as a change it replaces"
RECORDED_AT_UNREADABLE = "when it was recorded is not a time in UTC"

# Every field of a change in one call (C), then the three a journal row changes.
_FIELDS_OF = attrgetter(*CHANGE_FIELDS)
_VALUE, _BASES, _RECORDED_AT = (CHANGE_FIELDS.index(n) for n in ("value", "bases", "recorded_at"))


class ChangeLike(Protocol):
    """A change as storage reads one (sync.protocol.Change is one): journal_rows reads
    every field of CHANGE_FIELDS by name; replay reads these."""

    @property
    def change_id(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def entity_id(self) -> str: ...
    @property
    def op(self) -> str: ...
    @property
    def value(self) -> str | None: ...
    @property
    def bases(self) -> list[str]: ...
    @property
    def recorded_at(self) -> str: ...


def envelope_problem(change: ChangeLike) -> str | None:
    """What no replica may hold in a change's own fields, whatever its record, or None.
    The server refuses such a change (from a laptop or a partner) and a laptop keeps
    one aside, by this one rule: a change that replaces itself (its bases name it), or
    whose `recorded_at` is not a real UTC time in the journal's own form (a laptop
    cannot store another, and the server's audit report compares the text)."""
    if change.change_id in change.bases:
        return NAMES_ITSELF
    at = change.recorded_at
    if not (isinstance(at, str) and JOURNAL_UTC.fullmatch(at)):
        return RECORDED_AT_UNREADABLE
    try:
        datetime.fromisoformat(at)
    except ValueError:  # the right shape, not a real time (a 31 June, a 25th hour)
        return RECORDED_AT_UNREADABLE
    return None


def journal_rows(
    changes: Iterable[ChangeLike], pushed_at: Any, stored_time: Callable[[Any], Any]
) -> list[tuple[Any, ...]]:
    """Changes as the laptop journals them once pulled (taken by the server already:
    `pushed_at`, its stored form), each a tuple in JOURNAL_FIELDS order, ready for the
    journal's insert (a pull writes thousands: no dict a row). `bases` is stored as
    JSON text, or NULL for none; `recorded_at` as `stored_time` makes it (the table's
    stored form: storage/rawwrite.py).

    A pulled append keeps no second copy of its row (`ROW_IN_ITS_TABLE`): an
    append-only row never changes, so the row in its table is its value, and the
    server holds the change whole. The journal row still says which change made
    which record, when and by whom, so duplicates, reverts and `onerecord check`
    (that each such record is there) work as before. The laptop's own appends keep
    their value until and after they are pushed (the outbox sends it)."""
    rows = []
    beside = (pushed_at, None)  # JOURNAL_ONLY: pushed_at, push_error
    for change in changes:
        row = list(_FIELDS_OF(change))
        if change.op == "append":
            row[_VALUE] = ROW_IN_ITS_TABLE
        bases = row[_BASES]
        row[_BASES] = json.dumps(bases) if bases else None
        row[_RECORDED_AT] = stored_time(row[_RECORDED_AT])
        rows.append((*row, *beside))
    return rows
