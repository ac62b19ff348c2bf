"""Does the data match its change journal? Replays the journal and compares, table by table.

Memory stays flat: journal rows and table rows are both walked in id order
and merge-joined, so a 100,000-note profile is checked without loading it.

An append-only row pulled from the server is journalled without a copy of its
values (storage.change_row.ROW_IN_ITS_TABLE): for it the check is that the row is
there (and not deleted), not what it holds; its content is the server's change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.codec import encode, journalled_columns
from storage.conflicts import FOLDED
from storage.merge import fold
from storage.tables import ChangeRecord, journalled_tables
from storage.tables.base import Base
from storage.withheld import shown_row


@dataclass(frozen=True)
class Mismatch:
    entity: str
    entity_id: str
    problem: str


# The journal says the record is there, its values being in its table only.
_IN_ITS_TABLE: dict[str, Any] = {}


def _replayed(session: Session, entity: str) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """(entity id, its state by storage.merge; None when deleted or never created;
    _IN_ITS_TABLE for a pulled append, whose values the journal does not copy)."""
    rows = session.execute(
        select(ChangeRecord.entity_id, *FOLDED)
        .where(ChangeRecord.entity == entity)
        .order_by(ChangeRecord.entity_id)
        .execution_options(yield_per=2000)
    )
    for entity_id, group in groupby((dict(r._mapping) for r in rows), key=itemgetter("entity_id")):
        state = fold(group)
        if state.deleted or not state.created:
            yield entity_id, None
        elif state.row_in_its_table and not state.values:
            yield entity_id, _IN_ITS_TABLE
        else:
            # Values the server withheld are stored as the placeholder (storage.withheld).
            yield entity_id, shown_row(state.values)


def _stored(session: Session, cls: type[Base]) -> Iterator[tuple[str, dict[str, Any]]]:
    keys = journalled_columns(cls)
    table: Any = cls.__table__
    columns = [table.c[k] for k in keys]
    rows = session.execute(select(*columns).order_by(table.c.id).execution_options(yield_per=2000))
    for row in rows:
        values = {k: encode(v) for k, v in zip(keys, row, strict=True)}
        yield str(values["id"]), values


def check_table(session: Session, entity: str, cls: type[Base]) -> tuple[int, list[Mismatch]]:
    problems: list[Mismatch] = []
    checked = 0
    journal = _replayed(session, entity)
    stored = _stored(session, cls)
    j = next(journal, None)
    s = next(stored, None)
    while j is not None or s is not None:
        if s is None or (j is not None and j[0] < s[0]):
            assert j is not None
            if j[1] is not None:
                problems.append(Mismatch(entity, j[0], "in the journal but missing from the data"))
            j = next(journal, None)
        elif j is None or s[0] < j[0]:
            problems.append(Mismatch(entity, s[0], "in the data but never journalled"))
            checked += 1
            s = next(stored, None)
        else:
            checked += 1
            if j[1] is None:
                problems.append(
                    Mismatch(entity, s[0], "deleted in the journal but still in the data")
                )
            elif j[1] is not _IN_ITS_TABLE:
                fields = sorted(k for k in s[1] if j[1].get(k) != s[1][k])
                if fields:
                    problems.append(
                        Mismatch(entity, s[0], f"differs from the journal in {', '.join(fields)}")
                    )
            j = next(journal, None)
            s = next(stored, None)
    return checked, problems


def check_journal(session: Session) -> tuple[int, list[Mismatch]]:
    """(rows checked, mismatches) across every journalled table."""
    total = 0
    problems: list[Mismatch] = []
    for entity, cls in sorted(journalled_tables().items()):
        checked, found = check_table(session, entity, cls)
        total += checked
        problems.extend(found)
    return total, problems
