"""Journal replay: pulled changes into the laptop's change journal, and every record
they touch rebuilt from its whole journal (storage.merge), so the result does not
depend on the order changes arrived in, and replaying a page again changes nothing.

The sync client (sync/client/apply.py) decides which changes may be replayed and
keeps aside any that cannot; this module only writes, inside the caller's
transaction. It works beside merge.py and conflicts.py on the journal's own tables.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from storage.change_row import JOURNAL_FIELDS, ChangeLike, journal_rows
from storage.codec import decode_row, journalled_columns
from storage.conflicts import FOLDED, refresh_conflicts
from storage.merge import EntityState, created_whole, fold
from storage.rawwrite import insert_rows, present, stored_form, stored_utc
from storage.summary_bulk import insert_many_summarised
from storage.tables import ChangeRecord, SyncConflict, journalled_tables
from storage.tables.base import Base
from storage.withheld import MARK, shown_row

_TABLES = journalled_tables()
_JOURNAL: Any = ChangeRecord.__table__
# A pulled change's time as the journal stores it (as SQLAlchemy would).
_STORED_TIME = stored_form(_JOURNAL.c.recorded_at.type)
_CHUNK = 500
# Parents before children (SQLAlchemy's own dependency order of the tables).
_RANK = {table.name: rank for rank, table in enumerate(Base.metadata.sorted_tables)}


@dataclass
class Replayed:
    """What a replay did: how many records it wrote and removed, and whose records
    they were (ids only), so the app refreshes those people and no one else."""

    written: int = 0
    removed: int = 0
    people: set[str] = field(default_factory=set)
    # A record that belongs to no one person (a staff member, organisation, team or
    # locality) changed: its name may show in anyone's record.
    shared: bool = False

    def add(self, other: Replayed) -> None:
        self.written += other.written
        self.removed += other.removed
        self.people |= other.people
        self.shared = self.shared or other.shared


def _owner_column(cls: type[Base]) -> Any:
    """The column naming whose record a row belongs to: a person's own id, a child
    row's person_id, or None for a record shared by everyone's."""
    table: Any = cls.__table__
    if cls.__tablename__ == "person":
        return table.c.id
    return table.c.person_id if "person_id" in table.c else None


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def records_touched(changes: Sequence[ChangeLike]) -> dict[str, list[str]]:
    """kind -> the ids of the records these changes touch, each once, in order."""
    touched: dict[str, list[str]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for change in changes:
        key = (change.entity, change.entity_id)
        if key not in seen:
            seen.add(key)
            touched[change.entity].append(change.entity_id)
    return touched


def records_removed(changes: Sequence[ChangeLike]) -> dict[str, list[str]]:
    """kind -> the ids of the records these changes remove."""
    removed: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        if change.op == "delete":
            removed[change.entity].append(change.entity_id)
    return removed


def parents_first(touched: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Each kind's records after those of the kinds it refers to. Pulls write with
    foreign keys deferred, and while any reference is still dangling SQLite looks
    for the children of every parent row written (a whole-table scan where the
    child column has no index). Written in page order, a 5,000-person team's first
    download in 20,000-change pages had not finished after 150 s; parents first, 28 s."""
    return sorted(touched.items(), key=lambda kind: _RANK[kind[0]])


def replay(
    conn: Connection,
    fresh: Sequence[ChangeLike],
    now: datetime,
    parsed: dict[str, Any],
    touched: dict[str, list[str]] | None = None,
) -> Replayed:
    """Journal these changes (taken by the server already) and bring every record they
    touch up to date. `parsed`: each whole row's value by change id, as the caller
    read it; `touched`: records_touched(fresh), when the caller has it."""
    insert_rows(conn, _JOURNAL, JOURNAL_FIELDS, journal_rows(fresh, stored_utc(now), _STORED_TIME))
    fresh_by_key = {(c.entity, c.entity_id): c for c in fresh}
    lone = _lone_creates(fresh, parsed)
    done = Replayed()
    for entity, ids in parents_first(touched if touched is not None else records_touched(fresh)):
        cls = _TABLES[entity]
        if cls.__journal__ == "append":
            # Append-only rows arrive whole, once, and never change: no merge needed.
            news = [fresh_by_key[(entity, i)] for i in ids]
            done.add(_insert_new(conn, cls, news, parsed))
            continue
        done.add(_rebuild(conn, cls, entity, ids, now, parsed, lone.get(entity)))
    return done


def _lone_creates(
    fresh: Sequence[ChangeLike], parsed: dict[str, Any]
) -> dict[str, dict[str, ChangeLike]]:
    """kind -> id -> the create, for each record this page touches only by creating
    it (its value read already). If that create is the record's whole journal, the
    record is its value: `_rebuild` then reads no journal rows for it."""
    count: dict[tuple[str, str], int] = defaultdict(int)
    for change in fresh:
        count[(change.entity, change.entity_id)] += 1
    lone: dict[str, dict[str, ChangeLike]] = defaultdict(dict)
    for change in fresh:
        key = (change.entity, change.entity_id)
        if change.op == "create" and count[key] == 1 and change.change_id in parsed:
            lone[change.entity][change.entity_id] = change
    return lone


def _created_alone(conn: Connection, entity: str, creates: dict[str, ChangeLike]) -> list[str]:
    """Which of these records the journal holds exactly one change for, and that change
    the given create (from its index on kind and id, and the change id; not the rows).
    Anything else (more changes, none, another one) and the record is folded."""
    if not creates:
        return []
    # The kind is ours; the ids only ever as one parameter.
    found = conn.exec_driver_sql(
        "SELECT entity_id, min(change_id) FROM change_journal WHERE entity = ? AND entity_id IN "
        "(SELECT value FROM json_each(?)) GROUP BY entity_id HAVING count(*) = 1",
        (entity, json.dumps(list(creates))),
    )
    return [str(i) for i, change_id in found if change_id == creates[str(i)].change_id]


