"""A laptop survives a bad row (defence in depth): rows edited by hand into a real
server's database (a required value missing, a clock stamp of 2**63-1, a value of
the wrong type, a reference to a record that is not there, a value the record's
own rule forbids, a change the wire format does not allow) are kept aside with their reasons by every laptop that pulls
them, on the stream and the backfill path alike; the good rows of the same page
(more than enough for the bulk insert) are applied; both laptops still unlock,
write and sync; the server hears which changes were kept aside (ids and a count
only); and a kept change whose parent arrives later is applied then."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.services import clock
from app.services.care import visits
from app.services.care.care_plan import add_action, add_goal
from app.services.need_to_know.access_report import ReportQuery
from app.workspace import Workspace
from storage.change_row import NAMES_ITSELF, RECORDED_AT_UNREADABLE
from storage.consistency import check_journal
from storage.hlc import ceiling
from storage.summary_bulk import BULK_ROWS
from storage.tables import ChangeRecord, ContactNote, KeptAside, Person, PlanAction, Team
from sync.client.apply import FAR_AHEAD
from sync.client.problems import list_problems
from sync.client.references import NAMES_MISSING
from sync.client.session import KEPT_ASIDE_EVENT
from sync.server import audit_report, directory
from sync.server import schema as s
from tests.sync.bad_rows import GONE, by_hand, note_like, server_row, set_field, zoe_on_the_team
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync

GOOD_NOTES = BULK_ROWS + 50  # a page large enough to take the bulk insert path
EXPECTED = sorted(
    [
        "a required value is missing (narrative)",
        FAR_AHEAD,
        "date_of_birth is not a date",
        "occurred_at is not a date and time",
        NAMES_MISSING,
        "a value is not one of those allowed (family_name_present)",
        "it is not a well-formed change (hlc)",
        "it is not a well-formed change (value)",
        "its value is not readable",
        "its value is not readable",
        "the record inside it is not the one it names",
        "the record inside it is not the one it names",
        "it is not a well-formed change (bases)",
        NAMES_ITSELF,
        RECORDED_AT_UNREADABLE,
        RECORDED_AT_UNREADABLE,
    ]
)


def _bad_rows(server: RunningServer, zoe: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(good notes, bad rows), every one routed to Zoë's record on the server."""
    note = server_row(server, "contact_note")
    person = server_row(server, "person", entity_id=zoe)
    good = [note_like(note) for _ in range(GOOD_NOTES)]
    bad = [
        note_like(note, narrative=GONE),  # a required column missing
        set_field(person, "preferred_name", "Zed", hlc=2**63 - 1),  # the clock stamp of doom
        set_field(person, "date_of_birth", "soon"),  # a value of the wrong type
        note_like(note, occurred_at="this morning"),  # and in a whole row
        note_like(note, person_id=str(uuid.uuid4())),  # names a person not there
        set_field(person, "family_name", ""),  # breaks the record's own rule
        set_field(person, "preferred_name", "Zed", hlc=0),  # not a change the wire allows
        note_like(note, narrative="y" * 1_000_001),  # over the wire's size limit
        # Values the server cannot read: a note's cannot be judged for its user, so it
        # goes as the withheld marker (sync/server/visibility.py); a name's goes as it is.
        note_like(note) | {"value": '{"id": "half a row'},  # not JSON at all
        note_like(note) | {"value": "[1, 2]"},  # JSON, but not a whole row
        set_field(person, "preferred_name", "Zed") | {"value": "Zed, not JSON"},
        # Text no table can hold (a lone surrogate cannot be written as UTF-8).
        set_field(person, "preferred_name", "\ud800"),
        set_field(person, "preferred_name", "Zed") | {"bases": "[not JSON"},
        # Its own fields, whatever its record: a change that replaces itself (every
        # colleague's fold of the field once failed), a time no laptop can store.
        _naming_itself(set_field(person, "preferred_name", "Zed")),
        note_like(note) | {"recorded_at": "2026-01-01T10:00:00"},  # no zone
        note_like(note) | {"recorded_at": "2026-02-30T10:00:00+00:00"},  # no such day
    ]
    return good, bad


