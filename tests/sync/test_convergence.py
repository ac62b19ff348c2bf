"""Three laptops edit the same people offline and sync in random orders. Once all have
synced: every replica holds the same record; no note is lost or repeated; and the
conflicts are exactly the ones that must exist: every field edited on two laptops
without either seeing the other's edit is one open conflict, on every replica,
listing each value nobody replaced (the loser's included), the winner shown; a field
edited in turn, or settled by someone who saw every value, has none.

Edits go through the app's own services (people, care plan, risks, notes, conflicts)
over four tables and nine fields, and notes, which are append-only. What must happen
is worked out by tests/sync/convergence_model.py from what each laptop has seen, and
each edit's journal row is checked against it as it is made (what it replaced).

The laptops and their server are made once and reused: each example takes two people
of its own (registered ahead, in batches), so earlier examples' records are only more
history to sync past, and the whole of it is checked at the end with `onerecord check`
on every laptop. ONERECORD_CONVERGENCE_EXAMPLES sets how many examples run (default
200; the run's floors on what it exercised hold from about 100)."""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import clock
from app.services.care.care_plan import add_goal, set_review_date, update_goal
from app.services.care.notes import add_note
from app.services.care.risks import add_risk, update_risk
from app.services.profile.integrity import check
from app.services.record import people
from app.services.record.conflicts import resolve
from app.values.nhs_number import check_digit
from app.workspace import Workspace, create, unlock
from storage.codec import encode, row_of
from storage.conflicts import entity_rows
from storage.merge import fold
from storage.tables import CarePlan, ContactNote, Goal, Person, Risk, SyncConflict
from storage.withheld import shown_row
from sync.client.enrol import enrol
from sync.server import directory
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.convergence_model import Key, Model, journal, written
from tests.sync.helpers import sync

EXAMPLES = int(os.environ.get("ONERECORD_CONVERGENCE_EXAMPLES", "200"))
TEAM = "Convergence Locality"
ROLES = ("community_nurse", "social_worker", "occupational_therapist")
TABLES: dict[str, Any] = {"person": Person, "care_plan": CarePlan, "goal": Goal, "risk": Risk}
# The fields edited, and the values each edit picks from. Few values, so two laptops
# often pick the same one: a concurrent edit to an equal value is still a conflict,
# and an edit to the value already shown is no change at all.
FIELDS: dict[str, dict[str, list[Any]]] = {
    "person": {
        "level_of_need": ["universal", "targeted", "specialist"],
        "preferred_name": ["Zo", "Zoë", "Nan"],
        "phone": ["01632 960001", "01632 960002", "07700 900003"],
    },
    "care_plan": {"review_due": [30, 60, 90]},  # days from today
    "goal": {
        "statement": ["I want to walk to the shop", "I want to cook again", "I'd like a bath"],
        "importance": [3, 5, 8],
        "status": ["not_started", "in_progress"],
    },
    "risk": {"likelihood": [1, 3, 5], "mitigation": ["Frame by the bed", "Pendant alarm", ""]},
}

who = st.integers(0, len(ROLES) - 1)
pick = st.integers(0, 7)
STEPS = {
    "edit": st.tuples(st.just("edit"), who, pick, pick, st.integers(0, 3)),
    # Two laptops edit one field, neither having seen the other's edit.
    "both": st.tuples(st.just("both"), who, st.integers(1, 2), pick, pick, pick, pick),
    "note": st.tuples(st.just("note"), who, st.integers(0, 1)),
    "record": st.tuples(st.sampled_from(["goal", "risk"]), who, st.integers(0, 1)),
    "resolve": st.tuples(st.just("resolve"), who, pick, pick),
    "sync": st.tuples(st.just("sync"), who),
}
# Mostly edits, so that two laptops often edit one field before they sync.
operation = st.sampled_from(
    ["edit", "edit", "both", "both", "sync", "note", "record", "resolve", "resolve"]
).flatmap(STEPS.__getitem__)


