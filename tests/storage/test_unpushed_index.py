"""The journal's index of changes not yet pushed holds only those (migration 0018), on a
new profile and on one upgraded from 0016, and the outbox reads through it.

Why it matters: it indexed `pushed_at` for every row, so every change pulled from the
server (most of a laptop's journal) was written into it as well, and every change
pushed moved within it."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine

from app.workspace import Workspace, unlock
from scripts.make_fixture_profile import PASSPHRASE as FIXTURE_PASSPHRASE
from sync.client import outbox

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "schema-0016"
UNPUSHED = "ix_change_journal_unpushed"


def _definition(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(
            conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (UNPUSHED,)
            ).scalar()
        )


def _plans(engine: Engine) -> list[str]:
    """SQLite's plan for each of the outbox's reads of changes not yet pushed."""
    queries = (
        f"SELECT seq FROM change_journal WHERE {outbox._PENDING} AND seq > 0 ORDER BY seq",
        f"SELECT count(*) FROM change_journal WHERE {outbox._PENDING}",
        "SELECT count(*) FROM change_journal WHERE pushed_at IS NULL AND push_error IS NOT NULL",
    )
    with engine.connect() as conn:
        return [
            " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {q}"))
            for q in queries
        ]


def _holds_only_the_unpushed(engine: Engine) -> None:
    definition = " ".join(_definition(engine).split())
    assert definition.endswith("(seq) WHERE pushed_at IS NULL"), definition
    for plan in _plans(engine):
        assert f"USING INDEX {UNPUSHED}" in plan or f"USING COVERING INDEX {UNPUSHED}" in plan, plan


def test_a_new_profile_indexes_only_the_changes_not_yet_pushed(workspace: Workspace) -> None:
    _holds_only_the_unpushed(workspace.store.engine)
    with workspace.store.read_rows() as conn:
        batch = outbox.next_batch(conn, 2000)
        assert batch is not None and outbox.pending_count(conn) == len(batch.seqs)


def test_a_0016_profile_is_upgraded_and_keeps_what_it_had_to_push(tmp_path: Path) -> None:
    path = tmp_path / "old"
    shutil.copytree(FIXTURE, path, ignore=shutil.ignore_patterns("manifest.json"))
    ws = unlock(path, FIXTURE_PASSPHRASE)
    try:
        _holds_only_the_unpushed(ws.store.engine)
        with ws.store.read_rows() as conn:
            unpushed = conn.exec_driver_sql(
                f"SELECT count(*) FROM change_journal NOT INDEXED WHERE {outbox._PENDING}"
            ).scalar()
            assert unpushed and outbox.pending_count(conn) == unpushed
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        ws.close()
