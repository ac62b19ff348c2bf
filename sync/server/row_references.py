"""The record model's rules that need more than one change to judge, checked on the
server before a batch is stored (ServerStore._insert):

- references inside a person's record (the foreign keys of storage/tables: a goal's
  need, an action's goal, a note's amended note, any record's person) must name a
  record this server holds, not removed, and of the same person: a laptop stores
  a pulled row under foreign keys, and a row pointing at a record it does not hold
  (or may never hold: another person's) fails its every sync from then on;
- a rule tying two fields together (a consent refusal needs its reason) is judged
  on the whole record as it will stand, when a change sets one of those fields;
- a column the tables declare unique (a person's one care plan, one About me; an
  NHS number) must not take a value another record of that kind already holds: a
  laptop holding both could store neither;
- one open record of a kind per person where the tables say so (a reablement
  episode under way: `sync.server.one_open`);
- a record is created once (a second create of one id would move it to another
  person, or rewrite it whole), and a record that others refer to is never removed
  (a laptop removing it would break their references; the app never removes one).

One read per kind of record referred to, per batch, not one per change.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, or_, select

from app.services.write_rules.row_validity import row_problem, whole_row_rules
from storage.tables import journalled_tables
from sync.protocol import Change
from sync.server import schema as s
from sync.server.journal_rows import JOURNAL_COLUMNS, as_journal_row, folded
from sync.server.one_open import one_open_refusals
from sync.server.push_insert import one_of

logger = logging.getLogger(__name__)

_CHUNK = 500


def _references() -> dict[str, dict[str, str]]:
    """entity -> {column: the entity it refers to}, from the tables' foreign keys."""
    found: dict[str, dict[str, str]] = {}
    for name, cls in journalled_tables().items():
        for column in cls.__table__.columns:
            for key in column.foreign_keys:
                found.setdefault(name, {})[column.key] = key.column.table.name
    return found


REFERENCES = _references()


def _unique() -> dict[str, tuple[str, ...]]:
    """entity -> its columns declared unique in the tables."""
    found: dict[str, tuple[str, ...]] = {}
    for name, cls in journalled_tables().items():
        columns = tuple(c.key for c in cls.__table__.columns if c.unique)
        if columns:
            found[name] = columns
    return found


UNIQUE = _unique()

NOT_HELD = "The record refers to another record that this server does not hold."
REMOVED = "The record refers to another record that has been removed."
OTHER_PERSON = "The record refers to a record of another person."


def _wanted(
    kept: Sequence[tuple[Change, str | None]],
    rows: dict[str, dict[str, Any] | None],
    people: dict[str, list[str]] | None = None,
) -> list[tuple[Change, str | None, tuple[str, str]]]:
    """(change, its person, the (entity, id) it refers to), for every reference.
    With `people`, a record's reference to its own person (the commonest by far: every
    note of a large push) is gathered there instead, person id -> change ids, to be
    judged once per person."""
    wanted: list[tuple[Change, str | None, tuple[str, str]]] = []
    for change, owner in kept:
        refs = REFERENCES.get(change.entity)
        if not refs:
            continue
        if change.op in ("create", "append"):
            row = rows.get(change.change_id) or {}
            for column, target in refs.items():
                value = row.get(column)
                if not isinstance(value, str):
                    continue
                if people is not None and target == "person" and value == owner:
                    people.setdefault(value, []).append(change.change_id)
                else:
                    wanted.append((change, owner, (target, value)))
        elif change.op == "set" and change.field in refs:
            value = json.loads(change.value or "null")
            if isinstance(value, str):
                wanted.append((change, owner, (refs[change.field], value)))
    return wanted