def _nhs_numbers() -> Iterator[str]:
    """Valid 999-range NHS numbers, each once across the run's examples."""
    for serial in itertools.count(800_000):
        check = check_digit(f"999{serial:06d}")
        if check != 10:
            yield f"999{serial:06d}{check}"


@pytest.fixture(scope="module")
def laptops(
    sqlite_server: RunningServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Workspace]]:
    """A nurse, a social worker and an occupational therapist of one team, enrolled."""
    folder = tmp_path_factory.mktemp("laptops")
    directory.add_team(sqlite_server.store, TEAM)
    names = [f"Convergence {role}" for role in ROLES]
    for name, role in zip(names, ROLES, strict=True):
        directory.add_user(sqlite_server.store, name, role, TEAM)
    made = []
    for n, name in enumerate(names):
        ws = create(folder / f"l{n}", PASSPHRASE, user_name=name, kdf=FAST_KDF)
        enrol(ws, sqlite_server.url, sqlite_server.code_for(name))
        path = ws.store.path
        ws.close()
        made.append(unlock(path, PASSPHRASE, for_sync=True))
    for ws in made:
        sync(ws)
    yield made
    for ws in made:
        if ws.store.is_open:
            ws.close()


class People:
    """People registered ahead on the first laptop, each with a care plan, a batch at a
    time, and synced to every laptop: an example takes two nobody has touched since.
    (Registering them example by example cost three syncs each.)"""

    BATCH = 20

    def __init__(self, laptops: list[Workspace]) -> None:
        self.laptops = laptops
        self.numbers = _nhs_numbers()
        self.ready: list[tuple[str, str, str]] = []  # (NHS number, person id, plan id)

    def take(self) -> list[tuple[str, str, str]]:
        if len(self.ready) < 2:
            self._register()
        taken, self.ready = self.ready[:2], self.ready[2:]
        return taken

    def _register(self) -> None:
        first = self.laptops[0]
        for _ in range(self.BATCH):
            nhs = next(self.numbers)
            new = people.NewPerson(nhs, "Zoë", "Example", "1940-01-01", "DL8 3AB")
            person_id = people.register(first, new)
            # Each person's plan record exists before the model sets its review date on
            # several laptops at once (two laptops making the one plan record offline
            # is a real conflict; adding goals makes none: see the test below).
            due = clock.today() + timedelta(days=30)
            plan = set_review_date(first, person_id=person_id, review_due=due)
            self.ready.append((nhs, person_id, plan.entity_id))
        for ws in self.laptops:
            assert not sync(ws).refused


@pytest.fixture(scope="module")
def ready_people(laptops: list[Workspace]) -> People:
    return People(laptops)


def _values(entity: str, field: str) -> list[Any]:
    """The values an edit of this field picks from, in the journal's form (a date as
    ISO text)."""
    values = FIELDS[entity][field]
    if (entity, field) == ("care_plan", "review_due"):
        return [(clock.today() + timedelta(days=days)).isoformat() for days in values]
    return values


