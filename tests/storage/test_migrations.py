"""Migrations run from the first table on, with a verified encrypted backup first."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.workspace import unlock
from storage import profile
from storage.migrate import _config, current_revision, head_revision
from tests.conftest import FAST_KDF, PASSPHRASE, ZOE


def test_new_profile_is_at_head(tmp_path: Path) -> None:
    store = profile.create(tmp_path / "p", PASSPHRASE, kdf=FAST_KDF)
    try:
        assert current_revision(store.engine) == head_revision()
    finally:
        store.close()
    assert not (tmp_path / "p" / profile.BACKUP_DIR).exists()


def test_upgrade_takes_an_encrypted_backup_first(tmp_path: Path) -> None:
    path = tmp_path / "old"
    store = profile.create(path, PASSPHRASE, kdf=FAST_KDF, revision="0001")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person (id, nhs_number, nhs_number_status, given_name, family_name,"
                " date_of_birth, address_line1, postcode, interpreter_needed, language,"
                " large_print,"
                " level_of_need, life_stage, status, recorded_at)"
                " VALUES ('p1', :nhs, '01', 'Zoë', 'O''Neill', '1938-04-12', '', 'DL8 3AB', 0,"
                " 'English', 0, 'targeted', 'ageing_well', 'open', '2026-01-01 09:00:00')"
            ),
            {"nhs": ZOE},
        )
    assert current_revision(store.engine) == "0001"
    store.close()

    workspace = unlock(path, PASSPHRASE)  # upgrades to head
    try:
        assert current_revision(workspace.store.engine) == head_revision()
        with workspace.store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar() == 1
    finally:
        workspace.close()

    backups = list((path / profile.BACKUP_DIR).glob("*.db"))
    assert len(backups) == 1
    backup = backups[0]
    assert not backup.read_bytes().startswith(b"SQLite format 3")
    # The backup opens with the same key (same passphrase) and holds the old schema and data.
    restored = tmp_path / "restored"
    restored.mkdir()
    (restored / profile.DB_FILE).write_bytes(backup.read_bytes())
    (restored / profile.VAULT_FILE).write_bytes((path / profile.VAULT_FILE).read_bytes())
    from storage import keyvault
    from storage.engine import build_engine

    key = keyvault.unwrap(keyvault.read_vault(restored / profile.VAULT_FILE), PASSPHRASE)
    engine = build_engine(restored / profile.DB_FILE, key)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
            assert conn.execute(text("SELECT nhs_number FROM person")).scalar() == ZOE
    finally:
        engine.dispose()


def test_the_migrated_schema_is_the_tables_schema(tmp_path: Path) -> None:
    """A profile is built by the migrations, the code reads it through the table
    classes: every table, column, nullability and index must be the same in both,
    or a new field works in tests and fails on an upgraded laptop."""
    from sqlalchemy import inspect

    from storage.tables import Base

    store = profile.create(tmp_path / "p", PASSPHRASE, kdf=FAST_KDF)
    try:
        found = inspect(store.engine)
        tables = set(found.get_table_names()) - {"alembic_version"}
        assert tables == set(Base.metadata.tables)
        for name, table in Base.metadata.tables.items():
            columns = {c["name"]: c for c in found.get_columns(name)}
            assert set(columns) == set(table.columns.keys()), name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, (name, column.name)
            # From the schema itself: the inspector skips an index on an expression.
            with store.engine.connect() as connection:
                indexes = set(
                    connection.exec_driver_sql(
                        "SELECT name FROM sqlite_master WHERE type = 'index'"
                        " AND tbl_name = ? AND sql IS NOT NULL",
                        (name,),
                    ).scalars()
                )
            assert indexes == {i.name for i in table.indexes}, name
    finally:
        store.close()


def test_the_head_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    assert head_revision() == ScriptDirectory.from_config(_config()).get_current_head()


def test_the_head_is_read_however_a_migration_spells_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.migrate as migrate

    versions = tmp_path / "versions"
    versions.mkdir()
    # As Alembic's template writes them (repr: single quotes), reformatted, and a merge.
    (versions / "a.py").write_text("revision = 'a1'\ndown_revision = None\n")
    (versions / "b.py").write_text('revision: str = "b2"\ndown_revision: str | None = "a1"\n')
    (versions / "c.py").write_text("revision = 'c3'\ndown_revision = 'a1'\n")
    (versions / "d.py").write_text("revision = 'd4'\ndown_revision = ('b2', 'c3')\n")
    monkeypatch.setattr(migrate, "MIGRATIONS", tmp_path)
    assert head_revision() == "d4"
    (versions / "e.py").write_text("# a file with no revision\n")
    with pytest.raises(RuntimeError):
        head_revision()
