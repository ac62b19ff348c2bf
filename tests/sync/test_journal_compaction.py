"""A pulled append-only row (a visit note, an audit event) is journalled without a
second copy of its values: its row in its table is its value. The journal still
names the change, and `onerecord check` still finds a record the journal has and
the tables lack; the laptop's own appends keep their values (the outbox sends them)."""

from __future__ import annotations

from sqlalchemy import delete, select

from app.services.care.notes import add_note
from app.services.record import people
from app.workspace import Workspace
from storage.consistency import check_journal
from storage.tables import ChangeRecord, ContactNote
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync

NOTE = "Visited: grab rail fitted by the back door, walked to the garden with the frame."


def _note_journal(ws: Workspace, note_id: str) -> list[tuple[str, str | None]]:
    with ws.store.read() as session:
        return [
            (row.op, row.value)
            for row in session.execute(
                select(ChangeRecord.op, ChangeRecord.value).where(
                    ChangeRecord.entity == "contact_note", ChangeRecord.entity_id == note_id
                )
            )
        ]


def test_a_pulled_note_is_journalled_without_a_copy_and_still_checked(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse = reopen(laptop("Sam Taylor"))
    social_worker = reopen(laptop("Ceri Jones"))
    try:
        people.register(nurse, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
        add_note(nurse, ZOE, NOTE)
        sync(nurse)
        sync(social_worker)
        with nurse.store.read() as session:
            note_id = session.execute(select(ContactNote.id)).scalar_one()

        # The writer's own append keeps its whole row, pushed or not.
        [(op, value)] = _note_journal(nurse, note_id)
        assert op == "append" and value is not None and NOTE in value
        # The reader's journal names the change; the row itself is in its table.
        assert _note_journal(social_worker, note_id) == [("append", None)]
        with social_worker.store.read() as session:
            assert session.get(ContactNote, note_id).narrative == NOTE
            checked, problems = check_journal(session)
        assert checked > 0 and problems == []

        # A row lost behind the journal's back is still found.
        with social_worker.store.engine.begin() as conn:
            conn.execute(delete(ContactNote.__table__).where(ContactNote.id == note_id))
        with social_worker.store.read() as session:
            problems = check_journal(session)[1]
        assert [(p.entity, p.entity_id, p.problem) for p in problems] == [
            ("contact_note", note_id, "in the journal but missing from the data")
        ]
    finally:
        nurse.close()
        social_worker.close()
