"""Three laptops edit the same people offline and sync in random orders: they all
end with the same record, no note is lost or repeated, and same-field edits made
without seeing each other become one open conflict each."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.services import people
from app.services.integrity import check
from app.services.notes import add_note
from app.workspace import Workspace, create, unlock
from storage.tables import ContactNote, Goal, Person
from sync.client.enrol import enrol
from sync.server import directory
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.sync.conftest import RunningServer
from tests.sync.helpers import shared_state, sync

NHS = ["9990000018", "9990000026"]
FIELDS = {
    "level_of_need": st.sampled_from(["universal", "targeted", "specialist"]),
    "preferred_name": st.sampled_from(["Zo", "Zoë", "Al", "Alun", "Nan"]),
    "phone": st.sampled_from(["01632 960001", "01632 960002", "07700 900003"]),
}
_run = itertools.count()

edit = st.tuples(
    st.just("edit"),
    st.integers(0, 2),
    st.integers(0, 1),
    st.sampled_from(sorted(FIELDS)),
    st.data(),
)
operation = st.one_of(
    edit,
    st.tuples(st.just("note"), st.integers(0, 2), st.integers(0, 1)),
    st.tuples(st.just("goal"), st.integers(0, 2), st.integers(0, 1)),
    st.tuples(st.just("sync"), st.integers(0, 2)),
)


def _laptops(server: RunningServer, folder: Path) -> list[Workspace]:
    run = next(_run)
    team = f"Team {run}"
    directory.add_team(server.store, team)
    made = []
    for n, role in enumerate(("community_nurse", "social_worker", "occupational_therapist")):
        name = f"User {run}-{n}"
        directory.add_user(server.store, name, role, team)
        ws = create(folder / f"l{n}", PASSPHRASE, user_name=name, kdf=FAST_KDF)
        enrol(ws, server.url, server.code_for(name))
        path = ws.store.path
        ws.close()
        made.append(unlock(path, PASSPHRASE, for_sync=True))
    return made


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(operation, min_size=4, max_size=24))
def test_replicas_converge(sqlite_server: RunningServer, ops: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        laptops = _laptops(sqlite_server, Path(tmp))
        try:
            _exercise(laptops, ops)
        finally:
            for ws in laptops:
                if ws.store.is_open:
                    ws.close()


def _exercise(laptops: list[Workspace], ops: list[tuple[object, ...]]) -> None:
    first = laptops[0]
    for nhs, (given_name, family) in zip(
        NHS, [("Zoë", "O'Neill"), ("Alun", "Pritchard")], strict=True
    ):
        people.register(first, people.NewPerson(nhs, given_name, family, "1940-01-01", "DL8 3AB"))
    for ws in laptops:
        sync(ws)
    notes_written: list[str] = []
    goals_written = 0
    for op in ops:
        kind = op[0]
        if kind == "edit":
            _, who, person, field, data = op
            value = data.draw(FIELDS[field])  # type: ignore[union-attr]
            people.edit(laptops[who], NHS[person], {field: value})  # type: ignore[index]
        elif kind == "note":
            _, who, person = op
            text = f"note {len(notes_written)} from laptop {who}"
            add_note(laptops[who], NHS[person], text)  # type: ignore[index]
            notes_written.append(text)
        elif kind == "goal":
            _, who, person = op
            ws = laptops[who]  # type: ignore[index]
            with ws.store.write(ws.actor) as session:
                pid = people.find(session, NHS[person]).id  # type: ignore[index]
                session.add(
                    Goal(person_id=pid, statement=f"I want goal {goals_written}", importance=5)
                )
            goals_written += 1
        else:
            sync(laptops[op[1]])  # type: ignore[index]
    for _ in range(2):
        for ws in laptops:
            report = sync(ws)
            assert not report.refused
    states = [shared_state(ws) for ws in laptops]
    assert states[0] == states[1] == states[2]
    with first.store.read() as session:
        texts = sorted(n.narrative for n in session.execute(select(ContactNote)).scalars())
        assert texts == sorted(notes_written)  # none lost, none repeated
        assert len(session.execute(select(Goal)).scalars().all()) == goals_written
        assert len(session.execute(select(Person)).scalars().all()) == 2
    for ws in laptops:
        report = check(ws)
        assert not report.journal_problems, report.lines()