class Example:
    """One example's people and records, the model of what every laptop must hold, and
    what it has seen, made and checked."""

    def __init__(self, laptops: list[Workspace], ready: People, seen: Counter[str]) -> None:
        self.laptops = laptops
        self.model = Model(len(laptops))
        self.seen = seen
        self.people: list[tuple[str, str]] = []  # (NHS number, person id)
        self.records: list[tuple[str, str]] = []  # (table, id), as made
        self.created: dict[tuple[str, str], str] = {}  # -> the create's change id
        self.changes: set[str] = set()  # every change id the model holds
        self.notes: list[str] = []
        for nhs, person_id, plan_id in ready.take():
            self.people.append((nhs, person_id))
            self._made(0, "person", person_id)
            self._made(0, "care_plan", plan_id)
        # Made on the first laptop, and synced to every laptop since.
        for n in range(len(laptops)):
            self.model.sync(n)

    # -- what the laptops do -----------------------------------------------------

    def run(self, op: tuple[Any, ...]) -> None:
        kind, n = op[0], op[1]
        if kind == "edit":
            self.edit(n, *op[2:])
        elif kind == "both":
            other, target, which, mine, theirs = op[2:]
            self.edit(n, target, which, mine)
            self.edit((n + other) % len(self.laptops), target, which, theirs)
        elif kind == "note":
            text = f"note {len(self.notes)} from laptop {n}"
            note_id = add_note(self.laptops[n], self.people[op[2]][0], text)
            self.notes.append(text)
            (row,) = journal(self.laptops[n], "contact_note", note_id)
            self.model.made(n, row.change_id)
        elif kind == "goal":
            made = add_goal(
                self.laptops[n], person_id=self.people[op[2]][1], statement="I want to go out"
            )
            self._made(n, "goal", made.entity_id)
        elif kind == "risk":
            made = add_risk(
                self.laptops[n],
                person_id=self.people[op[2]][1],
                kind="falls",
                description="Falls at night",
                likelihood=2,
                impact=3,
            )
            self._made(n, "risk", made.entity_id)
        elif kind == "resolve":
            self.resolve(n, *op[2:])
        else:
            self.sync(n)

    def sync(self, n: int) -> None:
        report = sync(self.laptops[n])
        assert not report.refused, report.refused
        self.model.sync(n)
        self.seen["syncs"] += 1

    def edit(self, n: int, target: int, which: int, choice: int) -> None:
        known = [r for r in self.records if self.created[r] in self.model.known[n]]
        entity, entity_id = known[target % len(known)]
        field = sorted(FIELDS[entity])[which % len(FIELDS[entity])]
        key = (entity, entity_id, field)
        shown = self.model.heads(key, n)[0]
        # Mostly a value other than the one shown; now and then the one shown again.
        others = [v for v in _values(entity, field) if v != shown.value]
        value = shown.value if choice == len(others) else others[choice % len(others)]
        self._write(n, entity, entity_id, field, value)
        if value == shown.value:
            assert self._new(n, entity, entity_id) == [], (
                "an edit to the value shown was journalled"
            )
            self.seen["edits to the value shown"] += 1
            return
        # An ordinary edit replaces the value its author saw: the winner only.
        self._expect(n, key, value, {shown.change_id})
        self.seen["edits"] += 1

    def resolve(self, n: int, which: int, choice: int) -> None:
        """Sync, and settle one of the conflicts the laptop then shows (if it shows any),
        as someone does who opens the app to a conflict."""
        self.sync(n)
        open_here = self.model.conflicts(n)
        if not open_here:
            return
        key = open_here[which % len(open_here)]
        heads = self.model.heads(key, n)
        chosen = heads[choice % len(heads)]
        resolve(self.laptops[n], ":".join(key), chosen.value)
        # Settling replaces every value it was chosen from.
        self._expect(n, key, chosen.value, {h.change_id for h in heads})
        self.seen["resolutions"] += 1

    def _write(self, n: int, entity: str, entity_id: str, field: str, value: Any) -> None:
        ws = self.laptops[n]
        if entity == "person":
            nhs = next(nhs for nhs, pid in self.people if pid == entity_id)
            people.edit(ws, nhs, {field: "" if value is None else value})  # blank: none
        elif entity == "care_plan":
            person_id = self._current(ws, CarePlan, entity_id)["person_id"]
            set_review_date(ws, person_id=person_id, review_due=date.fromisoformat(value))
        elif entity == "goal":
            now = self._current(ws, Goal, entity_id)
            fields = ("statement", "importance", "status", "outcome", "target_date")
            values = {name: now[name] for name in fields} | {field: value}
            update_goal(ws, goal_id=entity_id, **values)
        else:
            now = self._current(ws, Risk, entity_id)
            fields = ("kind", "description", "likelihood", "impact", "mitigation", "review_on")
            values = {name: now[name] for name in fields} | {field: value}
            update_risk(ws, risk_id=entity_id, status=now["status"], **values)

    @staticmethod
    def _current(ws: Workspace, table: Any, entity_id: str) -> dict[str, Any]:
        with ws.store.read() as session:
            row = session.get(table, entity_id)
            assert row is not None
            return row_of(row)

    # -- what the model learns as changes are made ---------------------------------

    def _new(self, n: int, entity: str, entity_id: str) -> list[Any]:
        return [
            r
            for r in journal(self.laptops[n], entity, entity_id)
            if r.change_id not in self.changes
        ]

    def _made(self, n: int, entity: str, entity_id: str) -> None:
        """A record made on laptop n: its create, and the edits made with it (a plan's
        first review date), go into the model as the journal has them."""
        for row in self._new(n, entity, entity_id):
            self.changes.add(row.change_id)
            if row.op == "create":
                self.created[(entity, entity_id)] = row.change_id
                values = json.loads(row.value or "{}")
                for field in FIELDS[entity]:
                    self.model.record(n, (entity, entity_id, field), written(row, values[field]))
            elif row.field in FIELDS[entity]:
                value = json.loads(row.value or "null")
                self.model.record(n, (entity, entity_id, row.field), written(row, value))
        self.records.append((entity, entity_id))

    def _expect(self, n: int, key: Key, value: Any, bases: set[str]) -> None:
        entity, entity_id, field = key
        new = self._new(n, entity, entity_id)
        assert [(r.op, r.field) for r in new] == [("set", field)], "one change, to that field"
        row = new[0]
        assert json.loads(row.value or "null") == value
        assert set(json.loads(row.bases or "[]")) == bases, "it replaced what its author saw"
        self.changes.add(row.change_id)
        self.model.record(n, key, written(row, value))

    # -- what every replica must hold ----------------------------------------------

    def settle(self) -> None:
        """Every laptop with changes the server lacks syncs, then every laptop lacking
        a change the server has. (A laptop the model says holds everything already is
        not synced again: the checks below would find anything it lacked.)"""
        laptops = range(len(self.laptops))
        for n in [n for n in laptops if self.model.known[n] - self.model.server]:
            self.sync(n)
        for n in laptops:
            if self.model.server - self.model.known[n]:
                self.sync(n)
        assert all(known == self.model.server for known in self.model.known)

    def check(self) -> None:
        must = {key for key in self.model.fields() if len(self.model.heads(key)) > 1}
        self.seen["open conflicts checked"] += len(must)
        self.seen["examples ending in a conflict"] += bool(must)
        self.seen["fields edited in turn (no conflict)"] += sum(
            len(self.model.written[key]) > 1 and key not in must for key in self.model.fields()
        )
        states = []
        for ws in self.laptops:
            with ws.store.read() as session:
                self._fields_and_conflicts(session, must)
                self._journal_replays_to_the_tables(session)
                states.append(self._state(session))
        for n, state in enumerate(states[1:], start=1):
            differ = sorted(k for k in state if state[k] != states[0][k])
            assert not differ, f"laptops 0 and {n} differ in {differ}"
        assert sorted(states[0]["notes"]) == sorted(self.notes), "a note lost or repeated"

    def _fields_and_conflicts(self, session: Session, must: set[Key]) -> None:
        for key in self.model.fields():
            entity, entity_id, field = key
            heads = self.model.heads(key)
            row = session.get(TABLES[entity], entity_id)
            assert row is not None
            assert encode(getattr(row, field)) == heads[0].value, f"{key}: not the winner"
            conflict = session.get(SyncConflict, key)
            if len(heads) == 1:
                assert conflict is None, f"{key}: a conflict where none can be"
                continue
            assert conflict is not None, f"{key}: concurrent edits, and no conflict"
            held = [(h["change_id"], h["value"]) for h in json.loads(conflict.heads)]
            assert held == [(h.change_id, h.value) for h in heads], f"{key}: wrong values"
        ids = [entity_id for _, entity_id in self.records]
        listed = session.execute(
            select(SyncConflict.entity, SyncConflict.entity_id, SyncConflict.field).where(
                SyncConflict.entity_id.in_(ids)
            )
        ).all()
        assert {tuple(r) for r in listed} == must, "exactly the conflicts that must exist"

    def _journal_replays_to_the_tables(self, session: Session) -> None:
        for entity, entity_id in self.records:
            state = fold(entity_rows(session, entity, entity_id))
            row = row_of(session.get(TABLES[entity], entity_id))
            replayed = shown_row(state.values)
            assert {k: replayed.get(k) for k in row} == row, f"{entity} differs from its journal"

    def _state(self, session: Session) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for entity, entity_id in self.records:
            state[entity_id] = row_of(session.get(TABLES[entity], entity_id))
        person_ids = [pid for _, pid in self.people]
        notes = session.execute(
            select(ContactNote).where(ContactNote.person_id.in_(person_ids))
        ).scalars()
        state["notes"] = [n.narrative for n in sorted(notes, key=lambda n: n.id)]
        records = {kind: [i for k, i in self.records if k == kind] for kind in ("goal", "risk")}
        for kind, table in (("goal", Goal), ("risk", Risk)):
            held = session.execute(select(table.id).where(table.person_id.in_(person_ids)))
            assert sorted(held.scalars()) == sorted(records[kind]), f"a {kind} lost or repeated"
        state["conflicts"] = sorted(
            (c.entity, c.entity_id, c.field, c.heads)
            for c in session.execute(
                select(SyncConflict).where(SyncConflict.person_id.in_(person_ids))
            ).scalars()
        )
        return state


