"""Migration 0015 upgrades a 0014 profile (the fixture made by 0014's own code) after a
verified backup: every person and carer kept, no carer with a contingency plan yet
(NULL: not made), the carer-strain, telecare and budget tables empty, with their
rules in force; and it downgrades to 0014 and back with the carers intact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.workspace import unlock
from scripts.make_fixture_profile import PASSPHRASE
from storage import profile
from storage.migrate import _config, current_revision, head_revision, upgrade

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "schema-0014"
TABLES = ("carer_strain_check", "telecare_item", "personal_budget")


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "old"
    shutil.copytree(FIXTURE, path, ignore=shutil.ignore_patterns("manifest.json"))
    return path


def test_a_0014_profile_upgrades_with_nothing_recorded_yet(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    manifest = json.loads((FIXTURE / "manifest.json").read_text(encoding="utf-8"))
    ws = unlock(path, PASSPHRASE)
    try:
        engine = ws.store.engine
        assert current_revision(engine) == head_revision() >= "0015"
        with engine.connect() as conn:
            people = conn.execute(text("SELECT count(*) FROM person")).scalar()
            assert people == manifest["counts"]["person"]
            plans = set(
                conn.execute(text("SELECT contingency_plan FROM personal_contact")).scalars()
            )
            assert plans <= {None}
            for table in TABLES:
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
        columns = {c["name"]: c for c in inspect(engine).get_columns("personal_contact")}
        assert columns["contingency_plan"]["nullable"] is True
        # The rules are the store's own: equipment tested before it was installed is refused.
        with pytest.raises(IntegrityError, match="tested_after_installed"), engine.begin() as conn:
            person = conn.execute(text("SELECT id FROM person LIMIT 1")).scalar()
            conn.execute(
                text(
                    "INSERT INTO telecare_item (id, person_id, kind, installed_on,"
                    " last_tested_on, test_every_days, responder, recorded_at) VALUES"
                    " ('t1', :p, 'pendant_alarm', '2026-12-01', '2026-11-01', 182, 'family',"
                    " '2026-12-01 10:00:00')"
                ),
                {"p": person},
            )
    finally:
        ws.close()
    assert len(list((path / profile.BACKUP_DIR).glob("*.db"))) == 1


def test_0015_downgrades_to_0014_and_back_with_the_carers_intact(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    ws = unlock(path, PASSPHRASE)  # to head
    try:
        engine = ws.store.engine
        with engine.begin() as conn:
            before = conn.execute(text("SELECT id, name FROM personal_contact ORDER BY id")).all()
        config = _config()
        with engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            raw.execute("PRAGMA foreign_keys = OFF")
            with conn.begin():
                config.attributes["connection"] = conn
                command.downgrade(config, "0014")
            raw.execute("PRAGMA foreign_keys = ON")
        assert current_revision(engine) == "0014"
        inspector = inspect(engine)
        assert not set(TABLES) & set(inspector.get_table_names())
        assert "contingency_plan" not in {
            c["name"] for c in inspector.get_columns("personal_contact")
        }
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            after = conn.execute(text("SELECT id, name FROM personal_contact ORDER BY id")).all()
            assert after == before
    finally:
        ws.close()
