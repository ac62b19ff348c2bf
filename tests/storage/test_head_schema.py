"""A new profile's schema is written from what the migrations made of an empty database
(storage/head_schema.py): it must be exactly what running them on it makes, every
table, index and trigger as SQLite stores it, and every row they leave."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storage import head_schema, keyvault, migrate, profile
from storage.engine import build_engine
from storage.head_schema import HeadSchema, read_schema
from tests.conftest import FAST_KDF, PASSPHRASE


def _same_whatever_the_order(statements: tuple[tuple[str, str], ...]) -> list[Any]:
    """Statements with each table's constraints in sorted order: the migrations
    themselves leave them in whatever order Alembic reflected them (two step-by-step
    runs differ), which changes nothing SQLite does. Columns keep their order."""
    found = []
    for kind, sql in statements:
        lines = [line.strip().rstrip(",").strip() for line in sql.splitlines()]
        constraints = sorted(line for line in lines if line.startswith("CONSTRAINT"))
        rest = [line for line in lines if not line.startswith("CONSTRAINT")]
        found.append((kind, rest, constraints))
    return sorted(found)


def _schema_of(engine: Any) -> HeadSchema:
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        return read_schema(raw)


def test_a_new_profile_is_exactly_what_the_migrations_make(tmp_path: Path) -> None:
    made = profile.create(tmp_path / "made", PASSPHRASE, kdf=FAST_KDF)
    # The same, the long way: an empty encrypted database through every migration.
    key = keyvault.new_database_key()
    migrated = build_engine(tmp_path / "migrated.db", key)
    try:
        migrate.upgrade(migrated, "head")
        ours, theirs = _schema_of(made.engine), _schema_of(migrated)
    finally:
        made.close()
        migrated.dispose()
        keyvault.wipe(key)
    assert _same_whatever_the_order(ours.statements) == _same_whatever_the_order(theirs.statements)
    kinds = {kind for kind, _sql in ours.statements}
    assert kinds == {"table", "index", "trigger"}
    # The rows the migrations leave (their version), less the new profile's own setting.
    ours_rows = {name: rows for name, _columns, rows in ours.rows if name != "profile_setting"}
    assert ours_rows == {name: rows for name, _columns, rows in theirs.rows}
    assert ours_rows["alembic_version"] == ((migrate.head_revision(),),)


def test_the_migrations_run_once_a_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []
    real = migrate.upgrade

    def counted(engine: Any, target: str = "head") -> None:
        runs.append(target)
        real(engine, target)

    monkeypatch.setattr(migrate, "upgrade", counted)
    monkeypatch.setattr(head_schema, "_made", None)
    for name in ("one", "two", "three"):
        profile.create(tmp_path / name, PASSPHRASE, kdf=FAST_KDF).close()
    assert runs == ["head"]
    # A profile asked for at an older revision is migrated to it, not made from this.
    profile.create(tmp_path / "old", PASSPHRASE, kdf=FAST_KDF, revision="0001").close()
    assert runs == ["head"]