def test_replicas_converge_with_exactly_the_conflicts_that_must_exist(
    laptops: list[Workspace], ready_people: People
) -> None:
    seen: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(ops=st.lists(operation, min_size=6, max_size=16))
    def run(ops: list[tuple[Any, ...]]) -> None:
        example = Example(laptops, ready_people, seen)
        for op in ops:
            example.run(op)
        example.settle()
        example.check()
        seen["examples"] += 1

    run()
    print(", ".join(f"{k}: {v}" for k, v in seen.items()))
    # The run exercised what it checks: concurrent edits, and their settling.
    assert seen["examples ending in a conflict"] >= EXAMPLES // 10, dict(seen)
    assert seen["resolutions"] >= EXAMPLES // 20, dict(seen)
    assert seen["fields edited in turn (no conflict)"] >= EXAMPLES // 10, dict(seen)
    for ws in laptops:
        report = check(ws)
        assert report.ok, report.lines()


def test_first_goals_added_offline_on_two_laptops_both_sync(
    server: RunningServer, laptop: Laptop
) -> None:
    """Two colleagues add the first goals offline: adding a goal makes no plan record
    (one per person), so neither laptop's goal is refused and both reach both."""
    nurse, social_worker = reopen(laptop("Sam Taylor")), reopen(laptop("Ceri Jones"))
    sync(nurse)
    sync(social_worker)
    person_id = people.register(
        nurse, people.NewPerson("9990000018", "Zoë", "O'Neill", "1938-04-12", "DL8 3AB")
    )
    sync(nurse)
    sync(social_worker)
    add_goal(nurse, person_id=person_id, statement="I want to walk to the shop")
    add_goal(social_worker, person_id=person_id, statement="I want to cook again")
    for ws in (nurse, social_worker, nurse):
        assert not sync(ws).refused
    for ws in (nurse, social_worker):
        with ws.store.read() as session:
            assert len(session.execute(select(Goal)).scalars().all()) == 2
    nurse.close()
    social_worker.close()
