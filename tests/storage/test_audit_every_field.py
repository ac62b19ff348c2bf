"""Every stored column of an audit event is covered by its hash: change any one of
them in the database and `onerecord audit verify` reports that event as altered.
(The server's re-verification of the same events: tests/sync/test_audit_every_field.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from app.cli.main import main as cli_main
from app.services.care.notes import add_note
from app.services.record import people
from app.workspace import Workspace
from storage import profile
from storage.audit_log import append as audit
from tests.conftest import PASSPHRASE, ZOE
from tests.storage.audit_tamper import AUDIT_COLUMNS, tampered

ALTERED = "has been altered since it was written"


def _an_event_with_every_field(ws: Workspace) -> str:
    """A break-glass view (person, reason and detail all set), with events after it."""
    with ws.store.write(ws.actor) as session:
        event = audit(
            session,
            "record_viewed",
            person_id=people.find(session, ZOE).id,
            detail={"break_glass": True, "pages": 2},
            reason="Out-of-hours call from the family",
        )
        event_id = event.id
    add_note(ws, ZOE, "Visited; walking with the frame.")
    return event_id


def _tamper(folder: Path, event_id: str, column: str) -> None:
    store = profile.unlock(folder, PASSPHRASE)  # the database key, and no audit event
    try:
        with store.engine.begin() as conn:
            # `column` comes from the table's own definition, never from input.
            select_sql = f"SELECT {column} FROM audit_event WHERE id = :id"
            value = conn.execute(text(select_sql), {"id": event_id}).scalar_one()
            conn.execute(
                text(f"UPDATE audit_event SET {column} = :value WHERE id = :id"),
                {"value": tampered(value), "id": event_id},
            )
    finally:
        store.close()


def test_changing_any_column_of_a_stored_event_is_reported(
    populated: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event_id = _an_event_with_every_field(populated)
    base = populated.store.path
    populated.close()
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    assert cli_main(["audit", "verify", "--profile", str(base)]) == 0
    capsys.readouterr()
    assert {"detail", "reason", "person_id", "organisation_id", "prev_hash"} <= set(AUDIT_COLUMNS)

    missed: list[str] = []
    for column in AUDIT_COLUMNS:
        copy = tmp_path / f"tampered-{column}"
        shutil.copytree(base, copy)
        _tamper(copy, event_id, column)
        code = cli_main(["audit", "verify", "--profile", str(copy)])
        out = capsys.readouterr().out
        if code != 1 or ALTERED not in out:
            missed.append(column)
    assert missed == [], f"changed without `audit verify` reporting the event altered: {missed}"
