"""Put a backup back in place of a profile's database, atomically.

The restored copy is older than what this laptop last held, and the server may
already have everything made since. So that nothing is lost or forked:

- the current database is kept first, as a backup (or, if it cannot be read,
  moved aside as it was found);
- this laptop's audit events that the copy lacks keep the chain whole
  (storage.restore_chain), so it still verifies here and on the server;
- the profile records that it was restored (`RESTORED_AT`): its next sync
  re-sends what the copy never marked as sent (the server ignores repeats by
  change id) and pulls from the copy's own cursor, asking the server for this
  laptop's own later changes too, which a laptop is normally never sent back.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import text

from storage import wallclock
from storage.audit_anchor import ANCHOR_FILE
from storage.backup import (
    BACKUP_DIR,
    DB_FILE,
    RESTORED_AT,
    BackupSummary,
    _plain_file_errors,
    _read_only,
    default_target,
    fsync_dir,
    verify_backup,
    write_backup,
)
from storage.engine import build_engine, connect_raw
from storage.errors import OneRecordError, ProfileDamagedError, WrongPassphraseError
from storage.restore_chain import Lacking, carry_over, later_events

logger = logging.getLogger(__name__)


class ProfileBusyError(OneRecordError):
    exit_code = 1


@dataclass(frozen=True)
class Restored:
    backup: BackupSummary
    kept_as: Path
    # Changes (audit events aside) in the replaced database that were never sent
    # to a server and are not in the backup: they are in `kept_as`, not lost.
    unsent_set_aside: int
    # This device's later audit events: kept as chain links (the server has them)
    # or carried over into the copy (never sent: pushed at the next sync).
    chain_links_kept: int
    events_carried_over: int
    anchor_reset: bool


def restore(profile: Path, key: bytes, source: Path) -> Restored:
    current = _read_current(profile, key)
    backup = verify_backup(source, key, current.device_id if current else None)
    if current is not None:
        kept = write_backup(profile, key, default_target(profile, "before-restore")).path
    else:
        kept = _move_aside(profile)
    lacking, unsent = _what_the_copy_lacks(current, source, key)
    tmp = profile / f".{DB_FILE}.restoring"
    with _plain_file_errors(tmp):
        tmp.unlink(missing_ok=True)
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o600)
        engine = build_engine(tmp, key)
        try:
            with engine.begin() as conn:
                carried = carry_over(conn, backup.device_id, lacking)
                conn.execute(
                    text(
                        "INSERT INTO profile_setting (key, value) VALUES (:k, :v) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                    ),
                    {"k": RESTORED_AT, "v": json.dumps(wallclock.utcnow().isoformat())},
                )
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        _swap_in(profile, tmp, key, current is not None)
    anchor_reset = current is None
    if anchor_reset:
        # The replaced chain could not be read, so its end cannot be carried over:
        # the audit event for this restore says so.
        (profile / ANCHOR_FILE).unlink(missing_ok=True)
    logger.warning("profile restored from a backup (%d changes)", backup.changes)
    return Restored(backup, kept, unsent, len(lacking.links), carried, anchor_reset)


@dataclass(frozen=True)
class _Current:
    device_id: str
    db: Path


def _read_current(profile: Path, key: bytes) -> _Current | None:
    """The database being replaced, or None when it cannot be read (a damaged file)."""
    try:
        conn = connect_raw(profile / DB_FILE, key)
    except WrongPassphraseError:
        raise
    except ProfileDamagedError:
        logger.warning("the profile being replaced cannot be opened")
        return None
    try:
        if [r[0] for r in conn.execute("PRAGMA quick_check")] != ["ok"]:
            logger.warning("the profile being replaced fails its integrity check")
            return None
        row = conn.execute("SELECT value FROM profile_setting WHERE key = 'device_id'").fetchone()
        device_id = json.loads(row[0]) if row else None
    except (sqlcipher.DatabaseError, ValueError) as exc:
        # Damaged past reading: restore replaces it whole, carrying nothing over.
        logger.warning("the profile being replaced cannot be read (%s)", type(exc).__name__)
        return None
    finally:
        conn.close()
    return _Current(device_id, profile / DB_FILE) if isinstance(device_id, str) else None


def _what_the_copy_lacks(current: _Current | None, source: Path, key: bytes) -> tuple[Lacking, int]:
    """This device's later audit events, and unsent changes the copy does not hold."""
    if current is None:
        return Lacking(), 0
    with _read_only(source, key) as copy:
        head = copy.execute(
            "SELECT coalesce(max(device_seq), 0) FROM audit_event WHERE device_id = ?",
            (current.device_id,),
        ).fetchone()[0]
        conn = connect_raw(current.db, key)
        engine = build_engine(current.db, key)
        try:
            with engine.connect() as sa_conn:
                lacking = later_events(conn, sa_conn, current.device_id, int(head))
            unsent_ids = [
                r[0]
                for r in conn.execute(
                    "SELECT change_id FROM change_journal "
                    "WHERE pushed_at IS NULL AND entity != 'audit_event'"
                )
            ]
        finally:
            engine.dispose()
            conn.close()
        # Usually a handful (unsent work is synced soon): one indexed look-up each.
        unsent = sum(
            copy.execute("SELECT 1 FROM change_journal WHERE change_id = ?", (cid,)).fetchone()
            is None
            for cid in unsent_ids
        )
    return lacking, int(unsent)


def _move_aside(profile: Path) -> Path:
    """An unreadable database is kept exactly as found (with its WAL), not copied."""
    stamp = wallclock.utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    folder = profile / BACKUP_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"damaged-{stamp}.db"
    for suffix in ("", "-wal"):
        if (profile / f"{DB_FILE}{suffix}").exists():
            shutil.copyfile(profile / f"{DB_FILE}{suffix}", f"{target}{suffix}")
    return target


def _swap_in(profile: Path, tmp: Path, key: bytes, readable: bool) -> None:
    """Empty and remove the old WAL first (so no old frame can meet the new file),
    then one rename: a crash leaves the old database whole or the new one."""
    db = profile / DB_FILE
    if readable:
        conn = connect_raw(db, key)
        try:
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            conn.close()
        if busy:
            tmp.unlink(missing_ok=True)
            raise ProfileBusyError(
                "The profile is open in OneRecord: close it and try again. Nothing was changed."
            )
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, db)
    fsync_dir(profile)
