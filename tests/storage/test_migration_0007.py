"""Migration 0007 (break-glass grants) upgrades a 0006 profile with its data intact,
after a verified backup, and the new table matches the ORM and keeps its rules."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.services import clock
from app.workspace import unlock
from storage import profile
from storage.migrate import current_revision, head_revision
from storage.tables import BreakGlassGrant
from tests.conftest import FAST_KDF, PASSPHRASE, ZOE


def test_a_0006_profile_upgrades_to_break_glass(tmp_path: Path) -> None:
    path = tmp_path / "old"
    store = profile.create(path, PASSPHRASE, kdf=FAST_KDF, revision="0006")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person (id, nhs_number, nhs_number_status, given_name, family_name,"
                " date_of_birth, address_line1, postcode, interpreter_needed, language,"
                " large_print, level_of_need, life_stage, status, recorded_at)"
                " VALUES ('p1', :nhs, '01', 'Zoë', 'O''Neill', '1938-04-12', '', 'DL8 3AB', 0,"
                " 'English', 0, 'targeted', 'ageing_well', 'open', '2026-01-01 09:00:00')"
            ),
            {"nhs": ZOE},
        )
    store.close()

    workspace = unlock(path, PASSPHRASE)
    try:
        engine = workspace.store.engine
        assert current_revision(engine) == head_revision()
        columns = {c["name"] for c in inspect(engine).get_columns("break_glass")}
        assert columns == set(BreakGlassGrant.__table__.columns.keys())
        with engine.connect() as conn:
            assert conn.execute(text("SELECT nhs_number FROM person")).scalar() == ZOE
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        now = clock.now()
        with workspace.store.write(workspace.actor) as session:
            session.add(
                BreakGlassGrant(
                    person_id="p1",
                    staff_member_id=workspace.actor.user_id,
                    reason="A stated reason for access",
                    started_at=now,
                    expires_at=now + timedelta(hours=2),
                )
            )
        # A grant must end after it starts.
        with pytest.raises(IntegrityError), workspace.store.write(workspace.actor) as session:
            session.add(
                BreakGlassGrant(
                    person_id="p1",
                    staff_member_id=workspace.actor.user_id,
                    reason="A stated reason for access",
                    started_at=now,
                    expires_at=now,
                )
            )
    finally:
        workspace.close()
    assert len(list((path / profile.BACKUP_DIR).glob("*.db"))) == 1
