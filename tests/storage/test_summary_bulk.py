"""A large insert that lifts the per-row summary trigger leaves the caseload
summary exactly as the trigger would have, puts the trigger back unchanged, and
on failure leaves nothing behind: no rows and the trigger still in place."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.services import clock
from app.services.record import people
from app.workspace import Workspace
from storage.bulk import insert_rows
from storage.summary_bulk import BULK_ROWS, insert_many_summarised, summary_refreshed_once
from storage.tables import CaseloadSummary, ContactNote
from tests.conftest import ALUN, ZOE

TRIGGER = (
    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'contact_note_summary_ai'"
)


def _notes(ws: Workspace, person_id: str, count: int, start: datetime) -> list[dict[str, Any]]:
    actor = ws.actor
    return [
        {
            "id": str(uuid.uuid4()),
            "person_id": person_id,
            "contact_type": "home_visit",
            "occurred_at": (start + timedelta(hours=n)).isoformat(),
            "narrative": f"Synthetic visit {n}.",
            "linked_goal_ids": "[]",
            "author_id": actor.user_id,
            "author_role": "community_nurse",
            "organisation_id": actor.organisation_id,
            "sensitive": False,
            "recorded_at": clock.now().isoformat(),
            "recorded_by": actor.user_id,
            "recorded_org": actor.organisation_id,
            "recorded_device": actor.device_id,
        }
        for n in range(count)
    ]


def _last_contact(ws: Workspace) -> dict[str, datetime | None]:
    with ws.store.read() as session:
        return {
            row.person_id: row.last_contact_at
            for row in session.execute(select(CaseloadSummary)).scalars()
        }


def _ids(ws: Workspace) -> tuple[str, str]:
    with ws.store.read() as session:
        return people.find(session, ZOE).id, people.find(session, ALUN).id


def test_bulk_insert_summarises_every_person_once_and_restores_the_trigger(
    populated: Workspace,
) -> None:
    zoe, alun = _ids(populated)
    start = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
    with populated.store.read() as session:
        before = session.execute(text(TRIGGER)).scalar_one()
    rows = _notes(populated, zoe, BULK_ROWS, start) + _notes(populated, alun, 3, start)
    with populated.store.write(populated.actor) as session:
        insert_many_summarised(session.connection(), ContactNote.__table__, rows)  # type: ignore[arg-type]
    summary = _last_contact(populated)
    assert summary[zoe] == start + timedelta(hours=BULK_ROWS - 1)
    assert summary[alun] == start + timedelta(hours=2)
    with populated.store.read() as session:
        assert session.execute(text(TRIGGER)).scalar_one() == before
    # The trigger is live again: one more note by the ORM moves the summary on.
    later = start + timedelta(days=60)
    with populated.store.write(populated.actor) as session:
        session.add(
            ContactNote(person_id=alun, contact_type="phone", occurred_at=later, narrative="Rang.")
        )
    assert _last_contact(populated)[alun] == later


def test_a_failed_bulk_insert_leaves_no_rows_and_the_trigger_in_place(
    populated: Workspace,
) -> None:
    zoe, _ = _ids(populated)
    rows = _notes(populated, zoe, BULK_ROWS, datetime(2026, 9, 1, tzinfo=UTC))
    rows[-1]["id"] = rows[0]["id"]  # a duplicate key fails the insert part-way
    with pytest.raises(IntegrityError), populated.store.write(populated.actor) as session:
        insert_many_summarised(session.connection(), ContactNote.__table__, rows)  # type: ignore[arg-type]
    with populated.store.read() as session:
        assert session.execute(text(TRIGGER)).scalar_one() is not None
        assert session.execute(select(ContactNote.id)).first() is None
    assert zoe not in _last_contact(populated)


def test_small_inserts_keep_the_per_row_trigger(populated: Workspace) -> None:
    zoe, _ = _ids(populated)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    with populated.store.write(populated.actor) as session:
        conn = session.connection()
        insert_many_summarised(conn, ContactNote.__table__, _notes(populated, zoe, 2, start))  # type: ignore[arg-type]
        # Still inside the transaction: the trigger was never lifted.
        assert conn.execute(text(TRIGGER)).scalar_one() is not None
    assert _last_contact(populated)[zoe] == start + timedelta(hours=1)


def test_bulk_insert_rows_through_the_orm_path_summarises_too(populated: Workspace) -> None:
    """storage.bulk.insert_rows (demo caseloads, imports) lifts the trigger the same way."""
    zoe, alun = _ids(populated)
    start = datetime(2026, 8, 1, tzinfo=UTC)
    rows = [
        {
            "person_id": zoe if n % 3 else alun,
            "contact_type": "home_visit",
            "occurred_at": start + timedelta(days=n),
            "narrative": f"Synthetic visit {n}.",
        }
        for n in range(BULK_ROWS + 10)
    ]
    with populated.store.write(populated.actor) as session:
        insert_rows(session, ContactNote, rows)
        newest = dict(
            session.execute(
                select(ContactNote.person_id, func.max(ContactNote.occurred_at)).group_by(
                    ContactNote.person_id
                )
            ).all()
        )
    assert _last_contact(populated) == {zoe: newest[zoe], alun: newest[alun]}
    assert newest[zoe] == start + timedelta(days=BULK_ROWS + 9)  # n = 209 is Zoë's (209 % 3 != 0)


def test_when_sqlite_rolled_back_by_itself_the_real_error_is_raised(populated: Workspace) -> None:
    """A full disk makes SQLite roll the whole transaction back on its own (which
    restores the trigger): putting the trigger back again must not hide that error."""

    class DiskFilledUp(Exception):
        pass

    zoe, _ = _ids(populated)
    rows = _notes(populated, zoe, BULK_ROWS, datetime(2026, 9, 1, tzinfo=UTC))
    with pytest.raises(DiskFilledUp), populated.store.write(populated.actor) as session:
        conn = session.connection()
        with summary_refreshed_once(conn, ContactNote.__table__, rows):  # type: ignore[arg-type]
            conn.exec_driver_sql("ROLLBACK")  # what SQLite does by itself on SQLITE_FULL
            raise DiskFilledUp()
    with populated.store.read() as session:
        assert session.execute(text(TRIGGER)).scalar_one() is not None
