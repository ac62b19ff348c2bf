"""Schema migrations (Alembic), with an encrypted backup taken before any upgrade.

Alembic is imported only to upgrade. Opening a profile already at head (nearly
every opening) reads the stored revision with one query and the head from the
migration files' own `revision` / `down_revision` lines, which saves the command
line about a tenth of a second of its start (issue 21's budget); a test holds the
head found so equal to Alembic's (tests/storage/test_migrations.py).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from storage import wallclock
from storage.engine import connect_raw
from storage.errors import ProfileDamagedError

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
KEEP_BACKUPS = 3


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


_ASSIGNED = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+)$", re.MULTILINE)
_NAMES = re.compile(r"""["']([^"']+)["']""")


def head_revision() -> str:
    """The one revision no other migration builds on (as Alembic finds it: a
    `down_revision` may name one revision, several, or none)."""
    revisions: set[str] = set()
    built_on: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_ASSIGNED.findall(script.read_text(encoding="utf-8")))
        names = _NAMES.findall(found.get("revision", ""))
        if len(names) != 1:
            raise RuntimeError(f"cannot read the revision of migration {script.name}")
        revisions.add(names[0])
        built_on.update(_NAMES.findall(found.get("down_revision", "")))
    heads = revisions - built_on
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads, not one")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the profile's schema is at (None: a new, empty database)."""
    with engine.connect() as conn:
        try:
            found: list[str] = list(
                conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()
            )
        except OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
    if len(found) > 1:
        raise ProfileDamagedError("The profile's schema version cannot be read.")
    return found[0] if found else None


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run migrations in one transaction. SQLite rebuilds a table to change its
    constraints, which foreign keys would refuse mid-way, so they are switched
    off for the migration and every link is checked before it commits."""
    from alembic import command

    config = _config()
    with engine.connect() as conn:
        # Before any transaction begins: the pragma is a no-op inside one.
        raw: Any = conn.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, target)
                if conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise ProfileDamagedError(
                        "Upgrading the profile would break links between records: "
                        "nothing was changed."
                    )
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def backup_database(
    engine: Engine, db_path: Path, backup_dir: Path, key: bytes, label: str
) -> Path:
    """Copy the (already encrypted) database file, then prove the copy opens with the key."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    backup_dir.mkdir(mode=0o700, exist_ok=True)
    stamp = wallclock.utcnow().strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"onerecord-{stamp}-{label}.db"
    tmp = target.with_suffix(".partial")
    shutil.copyfile(db_path, tmp)
    os.chmod(tmp, 0o600)
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    conn = connect_raw(tmp, key)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise ProfileDamagedError("The backup taken before upgrading failed its check.")
    finally:
        conn.close()
    os.replace(tmp, target)
    logger.info("backup taken before migration: %s", target.name)
    _prune(backup_dir)
    return target


def _prune(backup_dir: Path, keep: int = KEEP_BACKUPS) -> None:
    """Each backup is a whole profile: keep the newest few, not every one ever taken."""
    backups = sorted(backup_dir.glob("onerecord-*.db"))
    for old in backups[:-keep]:
        old.unlink(missing_ok=True)


def migrate(engine: Engine, db_path: Path, backup_dir: Path, key: bytes) -> Path | None:
    """Bring the schema to head. Returns the backup path when an existing schema was upgraded."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return None
    backup = None
    if current is not None:
        backup = backup_database(engine, db_path, backup_dir, key, f"before-{head}")
    logger.info("migrating schema from %s to %s", current, head)
    upgrade(engine)
    return backup