def reference_refusals(
    conn: Connection,
    kept: Sequence[tuple[Change, str | None]],
    rows: dict[str, dict[str, Any] | None],
) -> dict[str, str]:
    """change id -> why, for changes whose references leave their person's record."""
    people: dict[str, list[str]] = {}
    wanted = _wanted(kept, rows, people)
    if not wanted and not people:
        return {}
    # The records referred to, by kind (no key is made per change of a large push).
    targets: dict[str, set[str]] = defaultdict(set)
    for _change, _owner, (entity, target_id) in wanted:
        targets[entity].add(target_id)
    if people:
        targets["person"].update(people)
    # What this batch itself creates or removes counts as held (or removed).
    owners: dict[tuple[str, str], str | None] = {}
    removed: set[tuple[str, str]] = set()
    for change, owner in kept:
        if change.entity_id not in targets.get(change.entity, ()):
            continue
        if change.op in ("create", "append"):
            owners[(change.entity, change.entity_id)] = owner
        elif change.op == "delete":
            removed.add((change.entity, change.entity_id))
    lookup: dict[str, set[str]] = defaultdict(set)
    for entity, ids in targets.items():
        lookup[entity].update(i for i in ids if (entity, i) not in owners)
    c = s.changes
    for entity, ids in lookup.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), _CHUNK):
            for row in conn.execute(
                select(c.c.entity_id, c.c.person_id, c.c.op).where(
                    c.c.entity == entity, c.c.entity_id.in_(ordered[start : start + _CHUNK])
                )
            ):
                key = (entity, row.entity_id)
                if row.op == "delete":
                    removed.add(key)
                elif row.op in ("create", "append"):
                    owners[key] = row.person_id
    refused: dict[str, str] = {}
    for change, owner, key in wanted:
        if change.change_id in refused:
            continue
        if key in removed:
            refused[change.change_id] = REMOVED
        elif key not in owners:
            refused[change.change_id] = NOT_HELD
        elif owners[key] != owner:
            refused[change.change_id] = OTHER_PERSON
    # A reference to the record's own person: their person record must be held and
    # not removed (it is theirs by construction), judged once per person.
    for person_id, change_ids in people.items():
        key = ("person", person_id)
        why = REMOVED if key in removed else NOT_HELD if key not in owners else None
        if why is not None:
            for change_id in change_ids:
                refused.setdefault(change_id, why)
    return refused


def whole_record_refusals(conn: Connection, kept: Sequence[Change]) -> dict[str, str]:
    """change id -> why, for sets of a field that a rule ties to others, when the
    record as it will stand (its journal folded with this batch) breaks that rule."""
    tied = [c for c in kept if c.op == "set" and c.field and whole_row_rules(c.entity, c.field)]
    if not tied:
        return {}
    by_entity: dict[str, set[str]] = defaultdict(set)
    for change in tied:
        by_entity[change.entity].add(change.entity_id)
    refused: dict[str, str] = {}
    for entity, ids in by_entity.items():
        journal: dict[str, list[dict[str, Any]]] = defaultdict(list)
        ordered = sorted(ids)
        for start in range(0, len(ordered), _CHUNK):
            for row in conn.execute(
                select(*JOURNAL_COLUMNS).where(
                    s.changes.c.entity == entity,
                    s.changes.c.entity_id.in_(ordered[start : start + _CHUNK]),
                )
            ):
                journal[row.entity_id].append(dict(row._mapping))
        for change in kept:
            if change.entity == entity and change.entity_id in ids:
                journal[change.entity_id].append(as_journal_row(change))
        for entity_id in ordered:
            state = folded(journal[entity_id])
            if state is None or not state.created or state.deleted:
                continue
            if problem := row_problem(entity, state.values):
                for change in tied:
                    if change.entity == entity and change.entity_id == entity_id:
                        refused[change.change_id] = problem
    return refused


def _taken(conn: Connection, entity: str, column: str, values: set[str]) -> dict[str, set[str]]:
    """value -> the live records of `entity` whose `column` holds it now."""
    c = s.changes
    candidates: set[str] = set()
    ordered = sorted(values)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        if column == "person_id":
            # One per person: the person column of the journal says it, indexed.
            query = select(c.c.entity_id).where(c.c.entity == entity, c.c.person_id.in_(chunk))
        else:
            # Rare (a new person, a corrected NHS number): read the candidates' values.
            query = select(c.c.entity_id).where(
                c.c.entity == entity,
                (c.c.op == "create") | (c.c.field == column),
                or_(*[c.c.value.contains(v) for v in chunk]),
            )
        candidates.update(conn.execute(query).scalars())
    journal: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ordered = sorted(candidates)
    for start in range(0, len(ordered), _CHUNK):
        for row in conn.execute(
            select(*JOURNAL_COLUMNS).where(
                c.c.entity == entity, c.c.entity_id.in_(ordered[start : start + _CHUNK])
            )
        ):
            journal[row.entity_id].append(dict(row._mapping))
    taken: dict[str, set[str]] = defaultdict(set)
    for entity_id, rows in journal.items():
        state = folded(rows)
        if state is None:
            continue
        value = state.values.get(column)
        if state.created and not state.deleted and isinstance(value, str) and value in values:
            taken[value].add(entity_id)
    return taken


