"""A laptop offline for 90 days syncs without a reset and without loss (issue 21).

Three laptops of one team on a real server: the nurse's laptop (A) goes offline for
90 days and keeps writing, the social worker's (B) syncs every few days and edits
some of the same fields, and an occupational therapist's (C) piles up the team's
other changes. Then A syncs once, in small pages, and every laptop ends up holding
the same record with nothing lost and the concurrent edits kept as conflicts.

Time moves through the calendar's seam (ONERECORD_CLOCK_DATE, storage/wallclock.py)
from whatever day the run starts on, so the test passes on any date (and the CI
passes as of a leap day and a year's end cross those days). The change journal's
clock deliberately ignores that seam, so the test moves it alongside (World): a
change A recorded on day 13 then carries a stamp 77 days older than the server's
clock when A pushes it on day 90, as it would in the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import and_, func, not_, select

import storage.store as laptop_store
import sync.server.store as server_store
from app.services.care import care_plan
from app.services.care.notes import add_note
from app.services.record import people
from app.services.record.about_me import save_about_me
from app.services.record.conflicts import Conflict, list_conflicts
from app.services.record.contacts import save_personal_contact
from app.services.write_rules.write_policy import DIRECTORY
from app.workspace import OfflineTooLongError, Workspace, unlock
from storage import hlc, wallclock
from storage.codec import row_of
from storage.hlc import DAY_MS, HybridClock
from storage.profile import DB_FILE
from storage.tables import AboutMe, ChangeRecord, ContactNote, Goal, Person, PersonalContact
from sync.client import settings as sync_settings
from sync.client.session import SyncReport, pending_count
from sync.server import schema
from sync.server.pull import parse_cursor
from tests.conftest import ALUN, PASSPHRASE, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import shared_state, sync

# Two more synthetic people from the 999 test range (valid check digits).
GLYN = "9990000034"
MEGAN = "9990000042"
# Small pages, so A's catch-up spans several round trips as a real backlog would.
PULL_PAGE = 8
# The days A writes while offline, and B and C write and sync; A syncs on day 90.
STEPS = (1, 6, 13, 20, 30, 41, 52, 60, 70, 80, 89)
CATCH_UP_DAY = 90

GOAL = "I want to walk to the post office on my own"
GOAL_BY_A = "I want to walk to the post office and back on my own"  # day 13, offline
GOAL_BY_B = "I want to get to the post office with my stick"  # day 41, synced at once
ABOUT = "My cat, Tibbs"
ABOUT_BY_B = "My cat, Tibbs, and the chapel choir"  # day 20
ABOUT_BY_A = "My cat, Tibbs, and my garden"  # day 60, offline
CARER = {"name": "Rhys O'Neill", "relationship": "Son", "phone": "01632 960001"}


class World:
    """The calendar and the change journal's clock, moved on together by whole days.

    The calendar moves through its seam; the hybrid logical clock reads the real
    clock on purpose (storage/wallclock.py), so it is moved here by the same number
    of days, for the laptops and the server alike (one process): hlc._wall_ms for
    ceiling(), and the clocks the laptop's and the server's stores start, whose
    default reading of the wall was bound when HybridClock was defined."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self.start: date = wallclock.today()
        self.day = 0
        self._real_ms: Callable[[], int] = hlc._wall_ms
        wall_ms = self.wall_ms

        class MovedClock(HybridClock):
            def __init__(self, last: int = 0, wall_ms: Callable[[], int] = wall_ms) -> None:
                super().__init__(last, wall_ms)

        monkeypatch.setattr(hlc, "_wall_ms", wall_ms)
        monkeypatch.setattr(laptop_store, "HybridClock", MovedClock)
        monkeypatch.setattr(server_store, "HybridClock", MovedClock)
        monkeypatch.setenv(wallclock.CLOCK_DATE, self.start.isoformat())

    def wall_ms(self) -> int:
        return self._real_ms() + self.day * DAY_MS

    def on(self, day: int) -> date:
        """The calendar's date on a day of the story."""
        return self.start + timedelta(days=day)

    def to(self, day: int) -> None:
        assert day >= self.day, "time only moves on"
        self.day = day
        self._monkeypatch.setenv(wallclock.CLOCK_DATE, self.on(day).isoformat())
        assert wallclock.today() == self.on(day)