def revert(
    conn: Connection, entity: str, entity_id: str, change_ids: list[str], now: datetime
) -> None:
    """Take these changes back out: the record is what the rest of its journal says."""
    conn.execute(delete(ChangeRecord).where(ChangeRecord.change_id.in_(change_ids)))
    cls = _TABLES[entity]
    if cls.__journal__ != "append":
        _rebuild(conn, cls, entity, [entity_id], now)
        return
    left = conn.execute(
        select(ChangeRecord.seq).where(
            ChangeRecord.entity == entity, ChangeRecord.entity_id == entity_id
        )
    ).first()
    if left is None:
        table: Any = cls.__table__
        conn.execute(delete(table).where(table.c.id == entity_id))


def _insert_new(
    conn: Connection, cls: type[Base], changes: list[ChangeLike], parsed: dict[str, Any]
) -> Replayed:
    table: Any = cls.__table__
    existing = present(conn, table, "id", [c.entity_id for c in changes])
    rows = [
        # A value the server withheld is stored as the placeholder (storage.withheld);
        # almost no row carries one, and looking for its name is cheaper than a walk.
        shown_row(parsed[change.change_id]) if MARK in change.value else parsed[change.change_id]
        for change in changes
        if change.entity_id not in existing and change.op == "append" and change.value is not None
    ]
    # Journal JSON already holds ISO dates and times: insert_many stores them as SQLAlchemy would.
    insert_many_summarised(conn, table, rows)
    people = {row["person_id"] for row in rows if row.get("person_id")}
    return Replayed(written=len(rows), people=people, shared=_owner_column(cls) is None)


def _rebuild(
    conn: Connection,
    cls: type[Base],
    entity: str,
    ids: list[str],
    now: datetime,
    parsed: dict[str, Any] | None = None,
    lone: dict[str, ChangeLike] | None = None,
) -> Replayed:
    """`lone`: id -> the create, for records the caller's page touched only by
    creating them (`_lone_creates`)."""
    table: Any = cls.__table__
    owner = _owner_column(cls)
    done = Replayed(shared=owner is None)
    columns = journalled_columns(cls)
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    existing: set[str] = set()
    conflicted: set[str] = set()
    # Records whose whole journal is the create just journalled (most of a first
    # download): their value is that create's, so their journal rows are not read
    # back. Any other row for one (a change that came first, on an earlier page)
    # and it is folded like the rest.
    whole: dict[str, ChangeLike] = {}
    for chunk in _chunks(ids):
        conflicted.update(
            conn.execute(
                select(SyncConflict.entity_id).where(
                    SyncConflict.entity == entity, SyncConflict.entity_id.in_(chunk)
                )
            ).scalars()
        )
        created = {i: lone[i] for i in chunk if i in lone and i not in conflicted} if lone else {}
        whole.update((i, created[i]) for i in _created_alone(conn, entity, created))
        folded = [i for i in chunk if i not in whole]
        if folded:
            for row in conn.execute(
                select(ChangeRecord.entity_id, *FOLDED).where(
                    ChangeRecord.entity == entity, ChangeRecord.entity_id.in_(folded)
                )
            ).all():
                rows[row.entity_id].append(dict(row._mapping))
        if owner is None:
            existing.update(conn.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
        else:
            # Whose record each one was before: a removed row is gone afterwards.
            for row in conn.execute(select(table.c.id, owner).where(table.c.id.in_(chunk))):
                existing.add(str(row[0]))
                if row[1]:
                    done.people.add(str(row[1]))
    inserts: list[dict[str, Any]] = []
    for entity_id in ids:
        create = whole.get(entity_id)
        if create is not None and parsed is not None:
            created_values: dict[str, Any] | None = dict(parsed[create.change_id])
            texts = [create.value]
        else:
            created_values = (
                None if entity_id in conflicted else created_whole(rows[entity_id], parsed)
            )
            texts = [row["value"] for row in rows[entity_id]]
        state: EntityState = (
            EntityState(deleted=False, created=True, values=created_values, heads={})
            if created_values is not None
            else fold(rows[entity_id])
        )
        if state.deleted or not state.created:
            if entity_id in existing:
                conn.execute(delete(table).where(table.c.id == entity_id))
                done.removed += 1
        else:
            values = {k: state.values.get(k) for k in columns}
            if entity_id in existing:
                values = decode_row(cls, values)
                conn.execute(update(table).where(table.c.id == entity_id).values(**values))
            else:
                # The journal's ISO text goes in as it is: insert_many stores it in the
                # form SQLAlchemy would (storage/rawwrite.py), so no parsing to and fro,
                # and fills the columns no change carries with NULL. A withheld value
                # is stored as the placeholder; almost no record has one, and its name
                # in the journal's text is cheaper to look for than a walk of every field.
                if any(MARK in (text or "") for text in texts):
                    values = shown_row(values)
                inserts.append(values)
            done.written += 1
            if owner is not None:
                person_id = entity_id if owner.key == "id" else values.get(owner.key)
                if person_id:
                    done.people.add(person_id)
        if state.conflicts or entity_id in conflicted:
            refresh_conflicts(conn, entity, entity_id, now, state)
    insert_many_summarised(conn, table, inserts)
    return done
