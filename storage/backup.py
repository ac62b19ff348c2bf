"""Encrypted backups of a profile, and putting one back.

A backup is the profile's database copied page by page with SQLite's online
backup (a consistent snapshot, even of a profile in use) into a file encrypted
with the profile's own key, then proven: it opens with that key, passes SQLite's
and SQLCipher's checks, and belongs to this laptop. Only then is it renamed into
place. It opens only with this profile's key vault (and so its passphrase).

Restoring keeps the current database as a backup first, checks the one to put
back in the same way, then swaps it in with one rename: a crash at any point
leaves one whole database, the old or the restored. The restored copy is older
than the server: see restore() for how its sync catches up.
"""

from __future__ import annotations

import errno
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from storage import wallclock
from storage.engine import _key_pragma, connect_raw, memory_security_pragma
from storage.errors import (
    DiskFullError,
    OneRecordError,
    ProfileDamagedError,
    ProfileNotWritableError,
    WrongPassphraseError,
)

logger = logging.getLogger(__name__)

DB_FILE = "onerecord.db"
BACKUP_DIR = "backups"
# A profile setting: when this profile was last rolled back to a backup. Sync
# reads it to fetch back this laptop's own later changes from the server.
RESTORED_AT = "restored_from_backup_at"


class BackupMismatchError(OneRecordError):
    exit_code = 1


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    device_id: str
    changes: int
    people: int


def default_target(profile: Path, label: str) -> Path:
    stamp = wallclock.utcnow().strftime("%Y%m%dT%H%M%S%fZ")
    # Not "onerecord-*": migrations prune their own backups by that name, never these.
    return profile / BACKUP_DIR / f"backup-{stamp}-{label}.db"


def write_backup(profile: Path, key: bytes, target: Path) -> BackupSummary:
    """Snapshot the profile into `target` (encrypted with the same key), verified."""
    tmp = target.with_name(f".{target.name}.partial")
    with _plain_file_errors(tmp):
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        source = connect_raw(profile / DB_FILE, key)
        try:
            copy = connect_raw(tmp, key)
            try:
                source.backup(copy)
                # One self-contained file: no WAL beside it to lose on the way.
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            device = _device_id(source)
        finally:
            source.close()
        summary = verify_backup(tmp, key, device)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    logger.info("backup written and verified (%d changes)", summary.changes)
    return BackupSummary(target, summary.device_id, summary.changes, summary.people)


def verify_backup(path: Path, key: bytes, device_id: str | None) -> BackupSummary:
    """Open a backup read-only with this profile's key and check it through."""
    try:
        with _read_only(path, key) as conn:
            if [r[0] for r in conn.execute("PRAGMA quick_check")] != ["ok"]:
                raise ProfileDamagedError("That backup is damaged: nothing was changed.")
            if conn.execute("PRAGMA cipher_integrity_check").fetchall():
                raise ProfileDamagedError("That backup is damaged: nothing was changed.")
            found = _device_id(conn)
            changes = conn.execute("SELECT count(*) FROM change_journal").fetchone()[0]
            people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    except WrongPassphraseError:
        raise BackupMismatchError(
            "That file is not a backup of this profile (this profile's key does not open "
            "it): nothing was changed."
        ) from None
    except sqlcipher.DatabaseError:
        raise ProfileDamagedError("That backup cannot be read: nothing was changed.") from None
    if device_id is not None and found != device_id:
        raise BackupMismatchError(
            "That backup is of another laptop's profile: nothing was changed."
        )
    return BackupSummary(path, found, int(changes), int(people))


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def _read_only(path: Path, key: bytes) -> Iterator[Any]:
    """A connection that cannot change a byte of the file (not even its journal mode)."""
    if not path.is_file():
        raise BackupMismatchError("There is no backup file at {path}.", path=path)
    conn = sqlcipher.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_key_pragma(key))
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError:
            raise WrongPassphraseError() from None
        conn.execute(memory_security_pragma())
        conn.execute("PRAGMA temp_store = MEMORY")
        yield conn
    finally:
        conn.close()


def _device_id(conn: Any) -> str:
    row = conn.execute("SELECT value FROM profile_setting WHERE key = 'device_id'").fetchone()
    if row is None:
        raise ProfileDamagedError("That database does not say which laptop it belongs to.")
    return str(json.loads(row[0]))


@contextmanager
def _plain_file_errors(tmp: Path) -> Iterator[None]:
    """A full disk or a read-only folder is one plain line, with no partial file left."""
    try:
        yield
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, PermissionError) or getattr(exc, "errno", None) == errno.EROFS:
            raise ProfileNotWritableError(
                "The backup folder is read-only: no backup was written."
            ) from None
        full = getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT)
        if full or "disk is full" in str(exc):
            raise DiskFullError(
                "The disk is full: no backup was written. Free some space and try again."
            ) from None
        if isinstance(exc, sqlcipher.OperationalError) and "readonly" in str(exc):
            raise ProfileNotWritableError(
                "The backup folder is read-only: no backup was written."
            ) from None
        raise