@dataclass
class Written:
    """Narratives of the notes each laptop wrote, to find them everywhere afterwards."""

    notes: dict[str, list[str]] = field(default_factory=lambda: {"A": [], "B": [], "C": []})


def _note(ws: Workspace, who: str, nhs: str, text: str, written: Written) -> None:
    add_note(ws, nhs, text)
    written.notes[who].append(text)


def _record(ws: Workspace) -> dict[str, list[Any]]:
    """What must be identical on every laptop: the shared tables, About me, carers,
    and the open conflicts (storage keys and heads)."""
    state = shared_state(ws)
    with ws.store.read() as session:
        for table in (AboutMe, PersonalContact):
            rows = session.execute(select(table).order_by(table.id)).scalars()
            state[table.__tablename__] = [row_of(r) for r in rows]
    return state


def _journal(ws: Workspace, *, own: bool = False) -> set[str]:
    """Change ids in a laptop's journal (its own only, with their audit events, if
    `own`), less the directory placeholders a profile makes before it enrols: those are
    never sent (sync/client/outbox.py). Otherwise audit events are left out too: they
    go to the server and never come back down (SERVER_ONLY)."""
    c = ChangeRecord
    placeholder = and_(c.entity.in_(DIRECTORY), c.device_id == ws.store.device_id)
    query = select(c.change_id).where(not_(placeholder))
    if own:
        query = query.where(c.device_id == ws.store.device_id)
    else:
        query = query.where(c.entity != "audit_event")
    with ws.store.read() as session:
        return set(session.execute(query).scalars())


def _server_ids(server: RunningServer) -> set[str]:
    with server.store.engine.connect() as conn:
        return set(conn.execute(select(schema.changes.c.change_id)).scalars())


def _server_count(server: RunningServer) -> int:
    with server.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.changes)).scalar_one())


def _cursor_seq(ws: Workspace) -> int:
    with ws.store.read() as session:
        return parse_cursor(sync_settings.cursor(session))[0]


def _notes(ws: Workspace) -> set[str]:
    with ws.store.read() as session:
        return set(session.execute(select(ContactNote.narrative)).scalars())


def _by_field(conflicts: list[Conflict]) -> dict[str, Conflict]:
    return {f"{c.entity}.{c.field}": c for c in conflicts}


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    # monkeypatch puts the clocks back after the test.
    return World(monkeypatch)