def _naming_itself(change: dict[str, Any]) -> dict[str, Any]:
    return change | {"bases": json.dumps([change["change_id"], *json.loads(change["bases"])])}


def _kept(ws: Workspace) -> list[str]:
    with ws.store.read() as session:
        return sorted(session.execute(select(KeptAside.reason)).scalars())


def _notes(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ContactNote)).scalar_one())


def _zoe(ws: Workspace) -> Person:
    with ws.store.read() as session:
        return session.execute(select(Person)).scalar_one()


def test_bad_rows_are_kept_aside_and_every_laptop_keeps_syncing(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse, zoe = zoe_on_the_team(laptop)
    streamed = reopen(laptop("Ceri Jones"))
    sync(streamed)  # already holds Zoë: the bad rows reach it on the stream
    backfilled = reopen(laptop("Ola Nowak"))  # enrolled now, first sync later: the backfill
    good, bad = _bad_rows(server, zoe)
    half = len(good) // 2
    by_hand(server, good[:half] + bad + good[half:])
    bad_ids = sorted(row["change_id"] for row in bad)

    for ws in (streamed, backfilled, nurse):
        report = sync(ws)
        assert sorted(report.kept_aside) == EXPECTED
        assert _kept(ws) == EXPECTED
        assert _notes(ws) == 1 + GOOD_NOTES  # the good rows of the same page applied
        person = _zoe(ws)
        assert (person.family_name, person.date_of_birth.isoformat()) == ("O'Neill", "1938-04-12")
        assert person.preferred_name is None
        problems = list_problems(ws)
        assert sorted(p.reason for p in problems if not p.refused) == EXPECTED
        assert {p.record for p in problems} == {"contact note", "person"}
        with ws.store.read() as session:
            assert check_journal(session)[1] == []  # the tables are what the journal says

    # Every laptop still unlocks, writes (with a clock stamp it can believe) and syncs.
    words = {}
    for name, ws in (("streamed", streamed), ("backfilled", backfilled), ("nurse", nurse)):
        ws = reopen(ws)
        words[name] = f"Visit after the bad rows ({name})."
        visits.record_visit(ws, person_id=zoe, narrative=words[name], occurred_at=clock.now())
        with ws.store.read() as session:
            newest = session.execute(
                select(func.max(ChangeRecord.hlc)).where(ChangeRecord.pushed_at.is_(None))
            ).scalar_one()
        assert newest <= ceiling()
        report = sync(ws)
        assert report.refused == [] and report.kept_aside == []  # nothing kept twice
        assert _kept(ws) == EXPECTED
        ws.close()
    nurse = reopen(nurse)
    sync(nurse)
    with nurse.store.read() as session:
        texts = set(session.execute(select(ContactNote.narrative)).scalars())
    assert set(words.values()) <= texts

    # The server heard which changes each laptop kept aside: ids and a count, no content.
    with server.store.engine.connect() as conn:
        events = [
            json.loads(value)
            for value in conn.execute(
                select(s.changes.c.value).where(s.changes.c.entity == "audit_event")
            ).scalars()
        ]
    told = [e for e in events if e["action"] == KEPT_ASIDE_EVENT]
    assert len(told) == 3
    for event in told:
        detail = json.loads(event["detail"])
        assert detail["count"] == len(bad) and sorted(detail["change_ids"]) == bad_ids
        assert "Zed" not in event["detail"] and "soon" not in event["detail"]
    # The administrator finds them among the sync events of the access report.
    rows, _ = audit_report.fetch(server.store, ReportQuery(kinds=frozenset({"sync"})))
    assert sum(row.action == KEPT_ASIDE_EVENT for row in rows) == 3
    nurse.close()


def test_a_change_kept_aside_applies_once_what_it_names_arrives(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse, zoe = zoe_on_the_team(laptop)
    colleague = reopen(laptop("Ceri Jones"))
    sync(colleague)
    # The nurse adds a goal and an action offline; the action reaches the server first
    # (by hand here), so the colleague pulls an action whose goal is not there yet.
    goal = add_goal(nurse, person_id=zoe, statement="I want to walk to the shop again").entity_id
    assert goal is not None
    action = add_action(nurse, goal_id=goal, what="Practise the stairs", who_name="Zoë")
    with nurse.store.read() as session:
        early = session.execute(
            select(ChangeRecord).where(ChangeRecord.entity_id == action.entity_id)
        ).scalar_one()
    by_hand(
        server,
        [
            {
                "change_id": early.change_id,
                "hlc": early.hlc,
                "device_id": early.device_id,
                "author_id": early.author_id,
                "organisation_id": early.organisation_id,
                "entity": early.entity,
                "entity_id": early.entity_id,
                "op": early.op,
                "field": None,
                "value": early.value,
                "bases": None,
                "recorded_at": early.recorded_at.isoformat(),
                "person_id": zoe,
                "received_at": datetime.now(UTC),
            }
        ],
    )
    report = sync(colleague)
    assert report.kept_aside == [NAMES_MISSING]
    with colleague.store.read() as session:
        assert session.execute(select(PlanAction)).first() is None
    sync(nurse)  # the goal (and the action again: a duplicate) reach the server
    report = sync(colleague)
    assert report.recovered == 1
    assert _kept(colleague) == []
    with colleague.store.read() as session:
        assert session.execute(select(PlanAction.what)).scalar_one() == "Practise the stairs"
        assert check_journal(session)[1] == []
    nurse.close()
    colleague.close()


def test_what_was_kept_aside_about_a_person_leaves_with_them(
    server: RunningServer, laptop: Laptop
) -> None:
    directory.add_team(server.store, "Hambleton Locality")
    nurse, zoe = zoe_on_the_team(laptop)
    colleague = reopen(laptop("Ceri Jones"))
    sync(colleague)
    person = server_row(server, "person", entity_id=zoe)
    by_hand(
        server,
        [
            set_field(person, "date_of_birth", "soon"),
            note_like(server_row(server, "contact_note"), occurred_at="this morning"),
        ],
    )
    sync(colleague)
    assert len(_kept(colleague)) == 2
    # The team's coordinator moves Zoë to another team (theirs alone to do).
    directory.add_user(server.store, "Pat Moss", "coordinator", "Craven Locality")
    coordinator = reopen(laptop("Pat Moss"))
    sync(coordinator)
    with coordinator.store.write(coordinator.actor) as session:
        team = session.execute(select(Team).where(Team.name == "Hambleton Locality")).scalar_one()
        session.execute(select(Person)).scalar_one().team_id = team.id
    assert sync(coordinator).refused == []
    report = sync(colleague)
    assert report.evicted == 1
    assert _kept(colleague) == []  # nothing of Zoë's stays behind, kept aside or not
    nurse.close()
    colleague.close()
    coordinator.close()


def test_a_page_that_kept_something_aside_is_on_the_disk_before_anything_is_pushed(
    server: RunningServer, laptop: Laptop, monkeypatch: Any
) -> None:
    """A pulled page commits without waiting for the disk, but the audit event saying
    what it kept aside is this laptop's own and is pushed (straight after the pull
    when someone left the caseload): the page's own store step ends with a flushed
    commit, before any other step can push."""
    from storage.store import Store

    nurse, _zoe_id = zoe_on_the_team(laptop)
    note = server_row(server, "contact_note")
    by_hand(server, [note_like(note), note_like(note, narrative=GONE)])
    steps: list[list[str]] = []
    write = Store.write

    def watched_write(self: Store, actor: Any, *, flushed: bool = True) -> Any:
        steps[-1].append("flushed" if flushed else "unflushed")
        return write(self, actor, flushed=flushed)

    def on_store(step: Any) -> Any:
        steps.append([])
        return step()

    monkeypatch.setattr(Store, "write", watched_write)
    report = sync(nurse, on_store=on_store)
    assert report.kept_aside == ["a required value is missing (narrative)"]
    (page,) = [writes for writes in steps if "unflushed" in writes]
    assert page == ["unflushed", "flushed"]
