"""Migration 0016 upgrades a 0015 profile (the fixture made by 0015's own code): every
action kept under its goal, the meeting tables empty, plan_action rebuilt with its
rules (an action serves a goal or names the meeting item that agreed it); and it
downgrades to 0015 and back with the goals' actions intact."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.workspace import unlock
from scripts.make_fixture_profile import PASSPHRASE
from storage.migrate import _config, current_revision, head_revision, upgrade

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "schema-0015"
ACTIONS = "SELECT id, goal_id, what, due_on, status FROM plan_action ORDER BY id"
INSERT = (
    "INSERT INTO plan_action (id, person_id, goal_id, mdt_item_id, what, who_name, status,"
    " recorded_at) VALUES (:id, :p, NULL, :item, 'Ask the GP to review', 'Dr Shah',"
    " 'planned', '2026-12-05 10:00:00')"
)

ITEM = (
    "INSERT INTO mdt_item (id, person_id, reason, why, recorded_at) VALUES"
    " ('item-1', :p, 'flagged', 'Falls at night', '2026-12-05 10:00:00')"
)


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "old"
    shutil.copytree(FIXTURE, path, ignore=shutil.ignore_patterns("manifest.json"))
    return path


def test_a_0015_profile_upgrades_with_every_action_under_its_goal(tmp_path: Path) -> None:
    ws = unlock(_copy(tmp_path), PASSPHRASE)
    try:
        engine = ws.store.engine
        assert current_revision(engine) == head_revision() >= "0016"
        with engine.connect() as conn:
            actions = conn.execute(text(ACTIONS)).all()
            assert actions and all(a.goal_id for a in actions)
            for table in ("mdt_meeting", "mdt_item"):
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
            person = conn.execute(text("SELECT id FROM person LIMIT 1")).scalar()
        indexes = {i["name"] for i in inspect(engine).get_indexes("plan_action")}
        assert {"ix_plan_action_goal_id", "ix_plan_action_person_id"} <= indexes
        # An action with neither a goal nor a meeting item is refused by the store itself.
        with pytest.raises(IntegrityError, match="towards_a_goal_or_agreed"), engine.begin() as c:
            c.execute(text(INSERT), {"id": "a-loose", "p": person, "item": None})
        with engine.begin() as conn:
            conn.execute(text(ITEM), {"p": person})
            conn.execute(text(INSERT), {"id": "a-agreed", "p": person, "item": "item-1"})
        # The item it names must be one the store holds.
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), engine.begin() as c:
            c.execute(text(INSERT), {"id": "a-stray", "p": person, "item": "no-such-item"})
    finally:
        ws.close()


def test_0016_downgrades_to_0015_and_back_with_the_goals_actions_intact(tmp_path: Path) -> None:
    ws = unlock(_copy(tmp_path), PASSPHRASE)
    try:
        engine = ws.store.engine
        with engine.begin() as conn:
            before = conn.execute(text(ACTIONS)).all()
            person = conn.execute(text("SELECT id FROM person LIMIT 1")).scalar()
            conn.execute(text(ITEM), {"p": person})
            conn.execute(text(INSERT), {"id": "a-agreed", "p": person, "item": "item-1"})
        config = _config()
        with engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            raw.execute("PRAGMA foreign_keys = OFF")
            with conn.begin():
                config.attributes["connection"] = conn
                command.downgrade(config, "0015")
            raw.execute("PRAGMA foreign_keys = ON")
        assert current_revision(engine) == "0015"
        inspector = inspect(engine)
        assert not {"mdt_meeting", "mdt_item"} & set(inspector.get_table_names())
        columns = {c["name"]: c for c in inspector.get_columns("plan_action")}
        assert "mdt_item_id" not in columns and columns["goal_id"]["nullable"] is False
        with engine.connect() as conn:
            assert conn.execute(text(ACTIONS)).all() == before
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            assert conn.execute(text(ACTIONS)).all() == before
    finally:
        ws.close()
