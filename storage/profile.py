"""A profile: one folder holding the encrypted database, its wrapped key and backups."""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select

from storage import keyvault, wallclock
from storage.audit_anchor import ANCHOR_FILE
from storage.engine import build_engine, probe
from storage.errors import ProfileExistsError, ProfileMissingError, ProfileNotWritableError
from storage.files import ATOMIC_TEMP_PREFIX, check_writable, make_private_dir, write_atomic
from storage.head_schema import write_head_schema
from storage.migrate import migrate, upgrade
from storage.store import Store
from storage.tables import ProfileSetting
from storage.unlock_attempts import FAILURES_FILE

logger = logging.getLogger(__name__)

DB_FILE = "onerecord.db"
VAULT_FILE = "keyvault.json"
META_FILE = "profile.json"
BACKUP_DIR = "backups"


@dataclass(frozen=True)
class ProfileInfo:
    """What can be known about a profile without unlocking it (nothing identifiable)."""

    path: Path
    demo: bool
    created_at: str


def exists(path: Path) -> bool:
    return (path / VAULT_FILE).exists() and (path / DB_FILE).exists()


def info(path: Path) -> ProfileInfo:
    require(path)
    try:
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    return ProfileInfo(
        path=path, demo=bool(meta.get("demo")), created_at=str(meta.get("created_at", ""))
    )


def require(path: Path) -> None:
    if not exists(path):
        raise ProfileMissingError(
            "There is no OneRecord profile in {path}: create one with 'onerecord init'.", path=path
        )


