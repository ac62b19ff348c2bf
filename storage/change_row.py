"""The change row, defined once: the fields every change carries, in the order the
wire (sync.protocol.Change), the laptop's journal (storage/tables/journal.py
ChangeRecord), the laptop's outbox query and the server's `changes` table all use.
Each of those is derived from CHANGE_FIELDS or pinned to it by a test
(tests/sync/test_change_row.py), so a new field is added here first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
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