def _teams(conn: Connection, people: set[str]) -> dict[str, str | None]:
    pt = s.person_team
    found: dict[str, str | None] = {}
    ordered = sorted(people)
    for start in range(0, len(ordered), _CHUNK):
        for row in conn.execute(
            select(pt.c.person_id, pt.c.team_id).where(
                pt.c.person_id.in_(ordered[start : start + _CHUNK])
            )
        ):
            found[row.person_id] = row.team_id
    return found


def unique_refusals(
    conn: Connection,
    kept: Sequence[tuple[Change, str | None]],
    rows: dict[str, dict[str, Any] | None],
    team_id: str | None = None,
) -> dict[str, str]:
    """change id -> why, for a value another live record of its kind already holds.

    People are judged within a team (`team_id`: the pushing device's): a laptop holds
    its team's caseload, and two teams that each registered one NHS number are
    matched by people, not refused here (partner servers' people are: partner_checks)."""
    claims: dict[tuple[str, str], list[tuple[Change, str]]] = defaultdict(list)
    team: dict[str, str | None] = {}  # person -> the team the claim is made in
    for change, _owner in kept:
        for column in UNIQUE.get(change.entity, ()):
            if change.op == "create":
                row = rows.get(change.change_id) or {}
                value = row.get(column)
                team[change.entity_id] = row.get("team_id") or team_id
            elif change.op == "set" and change.field == column:
                value = json.loads(change.value or "null")
            else:
                continue
            if isinstance(value, str):
                claims[(change.entity, column)].append((change, value))
    refused: dict[str, str] = {}
    for (entity, column), wanted in claims.items():
        taken = _taken(conn, entity, column, {value for _, value in wanted})
        if entity == "person":
            held = {p for holders in taken.values() for p in holders}
            held |= {c.entity_id for c, _ in wanted}
            team = _teams(conn, held - set(team)) | team
        for change, value in wanted:
            holders = taken[value] - {change.entity_id}
            if entity == "person":
                holders = {h for h in holders if team.get(h) == team.get(change.entity_id)}
            if holders:
                refused[change.change_id] = (
                    f"Another {_words(entity)} record already has this {_words(column)}."
                    if column != "person_id"
                    else f"This person already has a {_words(entity)} record."
                )
            else:
                taken[value].add(change.entity_id)  # the first in a batch claims it
    return refused


def _words(name: str) -> str:
    return name.replace("_", " ")


ALREADY = "A record with this id already exists: it cannot be created again."
IN_USE = "A record that other records refer to cannot be removed."


def _referrers(target: str) -> list[tuple[str, str]]:
    return [(e, col) for e, refs in REFERENCES.items() for col, t in refs.items() if t == target]


def lifecycle_refusals(
    conn: Connection,
    kept: Sequence[tuple[Change, str | None]],
    rows: dict[str, dict[str, Any] | None],
    held_creates: bool = True,
) -> dict[str, str]:
    """change id -> why, for a second create of one record, or the removal of a
    record that others refer to. `held_creates=False`: a second create within the
    batch only; one of a record the server holds is left to its unique index
    (schema.CREATED_ONCE), which fails the insert (the store then asks again)."""
    refused: dict[str, str] = {}
    # kind -> ids held: per kind, so no key is made per change of a large push.
    held: dict[str, set[str]] = defaultdict(set)
    if held_creates:
        created: dict[str, set[str]] = defaultdict(set)
        for change, _owner in kept:
            if change.op in ("create", "append"):
                created[change.entity].add(change.entity_id)
        for entity, ids in created.items():
            held[entity] = _created(conn, entity, sorted(ids))
    # The ids this batch names, only when it removes anything (removals are rare).
    removes = any(change.op == "delete" for change, _owner in kept)
    named = {target_id for _c, _o, (_t, target_id) in _wanted(kept, rows)} if removes else set()
    for change, _owner in kept:
        if change.op in ("create", "append"):
            ids = held[change.entity]
            if change.entity_id in ids:
                refused[change.change_id] = ALREADY
            ids.add(change.entity_id)  # the first in a batch creates it
        elif (
            change.op == "delete"
            and _referrers(change.entity)
            and (change.entity_id in named or _referred_to(conn, change))
        ):
            refused[change.change_id] = IN_USE
    return refused


