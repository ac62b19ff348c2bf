"""The outcome report's kept tables (sync/server/outcome_records.py) against the plain
fold of the journal they stand for, on SQLite and PostgreSQL: for random journals
(creates, edits, concurrent edits, removals, changes arriving in any order and any
batches, values that cannot be read, bases that name each other round in a circle or
name the change itself),
the facts read from the tables are exactly those read by folding the journal, and
the tables kept batch by batch are exactly those rebuilt from the whole journal."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.protocol import Change
from sync.server import directory, outcome_records
from sync.server import schema as s
from sync.server.outcome_facts import KINDS, Scope, server_facts
from sync.server.outcome_sql import NOTE
from sync.server.push_insert import insert_changes
from sync.server.store import ServerStore

AS_OF = date(2026, 6, 30)
LOCALITIES = ("loc-a", "loc-b")


def _id(n: int) -> str:
    return str(uuid.UUID(int=n + 1))


PEOPLE = [_id(1000 + n) for n in range(3)]  # on the team
STRANGER = _id(2000)  # on no team of this server: out of every scope

# Values a field may take: readable ones of each kind, and ones the report cannot read.
DAYS = st.sampled_from(["2025-11-03", "2026-01-15", "2026-03-28", "2026-03-29", "2026-06-01"])
TIMES = st.sampled_from(
    [
        "2025-11-03T10:00:00+00:00",
        "2026-01-15T00:30:00+00:00",
        "2026-03-28T23:30:00+00:00",  # the next day on England's calendar
        "2026-06-01T09:15:00+01:00",
        "2026-06-01T09:15:00",  # no zone: unreadable as a contact's time
    ]
)
CODES = st.sampled_from(["routine", "urgent", "gp", "independent", "at_home", "achieved"])
ODD = st.sampled_from([5, "soon", None, True, [1], {"a": 1}, 2.5])
FIELD_VALUES: dict[str, Any] = {
    "date_of_birth": DAYS,
    "recorded_at": TIMES,
    "locality_id": st.sampled_from(LOCALITIES),
    "gas_baseline": st.integers(-2, 2),
    "gas_score": st.integers(-2, 2),
    "version": st.integers(1, 4),
    "entered_in_error": st.booleans(),
}


def _field_value(name: str) -> st.SearchStrategy[Any]:
    if name in FIELD_VALUES:
        good = FIELD_VALUES[name]
    elif name.endswith(("_on", "_due")):
        good = DAYS
    else:
        good = CODES
    return st.one_of(good, good, good, st.none(), ODD)


@st.composite
def _record_value(draw: st.DrawFn, entity: str, person: str, entity_id: str) -> str:
    """A create's whole row as JSON text, now and then one that cannot be read."""
    spoilt = draw(st.sampled_from(["no", "no", "no", "no", "not json", "a list"]))
    if spoilt == "not json":
        return "{not json"
    if spoilt == "a list":
        return "[1, 2]"
    row: dict[str, Any] = {"id": entity_id, "person_id": person, "note": "x"}
    kind = next((k for k in KINDS if k.entity == entity), None)
    for name in sorted(kind.names) if kind else ["received_on"]:
        if draw(st.integers(0, 9)):  # a field now and then missing
            row[name] = draw(_field_value(name))
    if entity == "care_plan_version":
        snapshot = {"review_due": draw(_field_value("review_due")), "goals": []}
        row["snapshot"] = draw(st.sampled_from([json.dumps(snapshot), "{bad", None]))
    return json.dumps(row)


@st.composite
def _note_value(draw: st.DrawFn, person: str) -> str:
    shape = draw(st.sampled_from(["note", "note", "note", "correction", "no time", "bad"]))
    if shape == "bad":
        return draw(st.sampled_from(["{not json", "[1]", '"text"']))
    row: dict[str, Any] = {"person_id": person, "narrative": "Visited.", "amends_id": None}
    if shape != "no time":
        row["occurred_at"] = draw(st.one_of(TIMES, TIMES, ODD))
    if shape == "correction":
        row["amends_id"] = _id(draw(st.integers(0, 50)))
    return json.dumps(row)


