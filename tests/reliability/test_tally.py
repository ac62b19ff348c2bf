"""The "0 lost, 0 duplicated" every reliability test reports (bench/tally.py) sees loss
and duplication when they are there: a change the real server refused counts as lost
unless the laptop still shows it through the app's status service, and a note or a
field value applied twice on a replica (under new change ids) counts as duplicated,
on the laptop and on the server."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services import clock
from app.services.care.notes import add_note
from app.services.profile.sync_status import pending_changes
from app.services.record import people
from app.workspace import Workspace
from bench.tally import laptop_side, server_side, tally
from storage.tables import ChangeRecord, ContactNote
from sync.client.problems import list_problems
from tests.reliability.helpers import ServerProcess, compare_with_server, open_laptop
from tests.sync.helpers import sync

pytestmark = pytest.mark.slow
Enrolled = Callable[[str], Path]

_COPY_CHANGE = (
    "INSERT INTO change_journal (change_id, hlc, device_id, author_id, organisation_id,"
    " entity, entity_id, op, field, value, recorded_at, bases)"
    " SELECT ?, (SELECT max(hlc) + 1 FROM change_journal), device_id, author_id,"
    " organisation_id, entity, entity_id, op, coalesce(?, field), value, recorded_at, bases"
    " FROM change_journal WHERE change_id = ?"
)


def _copy_change(ws: Workspace, change_id: str, *, to_field: str | None = None) -> str:
    """The same change again under a new id (and, with `to_field`, on another field)."""
    new_id = str(uuid.uuid4())
    with ws.store.write(ws.actor) as session:
        session.connection().exec_driver_sql(_COPY_CHANGE, (new_id, to_field, change_id))
    return new_id


def _last_set(ws: Workspace, entity_id: str, field: str) -> str:
    with ws.store.read() as session:
        return str(
            session.execute(
                select(ChangeRecord.change_id)
                .where(
                    ChangeRecord.entity_id == entity_id,
                    ChangeRecord.field == field,
                    ChangeRecord.op == "set",
                )
                .order_by(ChangeRecord.hlc.desc())
                .limit(1)
            ).scalar_one()
        )


def test_a_refused_change_is_lost_unless_the_laptop_shows_it(
    server_process: ServerProcess, enrolled: Enrolled
) -> None:
    ws = open_laptop(enrolled("nurse"))
    try:
        nhs = "9990000077"
        person = people.register(
            ws, people.NewPerson(nhs, "Hilda", "Crowther", "1939-03-03", "DL8 3AB")
        )
        people.edit(ws, nhs, {"preferred_name": "Hil"})
        sync(ws)
        assert compare_with_server(ws, server_process).lost == 0
        # A change to a field this server does not keep (as from a newer app): refused.
        odd = _copy_change(ws, _last_set(ws, person, "preferred_name"), to_field="shoe_size_uk")
        report = sync(ws)
        assert len(report.refused) == 1
        with ws.store.read() as session:
            reason = session.execute(
                select(ChangeRecord.push_error).where(ChangeRecord.change_id == odd)
            ).scalar_one()
        assert reason
        # Not waiting any more (the status bar), but shown apart with its reason.
        assert pending_changes(ws) == 0
        assert [p.reason for p in list_problems(ws) if p.refused] == [reason]
        shown = compare_with_server(ws, server_process)
        assert (shown.lost, shown.refused_shown, shown.duplicated) == (0, 1, 0), shown
        # Had the status service not counted it, the same laptop would have lost it.
        with server_process.store.engine.connect() as conn:
            theirs = server_side(conn, ws.store.device_id)
        unseen = tally(replace(laptop_side(ws), shown=0), theirs)
        assert (unseen.lost, unseen.refused_shown) == (1, 0), unseen
        # Dropped without a word (marked as taken): now it is lost.
        with ws.store.write(ws.actor) as session:
            session.connection().exec_driver_sql(
                "UPDATE change_journal SET pushed_at = ?, push_error = NULL WHERE change_id = ?",
                (clock.now().isoformat(sep=" "), odd),
            )
        assert pending_changes(ws) == 0 and not list_problems(ws)
        hidden = compare_with_server(ws, server_process)
        assert (hidden.lost, hidden.refused_shown) == (1, 0), hidden
    finally:
        ws.close()


def test_a_note_or_a_value_applied_twice_counts_as_duplicated(
    server_process: ServerProcess, enrolled: Enrolled
) -> None:
    ws = open_laptop(enrolled("nurse"))
    try:
        nhs = "9990000085"
        person = people.register(
            ws, people.NewPerson(nhs, "Percy", "Thwaite", "1933-08-21", "BD23 1JD")
        )
        note_id = add_note(ws, nhs, "Told twice: the district nurse called.")
        people.edit(ws, nhs, {"preferred_name": "Perce"})
        sync(ws)
        clean = compare_with_server(ws, server_process)
        assert (clean.lost, clean.duplicated) == (0, 0), clean
        # The same note saved again under a new id, as a double-applied save would.
        with ws.store.write(ws.actor) as session:
            note = session.get(ContactNote, note_id)
            assert note is not None
            columns = {c.key: getattr(note, c.key) for c in ContactNote.__table__.columns}
            session.add(ContactNote(**{**columns, "id": str(uuid.uuid4())}))
        # The same field value applied twice under a new change id.
        _copy_change(ws, _last_set(ws, person, "preferred_name"))
        sync(ws)
        twice = compare_with_server(ws, server_process)
        assert twice.lost == 0, twice
        assert twice.where == {
            "laptop note": 1,
            "server note": 1,
            "laptop field value": 1,
            "server field value": 1,
        }, twice
        assert twice.duplicated == 4
    finally:
        ws.close()
