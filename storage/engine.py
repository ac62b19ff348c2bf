"""The one place that builds a SQLAlchemy engine over an encrypted SQLCipher file."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError

from storage.deployment import deployment
from storage.errors import (
    DiskFullError,
    ProfileDamagedError,
    ProfileNotWritableError,
    WrongPassphraseError,
)
from storage.memory_lock import cap_locked_memory

logger = logging.getLogger(__name__)

_HEX_KEY = re.compile(r"[0-9a-f]{64}")

# Applied to every new connection, after the key, with cipher_memory_security as the
# deployment says (storage/deployment.py). temp_store keeps sorts and temp tables in RAM so
# nothing decrypted reaches a temp file. synchronous = FULL: in WAL mode each commit
# waits until the WAL is on the disk, so a note the app has said is saved survives a
# power cut (NORMAL syncs only at checkpoints and may lose the last commits). It costs
# one fsync a save: about 0.4 ms on a quiet machine, more when the disk is busy
# (docs/reliability.md). Held by tests/reliability/test_power_loss.py. cache_size: up to
# 64 MiB of decrypted pages per connection (SQLite's default is 2 MiB): a page read from
# the file is decrypted and checked again on every miss, and a first download's inserts
# into a 300,000-row journal missed on most of them (52.9 s -> 46.4 s, bench/sync.py).
# Grown only as used; it is the same decrypted data any open connection holds.
_CONNECTION_PRAGMAS = (
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -65536",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
)


def memory_security_pragma() -> str:
    # SQLCipher's setting is the whole process's: every connection states it, so a file
    # that turns it on takes effect at the next opening. Once on, SQLCipher keeps it on
    # for the life of the process: turning it off needs the app started again.
    on = deployment().memory_security
    return f"PRAGMA cipher_memory_security = {'ON' if on else 'OFF'}"


def _key_pragma(key: bytes | bytearray) -> str:
    # PRAGMA takes no bound parameters. The only thing formatted in is 64
    # lowercase hex digits, checked here, so nothing a user typed reaches SQL.
    hex_key = bytes(key).hex()
    if not _HEX_KEY.fullmatch(hex_key):
        raise ValueError("database key must be 32 bytes")
    return f"PRAGMA key = \"x'{hex_key}'\""


def connect_raw(path: Path, key: bytes | bytearray) -> sqlcipher.Connection:
    """A bare DB-API connection with the key applied and checked."""
    cap_locked_memory()
    conn = sqlcipher.connect(str(path), check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_key_pragma(key))
        # PRAGMA key never fails by itself: the first read proves the key.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute(memory_security_pragma())
        for pragma in _CONNECTION_PRAGMAS:
            conn.execute(pragma)
    except sqlcipher.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise WrongPassphraseError() from None
        # Opening writes too (WAL set-up): a full disk or a read-only folder is not damage.
        if "disk is full" in str(exc):
            raise DiskFullError() from None
        # A WAL database cannot even be opened for reading from a read-only folder.
        read_only = "unable to open" in str(exc) and not os.access(path.parent, os.W_OK)
        if read_only or "readonly" in str(exc) or "read-only" in str(exc):
            raise ProfileNotWritableError(
                "The profile folder is read-only: open it from a folder you can write to."
            ) from None
        raise ProfileDamagedError(
            "The profile's database cannot be read: it may be damaged."
        ) from exc
    return conn


def build_engine(path: Path, key: bytes | bytearray) -> Engine:
    """An engine whose every pooled connection is keyed, in WAL mode, with foreign keys on."""
    key_copy = bytes(key)

    def creator() -> Any:
        return connect_raw(path, key_copy)

    engine = create_engine(
        "sqlite://",
        creator=creator,
        module=sqlcipher,
        pool_pre_ping=False,
        # Statement parameters are patient data: keep them out of every error message.
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # SQLAlchemy's pysqlite dialect would otherwise begin transactions
        # lazily and let SELECTs run outside them; we want BEGIN on first use.
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def probe(engine: Engine) -> None:
    """Raise a plain error if the engine cannot read its database."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
    except (DatabaseError, OperationalError) as exc:
        raise ProfileDamagedError(
            "The profile's database cannot be read: it may be damaged."
        ) from exc
