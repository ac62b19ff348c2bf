"""The storage facade: short sessions for reading, journalled units of work for writing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage import journal
from storage.actor import Actor
from storage.errors import DiskFullError, ProfileNotWritableError
from storage.hlc import HybridClock
from storage.tables import ProfileSetting

logger = logging.getLogger(__name__)


class Store:
    """An unlocked profile. Objects come out detached (no lazy loads after the session)."""

    def __init__(self, engine: Engine, path: Path, device_id: str, *, demo: bool = False) -> None:
        self._engine: Engine | None = engine
        self.path = path
        self.device_id = device_id
        self.demo = demo
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)
        event.listen(engine, "before_execute", _settings_only)
        journal.install_guards(self._sessions)
        self._told_future = False  # said once per unlock that stamps were not believed
        # The app's write policy, injected when a signed-in user opens the profile
        # (app.workspace.open_workspace); None only while the profile is being set up.
        self.checker: journal.WriteChecker | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the profile is locked")
        return self._engine

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short session for reading. Objects stay usable after it closes (detached,
        nothing lazy-loaded); a write attempted here has no journal context and fails."""
        with self._sessions(bind=self.engine) as session:
            yield session

    @contextmanager
    def read_rows(self) -> Iterator[Connection]:
        """A short connection for reading with Core statements, no ORM session: for
        hot paths whose statements are built once (a quiet sync's first step)."""
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self, actor: Actor, *, flushed: bool = True) -> Iterator[Session]:
        """One transaction: the data, its change records and audit events commit together.

        `flushed=False` commits without waiting for the disk: a power cut may take the
        transaction back, never corrupt the file (WAL keeps it whole). Only for what
        can be had again: a pulled page with the cursor that says it is here (the
        server sends it again). Never for anything written on this laptop, which
        exists nowhere else until it is pushed. (A quiet sync's count: local_write.)"""
        if flushed:
            with self._sessions(bind=self.engine) as session, self._transaction(actor, session):
                yield session
            return
        with (
            self._unflushed() as conn,
            self._sessions(bind=conn) as session,
            self._transaction(actor, session),
        ):
            yield session

    @contextmanager
    def local_write(self) -> Iterator[Connection]:
        """One transaction on this laptop's own settings (storage/settings.py) and
        nothing else, not waiting for the disk: what a sync that moved nothing writes
        (when it ended, and a count), about a third of the cost of `write`. No journal
        context: nothing journalled is written here (it would never be sent)."""
        with self._unflushed() as conn:
            conn.info[_SETTINGS_ONLY] = True
            try:
                with conn.begin():
                    yield conn
            except OperationalError as exc:
                raise _plain_storage_error(exc) from exc
            finally:
                conn.info.pop(_SETTINGS_ONLY, None)

    @contextmanager
    def _unflushed(self) -> Iterator[Connection]:
        """A connection whose commits do not wait for the disk: a power cut may take
        a transaction back, never corrupt the file (WAL keeps it whole)."""
        with self.engine.connect() as conn:
            # Before BEGIN: SQLite will not change the safety level inside a transaction.
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA synchronous = NORMAL")
            try:
                yield conn
            finally:
                try:
                    if raw.in_transaction:
                        # A rollback that failed: the safety level cannot change
                        # inside a transaction, and the error to report is the first.
                        raw.execute("ROLLBACK")
                    raw.execute("PRAGMA synchronous = FULL")
                except Exception:
                    # Never back in the pool at NORMAL: the next save must wait for the
                    # disk. The connection is closed instead (the pool makes another).
                    conn.invalidate()

    @contextmanager
    def _transaction(self, actor: Actor, session: Session) -> Iterator[None]:
        """The write's journal context and its commit, or its rollback with a plain error."""
        stamp, disbelieved = journal.last_stamp(session)
        if disbelieved and not self._told_future:
            self._told_future = True
            logger.warning(
                "the change journal holds clock stamps more than a day ahead of this "
                "laptop's clock: new changes are stamped from the clock instead "
                "(check the date and time)"
            )
        clock = HybridClock(stamp)
        journal.begin(session, journal.WriteContext(actor=actor, clock=clock, checker=self.checker))
        try:
            yield
            session.commit()
        except OperationalError as exc:
            session.rollback()
            raise _plain_storage_error(exc) from exc
        except BaseException:
            session.rollback()
            raise

    def close(self) -> None:
        """Lock: drop every pooled connection and the key they hold."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


_SETTINGS_ONLY = "onerecord_settings_only"


def _settings_only(conn: Connection, statement: Any, *_args: Any) -> None:
    """In `local_write`, an insert, update or delete of anything but the profile's
    settings is refused: with no journal context, a change to a record written there
    would never be sent."""
    if not conn.info.get(_SETTINGS_ONLY) or not getattr(statement, "is_dml", False):
        return
    table = getattr(statement, "table", None)
    if getattr(table, "name", None) != ProfileSetting.__tablename__:
        raise RuntimeError("only the profile's own settings are written without a journal")


def _plain_storage_error(exc: OperationalError) -> Exception:
    message = str(exc.orig) if exc.orig is not None else str(exc)
    if "disk is full" in message or "disk I/O error" in message:
        return DiskFullError()
    if "readonly database" in message or "read-only" in message:
        return ProfileNotWritableError("The profile folder is read-only: nothing was saved.")
    return exc