@st.composite
def journals(draw: st.DrawFn) -> list[tuple[Change, str | None]]:
    """Records of every kind the report reads (and one it does not), each with its
    changes: creates, sets (of wanted fields and others), removals, stamps in any
    order, bases on earlier, later or unknown changes; each with its person."""
    made: list[tuple[Change, str | None]] = []
    serial = iter(range(10**6))
    entities = [k.entity for k in KINDS if k.entity != "person"] + [NOTE, "action"]
    records: list[tuple[str, str, str]] = [("person", p, p) for p in [*PEOPLE, STRANGER]]
    for _ in range(draw(st.integers(0, 14))):
        person = draw(st.sampled_from([*PEOPLE, STRANGER]))
        records.append((draw(st.sampled_from(entities)), _id(next(serial)), person))
    for entity, entity_id, person in records:
        ids: list[str] = []
        kind = next((k for k in KINDS if k.entity == entity), None)
        fields = [*sorted(kind.names), "other_field"] if kind else ["other_field"]
        ops = ["create", *draw(st.lists(st.sampled_from(["set", "set", "delete"]), max_size=4))]
        if draw(st.integers(0, 9)) == 0:
            ops = ops[1:]  # never created
        for op in ops:
            change_id = _id(10_000 + next(serial))
            value: str | None
            fld = None
            if op == "create":
                op = "append" if entity in (NOTE, "goal_review") else "create"
                value = draw(
                    _note_value(person)
                    if entity == NOTE
                    else _record_value(entity, person, entity_id)
                )
            elif op == "set":
                fld = draw(st.sampled_from(fields))
                value = draw(
                    st.one_of(
                        _field_value(fld).map(json.dumps),
                        st.sampled_from(["not json", None]),
                    )
                )
            else:
                value = None
            bases = draw(st.lists(st.sampled_from([*ids, change_id, _id(99_999)]), max_size=2))
            ids.append(change_id)
            change = Change.model_construct(
                change_id=change_id,
                hlc=draw(st.integers(1, 6)),  # ties and any order
                device_id=draw(st.sampled_from([_id(1), _id(2)])),
                author_id=None,
                organisation_id=None,
                entity=entity,
                entity_id=entity_id,
                op=op,
                field=fld,
                value=value,
                bases=bases,
                recorded_at="2026-01-01T00:00:00+00:00",
            )
            # Whose: the record's person, as the server decides it (now and then none).
            made.append((change, None if draw(st.integers(0, 19)) == 0 else person))
    return made


def _reset(store: ServerStore, team: str) -> None:
    with store.engine.begin() as conn:
        for table in (s.changes, s.outcome_records, s.outcome_contacts, s.person_team):
            conn.execute(sa.delete(table))
        conn.execute(
            sa.insert(s.person_team),
            [{"person_id": p, "team_id": team, "hlc": 1, "device_id": _id(1)} for p in PEOPLE],
        )


def _write(store: ServerStore, batch: list[tuple[Change, str | None]]) -> None:
    """As a push writes an accepted batch: the changes, then the kept tables."""
    with store.engine.begin() as conn:
        insert_changes(conn, batch, datetime.now(UTC))
        outcome_records.keep(conn, batch)


def _tables(store: ServerStore) -> tuple[list[Any], list[Any]]:
    with store.engine.connect() as conn:
        records = sorted(tuple(r) for r in conn.execute(sa.select(s.outcome_records)))
        contacts = sorted(tuple(r) for r in conn.execute(sa.select(s.outcome_contacts)))
    return records, contacts


def _team(store: ServerStore) -> str:
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(s.teams.c.team_id)).scalar()
    return str(found) if found else directory.add_team(store, "Craven")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(journal=journals(), order=st.randoms(use_true_random=False), data=st.data())
def test_the_kept_tables_give_the_facts_folding_the_journal_gives(
    store: ServerStore, journal: list[tuple[Change, str | None]], order: Any, data: Any
) -> None:
    team = _team(store)
    _reset(store, team)
    order.shuffle(journal)  # arriving in any order, in batches of any size
    while journal:
        size = data.draw(st.integers(1, max(1, len(journal))))
        _write(store, journal[:size])
        journal = journal[size:]
    for scope in (Scope(), Scope(team_id=team), Scope(locality_id=LOCALITIES[0])):
        kept = server_facts(store, scope, as_of=AS_OF)
        folded = server_facts(store, scope, as_of=AS_OF, from_journal=True)
        assert kept == folded
    batch_by_batch = _tables(store)
    store.rebuild_outcome_records()
    assert _tables(store) == batch_by_batch
