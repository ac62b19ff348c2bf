"""Issue 15, row validity as a property. Rows are generated from the table definitions
(every journalled column, values by its type, length and record rule), for every
kind of record a laptop writes; some are then broken in one way (a required column
missing or empty, a wrong type, text too long, a bad code, an impossible or
wrongly written date, an invalid NHS number, a reference to another person's record).

- a valid row passes the server's row rules (refusal(): what decides validity);
- each broken row is refused by the server, with a plain reason;
- whatever the server accepts, another laptop of the team applies on its next sync and
  still unlocks: the server never stores a row the laptop's apply would fail on.

Real server on loopback, real encrypted laptops, signed requests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from app.services import clock
from app.services.care import care_plan
from app.services.care.notes import add_note
from app.services.priority.weights import BY_KEY, MAX_WEIGHT
from app.services.record import people
from app.services.record.contacts import save_personal_contact
from app.services.record.record_rules import RULES
from app.services.write_rules.row_validity import read_row, row_problem
from app.values import attendees
from app.values.carer_strain import STATEMENTS
from app.values.nhs_number import check_digit
from app.workspace import Workspace
from storage.codec import journalled_columns
from storage.tables import CarePlan, ContactNote, journalled_tables
from sync.protocol import Change
from sync.server.validation import DIRECTORY, SERVER_ONLY, refusal
from tests.conftest import ALUN, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.sync.raw_push import crafted, refusals, signed_push, still_syncs
from tests.sync.rows import CODES

TABLES = journalled_tables()
# Every kind of record a laptop writes about a person (the directory is the server's;
# audit events are provenance, judged by the authority rules).
WRITTEN = sorted(t for t in TABLES if t not in DIRECTORY and t not in SERVER_ONLY)
RULED = {cls.__tablename__: rules for cls, rules in RULES.items()}
PLAIN = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


@dataclass
class Person:
    person_id: str
    targets: dict[str, str]  # table -> a record of this person a reference may name


@dataclass
class World:
    server: RunningServer
    writer: Workspace
    reader: Workspace
    mine: Person
    other: Person


def _person(ws: Workspace, nhs: str) -> Person:
    person_id = people.register(
        ws, people.NewPerson(nhs, "Synthetic", "Person", "1940-05-06", "DL8 3AB")
    )
    need = care_plan.save_need(ws, person_id=person_id, description="Help at home")
    goal = care_plan.add_goal(
        ws, person_id=person_id, statement="I want to cook", need_id=need.entity_id
    )
    # The plan record (one per person) is made by setting its review date.
    care_plan.set_review_date(
        ws, person_id=person_id, review_due=clock.today() + timedelta(days=30)
    )
    note = add_note(ws, nhs, "Seen at home.")
    carer = save_personal_contact(
        ws, person_id=person_id, values={"name": "Synthetic Carer", "is_main_carer": True}
    )
    with ws.store.read() as session:
        plan = session.execute(
            select(CarePlan.id).where(CarePlan.person_id == person_id)
        ).scalar_one()
        note_id = session.execute(
            select(ContactNote.id).where(ContactNote.person_id == person_id)
        ).scalar_one()
    assert note
    return Person(
        person_id,
        {
            "person": person_id,
            "need": str(need.entity_id),
            "goal": str(goal.entity_id),
            "care_plan": plan,
            "contact_note": note_id,
            "personal_contact": str(carer.entity_id),
        },
    )


@pytest.fixture
def world(server: RunningServer, laptop: Laptop) -> Iterator[World]:
    writer = reopen(laptop("Sam Taylor"))
    reader = reopen(laptop("Ola Nowak"))
    sync(writer)
    made = World(server, writer, reader, _person(writer, ZOE), _person(writer, ALUN))
    assert not sync(writer).refused
    assert not sync(reader).refused
    yield made
    for ws in (made.writer, made.reader):
        if ws.store.is_open:
            ws.close()


# Text columns holding a small JSON document with a rule of its own: generated from
# that rule's definition (a filter over random text would find none).
STRUCTURED: dict[tuple[str, str], st.SearchStrategy[Any]] = {
    ("carer_strain_check", "answers"): st.lists(
        st.integers(0, 2), min_size=len(STATEMENTS), max_size=len(STATEMENTS)
    ).map(json.dumps),
    ("priority_weights", "weights"): st.dictionaries(
        st.sampled_from(sorted(BY_KEY)), st.integers(0, MAX_WEIGHT)
    ).map(json.dumps),
    ("mdt_item", "attendees"): st.lists(
        st.text(st.characters(categories=("L", "N")), min_size=1, max_size=40),
        max_size=attendees.MOST,
        unique=True,
    ).map(attendees.stored),
}


def _nhs(n: int) -> str | None:
    first = f"999{n:06d}"
    check = check_digit(first)
    return None if check == 10 else f"{first}{check}"


def _value(table: str, name: str, column: Any, owner: Person) -> st.SearchStrategy[Any]:
    """Valid values of one column, from its type, length, references and rule."""
    refs = [key.column.table.name for key in column.foreign_keys]
    if refs:
        return st.just(owner.targets[refs[0]]) if refs[0] in owner.targets else st.none()
    kind = getattr(column.type, "impl", column.type)
    python_type = kind.python_type
    rule = RULED.get(table, {}).get(name)
    if (table, name) in STRUCTURED:
        found_structured = STRUCTURED[(table, name)]
        return found_structured if not column.nullable else st.none() | found_structured
    if name == "nhs_number":
        found: st.SearchStrategy[Any] = st.integers(100_000, 999_999).map(_nhs)
    elif python_type is str:
        limit = getattr(kind, "length", None)
        found = PLAIN if limit is None else PLAIN.map(lambda t: t[:limit]) | st.just("é" * limit)
        if rule is not None and rule("Synthetic text") is not None:
            # A code list: only its codes will do.
            found = st.sampled_from([c for c in CODES if rule(c) is None])
    elif python_type is bool:
        found = st.booleans()
    elif python_type is int:
        found = (
            st.sampled_from([n for n in range(-1, 12) if rule(n) is None])
            if rule is not None
            else st.integers(-(2**63), 2**63 - 1)
        )
    elif python_type is date:
        found = st.dates(date(1900, 1, 1), clock.today()).map(date.isoformat)
    else:
        zones = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
        found = st.datetimes(datetime(1990, 1, 1), datetime(2090, 1, 1), timezones=zones).map(
            datetime.isoformat
        )
    if rule is not None:
        found = found.filter(
            lambda v: rule(date.fromisoformat(v) if python_type is date else v) is None
        )
    return found if not column.nullable else st.none() | found


@st.composite
def valid_rows(draw: Any, world: World, table: str) -> dict[str, Any]:
    cls = TABLES[table]
    columns = {c.key: c for c in sa_inspect(cls).columns}
    row: dict[str, Any] = {}
    for name in journalled_columns(cls):
        if name == "id":
            row[name] = str(draw(st.uuids()))
        elif name == "person_id":
            row[name] = world.mine.person_id
        elif name == "recorded_at":
            row[name] = clock.now().isoformat()
        else:
            row[name] = draw(_value(table, name, columns[name], world.mine))
    if table == "person":
        row["team_id"] = None
    # Written in the writer's own name, as its journal stamps every row: the write
    # policy refuses anyone else's (tests/sync/test_write_authority_property.py).
    actor = world.writer.actor
    if "recorded_by" in row:
        row.update(
            recorded_by=actor.user_id,
            recorded_org=actor.organisation_id,
            recorded_device=world.writer.store.device_id,
        )
    if table == "contact_note":
        row.update(
            author_id=actor.user_id, author_role=actor.role, organisation_id=actor.organisation_id
        )
    if table == "break_glass":
        row.update(staff_member_id=actor.user_id, staff_role=actor.role)
    # The record's rules over two fields, as the laptop's services keep them.
    if table == "telecare_item" and row["test_every_days"] is not None:
        # The table's own rule (storage/tables/support.py): tested every 1 to 730 days.
        row["test_every_days"] = draw(st.integers(1, 730))
    if table == "consent_to_share" and row["decision"] == "refused":
        row["reason_refused"] = "Synthetic reason"
    if table == "reablement_episode":
        # Within six weeks, ended (one under way per person is the server's rule over
        # records, not this row's), no 91-day check yet.
        start = date.fromisoformat(row["started_on"])
        row.update(
            planned_end_on=(start + timedelta(days=draw(st.integers(0, 42)))).isoformat(),
            discharged_on=None,
            ended_on=start.isoformat(),
            outcome="independent",
            follow_up_on=None,
            follow_up_result=None,
        )
    if table == "mdt_item" and (row["decision"] is None) != (row["decided_on"] is None):
        row["decided_on"] = None if row["decision"] is None else clock.today().isoformat()
    if table == "personal_budget":  # still running (an end on or after the start)
        row["ended_on"] = None
    if table == "telecare_item" and row["installed_on"] is not None:
        # Tested and removed on or after it was installed, if at all.
        row.update(last_tested_on=row["installed_on"], removed_on=None)
    for signed in ("reviewed_by_id", "asked_by_id"):  # signed by the writer
        if signed in row:
            row[signed] = actor.user_id
    if table == "break_glass":
        row["expires_at"] = (
            datetime.fromisoformat(row["started_at"]) + timedelta(hours=1)
        ).isoformat()
    return row


BREAKS = (
    "missing",
    "empty",
    "wrong_type",
    "too_long",
    "bad_code",
    "bad_date",
    "bad_nhs",
    "future_birth",
    "other_person",
)


def _targets(world: World, table: str) -> dict[str, list[str]]:
    """For each way to break a row, the columns of this table it can break."""
    cls = TABLES[table]
    wanted = set(journalled_columns(cls)) - {"id"}
    columns = {c.key: c for c in sa_inspect(cls).columns if c.key in wanted}
    texts = [
        n for n, c in columns.items() if getattr(getattr(c.type, "impl", c.type), "length", None)
    ]
    required = [n for n, c in columns.items() if not c.nullable]
    person = ["nhs_number", "date_of_birth"] if table == "person" else []
    return {
        "missing": required,
        "empty": required,
        "wrong_type": sorted(columns),
        "too_long": texts,
        "bad_code": [
            n for n, rule in RULED.get(table, {}).items() if n in texts and rule("not_a_code")
        ],
        "bad_date": [
            n for n, c in columns.items() if getattr(c.type, "impl", c.type).python_type is date
        ],
        "bad_nhs": person[:1],
        "future_birth": person[1:],
        "other_person": [
            n
            for n, c in columns.items()
            if c.foreign_keys
            and n != "person_id"
            and next(iter(c.foreign_keys)).column.table.name in world.other.targets
        ],
    }


def _break(draw: Any, world: World, table: str, how: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row broken in this way, in one of the columns it applies to."""
    cls = TABLES[table]
    columns = {c.key: c for c in sa_inspect(cls).columns}
    name = draw(st.sampled_from(_targets(world, table)[how]))
    broken = dict(row)
    if how == "missing":
        del broken[name]
    elif how == "empty":
        broken[name] = None
    elif how == "wrong_type":
        kind = getattr(columns[name].type, "impl", columns[name].type).python_type
        broken[name] = [1] if kind is str else "7"
    elif how == "too_long":
        broken[name] = "x" * (columns[name].type.length + 1)
    elif how == "bad_code":
        broken[name] = "not_a_code"
    elif how == "bad_date":
        broken[name] = draw(st.sampled_from(["2026-02-30", "2026-13-01", "22/11/1940", "2026-1-1"]))
    elif how == "bad_nhs":
        broken[name] = draw(
            st.sampled_from(["9990000019", "0000000000", "999000001", "99900000188"])
        )
    elif how == "future_birth":
        days = draw(st.integers(1, 3000))
        broken[name] = (clock.today() + timedelta(days=days)).isoformat()
    else:
        target = next(iter(columns[name].foreign_keys)).column.table.name
        broken[name] = world.other.targets[target]
    return broken