# One probe of schema.CREATED_ONCE per id: LIMIT keeps the subquery a probe (it
# cannot become a join). The table is schema.changes.
_PROBE_CREATED = (
    "SELECT wanted.id FROM unnest(%s::text[]) AS wanted(id) CROSS JOIN LATERAL "
    "(SELECT 1 FROM changes c WHERE c.entity = %s AND c.entity_id = wanted.id "
    "AND c.op IN ('create', 'append') LIMIT 1) AS held"
)


def _created(conn: Connection, entity: str, ids: list[str]) -> set[str]:
    """Which of these ids of `entity` the server holds a create (or append) of: a
    careful push's lookup (schema.CREATED_ONCE). Written for the driver directly, as
    push_insert.held_ids is (SQLAlchemy would render each IN list afresh), and on
    PostgreSQL as one probe of the index per id: asked for a kind and a list of ids,
    its planner on stale statistics used the index for the kind alone and scanned
    every change of that kind (seconds a batch)."""
    table = conn.dialect.identifier_preparer.quote(s.changes.name)
    found: set[str] = set()
    # A whole push batch (2,000) in one round trip.
    for start in range(0, len(ids), 2_000):
        chunk = ids[start : start + 2_000]
        if conn.dialect.name == "postgresql":
            rows = conn.exec_driver_sql(_PROBE_CREATED, (chunk, entity))
        else:
            where, params = one_of(conn, "entity_id", chunk)
            rows = conn.exec_driver_sql(
                f"SELECT entity_id FROM {table} "  # noqa: S608
                f"WHERE entity = ? AND {where} AND op IN ('create', 'append')",
                (entity, *params),
            )
        found.update(str(entity_id) for (entity_id,) in rows)
    return found


def _referred_to(conn: Connection, change: Change) -> bool:
    """Whether any record the server holds names this one (conservatively: any
    change of a referring kind whose value mentions its id). Removals are rare."""
    c = s.changes
    referrers = sorted({entity for entity, _ in _referrers(change.entity)})
    if change.entity == "person":
        query = select(c.c.seq).where(c.c.person_id == change.entity_id, c.c.entity.in_(referrers))
    else:
        query = select(c.c.seq).where(
            c.c.entity.in_(referrers), c.c.value.contains(change.entity_id)
        )
    return conn.execute(query.limit(1)).first() is not None


def batch_refusals(
    conn: Connection,
    kept: Sequence[tuple[Change, str | None]],
    rows: dict[str, dict[str, Any] | None],
    team_id: str | None = None,
    held_creates: bool = True,
) -> dict[str, str]:
    """The checks over a batch the other checks passed: change id -> why. Repeated
    until nothing more is refused, so a record that refers to one refused in this
    same batch is refused too. `held_creates`: as lifecycle_refusals."""
    refused: dict[str, str] = {}
    left = list(kept)
    while True:
        more = lifecycle_refusals(conn, left, rows, held_creates)
        more.update(reference_refusals(conn, _without(left, more), rows))
        more.update(unique_refusals(conn, _without(left, more), rows, team_id))
        more.update(whole_record_refusals(conn, [c for c, _ in _without(left, more)]))
        more.update(one_open_refusals(conn, _without(left, more), rows))
        if not more:
            return refused
        refused.update(more)
        left = [(c, owner) for c, owner in left if c.change_id not in more]


def _without(
    kept: list[tuple[Change, str | None]], refused: dict[str, str]
) -> list[tuple[Change, str | None]]:
    """`kept` less what `refused` names (itself, the usual case: nothing refused)."""
    return [k for k in kept if k[0].change_id not in refused] if refused else kept