def create(
    path: Path,
    passphrase: str,
    *,
    demo: bool = False,
    kdf: keyvault.KdfParams | None = None,
    revision: str = "head",
) -> Store:
    """Create an encrypted profile. On any failure the folder is left as it was found."""
    if exists(path):
        raise ProfileExistsError(
            "A profile already exists in {path}: nothing was changed.", path=path
        )
    _discard_unfinished(path)
    created_dir = not path.exists()
    make_private_dir(path)
    key = keyvault.new_database_key()
    made: list[Path] = []
    try:
        check_writable(path)
        made.append(path / DB_FILE)
        # Owner-only from the first byte: SQLite gives the WAL and shared-memory
        # files the same permissions as the database file.
        os.close(os.open(path / DB_FILE, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        engine = build_engine(path / DB_FILE, key)
        if revision == "head":
            write_head_schema(engine)
        else:
            upgrade(engine, revision)
        device_id = str(uuid.uuid4())
        with engine.begin() as conn:
            conn.execute(
                insert(ProfileSetting),
                [{"key": "device_id", "value": json.dumps(device_id)}],
            )
        made.append(path / META_FILE)
        meta = {
            "format": 1,
            "demo": demo,
            "created_at": wallclock.utcnow().isoformat(timespec="seconds"),
        }
        write_atomic(path / META_FILE, json.dumps(meta, indent=2).encode())
        made.append(path / VAULT_FILE)
        keyvault.write_vault(path / VAULT_FILE, keyvault.wrap(bytes(key), passphrase, kdf))
    except BaseException:
        if "engine" in locals():
            engine.dispose()
        for file in made:
            for suffix in ("", "-wal", "-shm"):
                Path(str(file) + suffix).unlink(missing_ok=True)
        if created_dir:
            shutil.rmtree(path, ignore_errors=True)
        raise
    finally:
        keyvault.wipe(key)
    logger.info("profile created")
    return Store(engine, path, device_id, demo=demo)


def _discard_unfinished(path: Path) -> None:
    """A database without a key vault is normally a creation cut off (a crash, a flat
    battery) before its last step, the vault: nobody can read it, and it must not block
    the folder. It is moved aside into backups/, not deleted, in case the vault was
    lost some other way and a copy of it survives."""
    if (path / DB_FILE).exists() and not (path / VAULT_FILE).exists():
        logger.warning("moving aside a database with no key vault (an unfinished profile)")
        aside = path / BACKUP_DIR
        aside.mkdir(mode=0o700, exist_ok=True)
        stamp = wallclock.utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        os.replace(path / DB_FILE, aside / f"unfinished-{stamp}.db")
        if (path / f"{DB_FILE}-wal").exists():
            os.replace(path / f"{DB_FILE}-wal", aside / f"unfinished-{stamp}.db-wal")
        for name in (f"{DB_FILE}-shm", META_FILE):
            (path / name).unlink(missing_ok=True)


def unlock(path: Path, passphrase: str) -> Store:
    """Open a profile: unwrap the key, open the database, migrate it (with a backup) if needed."""
    require(path)
    wrapped = keyvault.read_vault(path / VAULT_FILE)
    key = keyvault.unwrap(wrapped, passphrase)
    try:
        engine = build_engine(path / DB_FILE, key)
        probe(engine)
        try:
            migrate(engine, path / DB_FILE, path / BACKUP_DIR, bytes(key))
        except PermissionError:
            engine.dispose()
            raise ProfileNotWritableError(
                "The profile folder is read-only, so it cannot be upgraded: nothing was changed."
            ) from None
    finally:
        keyvault.wipe(key)
    with engine.connect() as conn:
        row = conn.execute(
            select(ProfileSetting.value).where(ProfileSetting.key == "device_id")
        ).scalar_one()
    return Store(engine, path, json.loads(row), demo=info(path).demo)


def change_passphrase(path: Path, old: str, new: str) -> None:
    """Rewrap the database key under a new passphrase; the database itself is untouched."""
    require(path)
    check_writable(path)
    wrapped = keyvault.read_vault(path / VAULT_FILE)
    key = keyvault.unwrap(wrapped, old)
    try:
        keyvault.write_vault(path / VAULT_FILE, keyvault.wrap(bytes(key), new, wrapped.kdf))
    finally:
        keyvault.wipe(key)


def destroy(path: Path) -> list[Path]:
    """Wipe a profile (a revoked laptop): everything this app writes in the folder,
    then the folder itself. Returns what is left (nothing, unless someone put files
    of their own there, or one could not be removed; their count is logged).

    Files that can unlock the database (the key vault, and any temp file an
    interrupted atomic write left, which may be a copy of the vault caught before
    its rename) are overwritten with random bytes before they are removed, so even
    a recovered copy of the database cannot be decrypted. Removing the folder
    also stops a second copy of the app still holding the profile open (a command
    running beside the desktop) from writing an audit anchor back into it."""
    if not path.is_dir():
        return []
    for entry in sorted(path.iterdir()):
        if _may_hold_key(entry.name) and entry.is_file():
            _overwrite(entry)
    for entry in sorted(path.iterdir()):
        if not _written_by_us(entry.name):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError as exc:  # reported below with everything else that stayed
            logger.warning("a profile file could not be removed (%s)", type(exc).__name__)
    left = sorted(path.rglob("*"))
    if left:
        # A count only: file names there are not ours and may be anything.
        logger.warning("profile wiped; %d item(s) left in its folder", len(left))
        return left
    try:
        path.rmdir()
    except OSError as exc:
        logger.warning("the emptied profile folder could not be removed (%s)", type(exc).__name__)
    logger.warning("profile wiped")
    return []


# Names this app gives what it writes in a profile folder: its files, SQLite's side
# files of the database (-wal, -shm, -journal), an interrupted restore's copy
# (".onerecord.db.restoring" and its side files), write_atomic's temp files
# (".tmp-*"), and backups/ (backups, migration copies, a set-aside unfinished or
# damaged database, an interrupted backup's ".partial").
_OUR_FILES = frozenset({VAULT_FILE, META_FILE, ANCHOR_FILE, FAILURES_FILE, BACKUP_DIR})
_OUR_PREFIXES = (DB_FILE, f".{DB_FILE}.", ATOMIC_TEMP_PREFIX)


def _written_by_us(name: str) -> bool:
    return name in _OUR_FILES or name.startswith(_OUR_PREFIXES)


def _may_hold_key(name: str) -> bool:
    return name == VAULT_FILE or name.startswith(ATOMIC_TEMP_PREFIX)


def _overwrite(file: Path) -> None:
    """Random bytes over the file's own blocks (not a new file renamed over it)."""
    try:
        size = max(file.stat().st_size, 512)
        with open(file, "r+b") as handle:
            handle.write(os.urandom(size))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:  # removing it still goes ahead
        logger.warning("a key file could not be overwritten (%s)", type(exc).__name__)
