"""Schema migrations (Alembic), with an encrypted backup taken before any upgrade."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from storage import wallclock
from storage.engine import connect_raw
from storage.errors import ProfileDamagedError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
KEEP_BACKUPS = 3


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run migrations in one transaction. SQLite rebuilds a table to change its
    constraints, which foreign keys would refuse mid-way, so they are switched
    off for the migration and every link is checked before it commits."""
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