def _op(table: str) -> str:
    return "append" if TABLES[table].__journal__ == "append" else "create"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_valid_rows_pass_broken_rows_are_refused_and_every_accepted_row_applies(
    world: World, data: st.DataObject
) -> None:
    # The kind of break first, then a kind of record it applies to: every kind is tried.
    how = data.draw(st.sampled_from(BREAKS))
    table = data.draw(st.sampled_from([t for t in WRITTEN if _targets(world, t)[how]]))
    row = data.draw(valid_rows(world, table))
    valid = crafted(world.writer, table, _op(table), row["id"], row)
    # Valid by the record's own rules: the server's row checks pass it.
    assert row_problem(table, row) is None, row_problem(table, row)
    assert refusal(Change.model_validate(valid), world.writer.store.device_id) is None
    bad_row = _break(data.draw, world, table, how, row)
    bad_row["id"] = str(data.draw(st.uuids()))
    # The server's fast reading (typed in Rust, the rest in Python) decides exactly as
    # the plain checks do, for the good row and the broken one.
    for either in (row, bad_row):
        parsed, typed = read_row(table, json.dumps(either))
        assert parsed is not None
        assert row_problem(table, parsed, typed=typed) == row_problem(table, either), how
    sent = [valid, crafted(world.writer, table, _op(table), bad_row["id"], bad_row)]
    refused = refusals(signed_push(world.server.url, world.writer, sent))
    event(f"broken: {how}")
    event(f"valid row: {refused.get(sent[0]['change_id'], 'accepted')}")
    reason = refused.get(sent[1]["change_id"])
    assert reason is not None, (how, table)
    assert reason.endswith(".") and "\n" not in reason
    if how == "other_person":
        assert reason == "The record refers to a record of another person."
    # Whatever was accepted, the other laptop applies, and it still unlocks.
    world.reader, _ = still_syncs(world.reader)
    accepted = [c for c in sent if c["change_id"] not in refused]
    with world.reader.store.read() as session:
        for change in accepted:
            stored = session.get(TABLES[change["entity"]], change["entity_id"])
            assert stored is not None
            for name, rule in RULED.get(change["entity"], {}).items():
                assert rule(getattr(stored, name)) is None, (change["entity"], name)
            # The row reads back as it was sent.
            sent_row = json.loads(change["value"])
            for name in ("id", "person_id"):
                if name in sent_row:
                    assert getattr(stored, name) == sent_row[name]
