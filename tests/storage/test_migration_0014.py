"""Migration 0014 upgrades a 0013 profile (the fixture made by 0013's own code) after a
verified backup: every person kept, none of them said to live alone or not (NULL:
not recorded), the team weights table empty (the team uses the defaults) and usable;
and it downgrades to 0013 and back with the people intact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import inspect, select, text

from app.services.priority.team_weights import current_weights
from app.services.priority.weights import DEFAULT_WEIGHTS
from app.workspace import unlock
from scripts.make_fixture_profile import PASSPHRASE
from storage import profile
from storage.migrate import _config, current_revision, head_revision, upgrade
from storage.tables import Person

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "schema-0013"


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "old"
    shutil.copytree(FIXTURE, path, ignore=shutil.ignore_patterns("manifest.json"))
    return path


def test_a_0013_profile_upgrades_with_lives_alone_not_recorded(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    manifest = json.loads((FIXTURE / "manifest.json").read_text(encoding="utf-8"))
    ws = unlock(path, PASSPHRASE)
    try:
        engine = ws.store.engine
        assert current_revision(engine) == head_revision() >= "0014"
        with ws.store.read() as session:
            lives_alone = session.execute(select(Person.lives_alone)).scalars().all()
            assert len(lives_alone) == manifest["counts"]["person"]
            assert set(lives_alone) == {None}
            team = session.execute(text("SELECT team_id FROM person LIMIT 1")).scalar()
            assert session.execute(text("SELECT count(*) FROM priority_weights")).scalar() == 0
            assert current_weights(session, team) == DEFAULT_WEIGHTS
        inspector = inspect(engine)
        indexes = {i["name"] for i in inspector.get_indexes("priority_weights")}
        assert indexes == {"ix_priority_weights_team_id"}
        # Nullable: a person row from a laptop not yet upgraded travels without it.
        person_columns = {c["name"]: c for c in inspector.get_columns("person")}
        assert person_columns["lives_alone"]["nullable"] is True
    finally:
        ws.close()
    assert len(list((path / profile.BACKUP_DIR).glob("*.db"))) == 1


def test_0014_downgrades_to_0013_and_back_with_the_people_intact(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    ws = unlock(path, PASSPHRASE)  # to head
    try:
        engine = ws.store.engine
        with engine.begin() as conn:
            conn.execute(text("UPDATE person SET lives_alone = 1"))
            before = conn.execute(text("SELECT id, family_name FROM person ORDER BY id")).all()
        config = _config()
        with engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            raw.execute("PRAGMA foreign_keys = OFF")
            with conn.begin():
                config.attributes["connection"] = conn
                command.downgrade(config, "0013")
            raw.execute("PRAGMA foreign_keys = ON")
        assert current_revision(engine) == "0013"
        inspector = inspect(engine)
        assert "priority_weights" not in inspector.get_table_names()
        assert "lives_alone" not in {c["name"] for c in inspector.get_columns("person")}
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            after = conn.execute(text("SELECT id, family_name FROM person ORDER BY id")).all()
            assert after == before
            assert set(conn.execute(text("SELECT lives_alone FROM person")).scalars()) == {None}
    finally:
        ws.close()