def test_a_laptop_offline_for_90_days_catches_up_without_a_reset_or_loss(
    server: RunningServer, laptop: Laptop, world: World
) -> None:
    written = Written()
    nurse = reopen(laptop("Sam Taylor"))  # laptop A
    social_worker = reopen(laptop("Ceri Jones"))  # laptop B
    therapist = reopen(laptop("Ola Nowak"))  # laptop C: the team's other writes
    a_device = nurse.store.device_id
    a_path = nurse.store.path
    opened: list[Workspace] = []
    try:
        # Day 0: Zoë on the team's caseload, her plan, About me and carer on every laptop.
        sync(nurse)
        zoe = people.register(
            nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB")
        )
        goal_id = care_plan.add_goal(nurse, person_id=zoe, statement=GOAL).entity_id
        save_about_me(nurse, person_id=zoe, values={"most_important": ABOUT})
        carer_id = save_personal_contact(nurse, person_id=zoe, values=CARER).entity_id
        assert goal_id is not None and carer_id is not None
        for ws in (nurse, social_worker, therapist):
            assert sync(ws).refused == []
        cursor_before = _cursor_seq(nurse)
        # The encrypted database file itself (its WAL and the anchor come and go).
        a_database = (Path(a_path) / DB_FILE).stat().st_ino
        day_zero_ids = _server_ids(server)
        server_counts = [_server_count(server)]
        a_offline_ids: set[str] = set()

        # Days 1 to 89: A never reaches the server (left unlocked: see the lock below).
        for day in STEPS:
            world.to(day)
            before = _journal(nurse, own=True)
            _note(nurse, "A", ZOE, f"Day {day}: visited Zoë; walked to the gate with her.", written)
            if day == 13:
                care_plan.update_goal(
                    nurse, goal_id=goal_id, statement=GOAL_BY_A, importance=5, status="in_progress"
                )
            if day == 20:
                # Out of touch for over 14 days: locked now, A would open only to sync
                # (and cannot reach the server). Its open session writes on.
                with pytest.raises(OfflineTooLongError, match="over 14 days"):
                    unlock(a_path, PASSPHRASE)
            if day == 30:
                save_personal_contact(
                    nurse,
                    person_id=zoe,
                    contact_id=carer_id,
                    values={**CARER, "phone": "01632 960002"},
                )
            if day == 60:
                save_about_me(nurse, person_id=zoe, values={"most_important": ABOUT_BY_A})
            if day == 80:
                people.edit(nurse, ZOE, {"phone": "01632 960123"})
            a_offline_ids |= _journal(nurse, own=True) - before

            # B syncs as it writes; its edits never see A's (A has sent nothing).
            assert sync(social_worker).refused == []
            _note(social_worker, "B", ZOE, f"Day {day}: phoned Zoë's son about the visit.", written)
            if day == 20:
                save_about_me(social_worker, person_id=zoe, values={"most_important": ABOUT_BY_B})
            if day == 41:
                care_plan.update_goal(
                    social_worker,
                    goal_id=goal_id,
                    statement=GOAL_BY_B,
                    importance=5,
                    status="in_progress",
                )
            if day == 52:
                save_personal_contact(
                    social_worker,
                    person_id=zoe,
                    contact_id=carer_id,
                    values={**CARER, "relationship": "Son, lives in Leeds"},
                )
            assert sync(social_worker).refused == []

            # C piles up the rest of the team's work: new people and their notes.
            if day == 6:
                for nhs, given in ((ALUN, "Alun"), (GLYN, "Glyn"), (MEGAN, "Megan")):
                    people.register(
                        therapist,
                        people.NewPerson(nhs, given, "Pritchard", "1951-10-30", "BD23 1JD"),
                    )
            for nhs in (ZOE, ALUN, GLYN, MEGAN) if day >= 6 else (ZOE,):
                _note(therapist, "C", nhs, f"Day {day}: OT visit for {nhs}; rails fitted.", written)
            assert sync(therapist).refused == []
            server_counts.append(_server_count(server))
        nurse.close()

        # The server never compacts: what A needs from day 0 on is all still there.
        assert server_counts == sorted(server_counts)
        assert day_zero_ids <= _server_ids(server)
        assert not a_offline_ids & _server_ids(server)  # A really was offline

        # Day 90: the product's rule for a laptop out of touch that long (app/workspace.py
        # _check_recent_contact: 14 days by default) is a lock, not a wipe: it opens
        # only to sync, as the unlock screen does (ui/unlock_controller.py).
        world.to(CATCH_UP_DAY)
        with pytest.raises(OfflineTooLongError, match="over 14 days"):
            unlock(a_path, PASSPHRASE)
        syncing = unlock(a_path, PASSPHRASE, for_sync=True)
        opened.append(syncing)
        assert syncing.store.device_id == a_device
        pages: list[tuple[int, int]] = []

        def pulled(stage: str, done: int, total: int) -> None:
            if stage == "pull":  # called once per page pulled
                pages.append((done, total))

        report: SyncReport = sync(syncing, pull_page=PULL_PAGE, progress=pulled)
        assert (report.refused, report.kept_aside, report.evicted) == ([], [], 0)
        assert report.pushed >= len(a_offline_ids) and report.pulled > 3 * PULL_PAGE
        assert len(pages) >= 4, pages  # several pages, and all of them applied
        assert pending_count(syncing) == 0
        assert _cursor_seq(syncing) > cursor_before
        again = sync(syncing, pull_page=PULL_PAGE)  # nothing moves any more
        assert (again.pulled, again.refused, again.kept_aside) == (0, [], [])
        # Every change A wrote, offline ones and their audit events, is on the server.
        assert _journal(syncing, own=True) <= _server_ids(server)
        syncing.close()
        # No reset: the same profile files, unlocked normally now that it has synced.
        assert (Path(a_path) / DB_FILE).stat().st_ino == a_database
        nurse = unlock(a_path, PASSPHRASE)
        opened.append(nurse)
        assert nurse.store.device_id == a_device

        # The server took A's offline changes with their stamps up to 89 days old.
        with server.store.engine.connect() as conn:
            stamps = list(
                conn.execute(
                    select(schema.changes.c.hlc).where(
                        schema.changes.c.change_id.in_(sorted(a_offline_ids))
                    )
                ).scalars()
            )
        assert len(stamps) == len(a_offline_ids)
        oldest_days = (hlc.wall_ms() - hlc.unpack(min(stamps))[0]) / DAY_MS
        assert CATCH_UP_DAY - STEPS[0] - 1 < oldest_days < CATCH_UP_DAY

        # B and C catch up; every laptop holds every change and note, whoever wrote it.
        for ws in (social_worker, therapist):
            assert sync(ws).refused == []
        assert _journal(nurse) == _journal(social_worker) == _journal(therapist)
        everyone = {n for notes in written.notes.values() for n in notes}
        assert len(everyone) == sum(len(n) for n in written.notes.values())
        for ws in (nurse, social_worker, therapist):
            assert _notes(ws) == everyone

        # Concurrent edits to one field are both kept, the greater stamp shown (storage/
        # merge.py): B's day-41 goal beats A's day-13 one though A's arrived last, and
        # A's day-60 About me beats B's day-20 one. Different fields merge.
        for ws in (nurse, social_worker):
            conflicts = _by_field(list_conflicts(ws))
            # About me's "last updated" date was set by both saves too: a conflict of its own.
            assert sorted(conflicts) == [
                "about_me.last_updated",
                "about_me.most_important",
                "goal.statement",
            ]
            stamped = [str(v.value) for v in conflicts["about_me.last_updated"].values]
            assert stamped == [world.on(60).isoformat(), world.on(20).isoformat()]
            goal = conflicts["goal.statement"]
            assert [v.value for v in goal.values] == [GOAL_BY_B, GOAL_BY_A]
            assert [v.author for v in goal.values] == ["Ceri Jones", "Sam Taylor"]
            # The stamps kept their days: B's value was recorded 28 days after A's.
            apart = goal.values[0].recorded - goal.values[1].recorded
            assert timedelta(days=27) < apart < timedelta(days=29)
            about = conflicts["about_me.most_important"]
            assert [v.value for v in about.values] == [ABOUT_BY_A, ABOUT_BY_B]
            with ws.store.read() as session:
                plan_goal = session.get(Goal, goal_id)
                assert plan_goal is not None and plan_goal.statement == GOAL_BY_B
                about_row = session.execute(select(AboutMe)).scalar_one()
                assert about_row.most_important == ABOUT_BY_A
                carer = session.get(PersonalContact, carer_id)
                assert carer is not None
                assert (carer.phone, carer.relationship) == ("01632 960002", "Son, lives in Leeds")
                person = session.get(Person, zoe)
                assert person is not None and person.phone == "01632 960123"  # A's, day 80
        assert _record(nurse) == _record(social_worker)

        # B, which kept in touch, never locked.
        social_worker.close()
        social_worker = unlock(social_worker.store.path, PASSPHRASE)
        opened.append(social_worker)
    finally:
        for ws in (*opened, nurse, social_worker, therapist):
            if ws.store.is_open:
                ws.close()
