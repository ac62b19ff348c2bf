"""What the store does about rows it cannot trust: a profile whose journal already
holds a clock stamp of 2**63-1 (pulled before pulled rows were checked) still
unlocks and writes, stamping from its own clock and saying so; and migration 0009
adds the kept-aside table to an 0008 profile, matching the ORM."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, insert, inspect, select

from app.services import clock
from app.services.record import people
from app.workspace import Workspace, unlock
from storage import hlc, profile
from storage.migrate import current_revision, head_revision
from storage.tables import ChangeRecord, KeptAside
from tests.conftest import FAST_KDF, PASSPHRASE, ZOE


def test_a_stamp_of_2_63_in_the_journal_never_stops_an_unlock(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    path = workspace.store.path
    with workspace.store.engine.begin() as conn:
        conn.execute(
            insert(ChangeRecord),
            [
                {
                    "change_id": str(uuid.uuid4()),
                    "hlc": 2**63 - 1,
                    "device_id": str(uuid.uuid4()),
                    "entity": "person",
                    "entity_id": str(uuid.uuid4()),
                    "op": "delete",
                    "recorded_at": clock.now(),
                    "pushed_at": clock.now(),
                }
            ],
        )
    workspace.close()
    with caplog.at_level(logging.WARNING, logger="storage.store"):
        ws = unlock(path, PASSPHRASE)  # writes its unlock audit event: a stamp is made
    try:
        people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
        with ws.store.read() as session:
            newest = session.execute(
                select(func.max(ChangeRecord.hlc)).where(ChangeRecord.hlc < 2**63 - 1)
            ).scalar_one()
        # Stamped from this laptop's own clock, not from the stamp it cannot believe.
        wall_ms, _ = hlc.unpack(newest)
        assert abs(wall_ms - hlc.unpack(hlc.ceiling())[0] + hlc.FUTURE_LIMIT_MS) < 60_000
        assert "more than a day ahead of this laptop's clock" in caplog.text
    finally:
        ws.close()


def test_migration_0009_adds_the_kept_aside_table(tmp_path: Path) -> None:
    path = tmp_path / "old"
    store = profile.create(path, PASSPHRASE, kdf=FAST_KDF, revision="0008")
    store.close()
    ws = unlock(path, PASSPHRASE)
    try:
        engine = ws.store.engine
        assert current_revision(engine) == head_revision()  # 0009 and every one after
        columns = {c["name"]: c for c in inspect(engine).get_columns("kept_aside")}
        assert set(columns) == set(KeptAside.__table__.columns.keys())
        for column in KeptAside.__table__.columns:
            assert columns[column.name]["nullable"] == column.nullable, column.name
        indexes = {i["name"] for i in inspect(engine).get_indexes("kept_aside")}
        assert indexes == {"ix_kept_aside_person_id"}
    finally:
        ws.close()
