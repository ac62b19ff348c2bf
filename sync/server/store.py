"""The partner server's store: what laptops pushed, and what each laptop may pull."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from storage import hlc, wallclock
from storage.hlc import HybridClock
from storage.ids import new_id
from sync.protocol import PULL_PAGE_CHARS, Change, PushResponse, Refusal
from sync.server import (
    authority,
    checkpoint,
    journal_lock,
    outcome_records,
    pull,
    refusals,
    scope_version,
)
from sync.server import schema as s
from sync.server.pull_wire import Page
from sync.server.push_insert import held_ids, insert_changes
from sync.server.row_references import batch_refusals
from sync.server.validation import (
    DIRECTORY,
    SERVER_ONLY,
    TEAM_SETTINGS,
    read_whole_row,
    refusal,
    whole_row,
)

logger = logging.getLogger(__name__)

NONCE_WINDOW = timedelta(minutes=10)
NONCE_SWEEP_SECONDS = 60.0
SEEN_EVERY_SECONDS = 60.0


def build_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, hide_parameters=True, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute("PRAGMA journal_mode = WAL")
            dbapi_conn.execute("PRAGMA synchronous = NORMAL")
            dbapi_conn.execute("PRAGMA busy_timeout = 30000")
            dbapi_conn.execute("PRAGMA cache_size = -16384")
            dbapi_conn.execute(f"PRAGMA wal_autocheckpoint = {checkpoint.SAFETY_NET_PAGES}")

        return engine
    return create_engine(url, hide_parameters=True, pool_pre_ping=True, pool_size=10)


@contextmanager
def _transaction(engine: Engine, *, one_snapshot: bool = False) -> Iterator[Connection]:
    """A write transaction. SQLite has one writer at a time: queue them here, in
    order, rather than let twenty request threads spin on its busy handler (and
    fail when a reader's lock cannot be upgraded). PostgreSQL needs no queue.

    `one_snapshot`: every statement reads the database as it was at the first (a
    pull: whom the laptop may hold and the stream it is sent must agree). Without
    it, PostgreSQL (READ COMMITTED) shows each statement the latest commit, and
    SQLite's driver begins a transaction only at the first write, so reads before
    it see the latest commit too: someone moved onto the team between a pull's
    scope and its stream had changes streamed that nothing would ever take away."""
    if engine.dialect.name != "sqlite":
        with engine.connect() as conn:
            if one_snapshot:
                # A concurrent update of a row this transaction writes fails it with a
                # serialization failure (ServerStore.pull works it out again), never
                # a mixed answer.
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn
        return
    lock = _SQLITE_WRITERS.setdefault(id(engine), threading.Lock())
    with lock, engine.begin() as conn:
        if one_snapshot:
            # The write lock from the start: another process's commit waits for the
            # pull (this process's writers already queue on `lock`).
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn
    if checkpointer := _CHECKPOINTERS.get(id(engine)):
        checkpointer.poke()


# A create (or append) refused in a batch takes the batch's other changes to the same
# record with it: their owner was taken from that create (`_owners`), so kept, they
# would be stored under a person the record may not be, and, when the create was
# refused because the record is held already, edit another team's record unjudged.
RIDES_ON_REFUSED = "The record this change edits was refused in the same request."


def riding_on_refused(changes: Sequence[Change], refused: set[str]) -> set[str]:
    """Ids of the changes not refused that are to a record whose every create or append
    in `changes` is refused (a second create of a record created once is refused
    alone). One rule for a laptop's push and a partner's page (partners/pull.py)."""
    made = [c for c in changes if c.op in ("create", "append")]
    gone = {(c.entity, c.entity_id) for c in made if c.change_id in refused} - {
        (c.entity, c.entity_id) for c in made if c.change_id not in refused
    }
    if not gone:
        return set()
    return {
        c.change_id
        for c in changes
        if c.change_id not in refused and (c.entity, c.entity_id) in gone
    }


class _RolledBack(Exception):
    """Raised inside a dry run's transaction to roll it back."""


# A pull that meets a concurrent write on PostgreSQL (serialization failure, deadlock)
# is worked out again on a newer snapshot, up to this many times in all.
PULL_ATTEMPTS = 5
_RETRIED_STATES = frozenset({"40001", "40P01"})


def _must_retry(exc: OperationalError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in _RETRIED_STATES


_SQLITE_WRITERS: dict[int, threading.Lock] = {}
_CHECKPOINTERS: dict[int, checkpoint.Checkpointer] = {}


class ServerStore:
    # A stream page ends once its values reach this many characters (protocol.py).
    page_chars = PULL_PAGE_CHARS

    def __init__(self, url: str) -> None:
        self.engine = build_engine(url)
        if self.engine.dialect.name == "sqlite":
            _CHECKPOINTERS[id(self.engine)] = checkpoint.Checkpointer(self.engine)
        s.metadata.create_all(self.engine)
        scope_version.install(self.engine)
        # Per device: what the last pull that found no one to send whole or to remove
        # was worked out from, and when (see pull.Settled).
        self._settled: dict[str, tuple[pull.Settled, float]] = {}
        self._next_nonce_sweep = 0.0  # monotonic time of the next sweep of old nonces
        self._seen: dict[str, float] = {}  # device: monotonic time its last_seen_at was set
        # Whether the database refuses a second create itself (schema.CREATED_ONCE).
        self.created_once = self._created_once_index()
        with _transaction(self.engine) as conn:
            self.server_id = self._meta(conn, "server_id") or self._init_meta(conn)
        self._organisation_id: str | None = None
        self._outcome_records()

    def _outcome_records(self) -> None:
        """Build the outcome report's kept tables from the journal when they are missing
        or were built for other kinds (sync/server/outcome_records.py): once, on the
        first opening after an upgrade; every write keeps them up to date after."""
        with self.engine.connect() as conn:
            if outcome_records.built(conn):
                return
        with _transaction(self.engine) as conn:
            if conn.dialect.name == "postgresql":
                # As a push does: no push lands while the tables are made, and a second
                # server opening at once waits, then finds them made.
                journal_lock.hold(conn)
                if outcome_records.built(conn):
                    return
            logger.info("building the outcome report's tables from the journal (once)")
            records, contacts = outcome_records.rebuild(conn)
            logger.info("built them: %d records, %d contacts", records, contacts)

    def rebuild_outcome_records(self) -> tuple[int, int]:
        """The outcome report's kept tables made again from the journal, now."""
        with _transaction(self.engine) as conn:
            journal_lock.hold(conn)
            return outcome_records.rebuild(conn)

    def _created_once_index(self) -> bool:
        """Make schema.CREATED_ONCE if missing; False when this server's journal already
        holds a record created twice (pushed before the rule was checked), so it cannot
        be made: then every push looks its creates up instead, as carefully, if slower."""
        with _transaction(self.engine) as conn:
            for name in s.RETIRED_INDEXES:
                conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        try:
            with _transaction(self.engine) as conn:
                conn.exec_driver_sql(s.CREATED_ONCE_DDL)
        except IntegrityError:
            logger.warning(
                "the journal holds a record created twice, so the index %s cannot be made; "
                "pushes look up what they create instead (slower)",
                s.CREATED_ONCE,
            )
            return False
        with _transaction(self.engine) as conn:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {s.REPLACED_INDEX}")
        return True

    def close(self) -> None:
        if checkpointer := _CHECKPOINTERS.pop(id(self.engine), None):
            checkpointer.stop()
        self.engine.dispose()

    # --- identity -------------------------------------------------------

    def _meta(self, conn: Connection, key: str) -> str | None:
        return conn.execute(
            select(s.server_meta.c.value).where(s.server_meta.c.key == key)
        ).scalar()

    def _init_meta(self, conn: Connection) -> str:
        server_id = str(uuid.uuid4())
        conn.execute(insert(s.server_meta), [{"key": "server_id", "value": server_id}])
        return server_id

    def meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return self._meta(conn, key)

    def organisation_id(self, conn: Connection) -> str | None:
        """This server's own organisation (every user and team here is its own)."""
        if self._organisation_id is None:
            self._organisation_id = self._meta(conn, "organisation_id")
        return self._organisation_id

    def set_meta(self, key: str, value: str) -> None:
        if key == "organisation_id":
            self._organisation_id = None
        with _transaction(self.engine) as conn:
            conn.execute(delete(s.server_meta).where(s.server_meta.c.key == key))
            conn.execute(insert(s.server_meta), [{"key": key, "value": value}])

    def device(self, device_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(_DEVICE, {"device_id": device_id}).first()
        return dict(row._mapping) if row else None

    def remember_nonce(self, device_id: str, nonce: str) -> bool:
        """False if this nonce was already used: the request is a replay. Notes when
        the device was last seen (to the minute, as the administrator is shown it)."""
        now = wallclock.utcnow()
        moment = time.monotonic()
        # Nonces past the window are forgotten at most once a minute, not at every
        # request: kept a little longer, they only refuse more replays.
        sweep = moment >= self._next_nonce_sweep
        seen = moment - self._seen.get(device_id, -SEEN_EVERY_SECONDS) >= SEEN_EVERY_SECONDS
        try:
            with _transaction(self.engine) as conn:
                if sweep:
                    conn.execute(_FORGET_NONCES, {"before": now - NONCE_WINDOW})
                conn.execute(
                    _REMEMBER_NONCE, {"device_id": device_id, "nonce": nonce, "seen_at": now}
                )
                if seen:
                    conn.execute(_SEEN, {"device": device_id, "seen": now})
        except IntegrityError:
            return False
        if sweep:
            self._next_nonce_sweep = moment + NONCE_SWEEP_SECONDS
        if seen:
            self._seen[device_id] = moment
        return True

    # --- push -----------------------------------------------------------

    def ingest(
        self, device: dict[str, Any], batch: Sequence[Change], *, dry_run: bool = False
    ) -> PushResponse:
        """Store a batch in one transaction. Idempotent: a change already held is a duplicate.
        `dry_run`: decide it exactly so, then roll the transaction back (nothing is kept)."""
        refused: list[Refusal] = []
        good: list[Change] = []
        # Each whole row is parsed once, for the checks, the owner and the team.
        rows: dict[str, dict[str, Any] | None] = {}
        latest = hlc.ceiling()
        for change in batch:
            row, typed = read_whole_row(change)
            if reason := refusal(change, device["device_id"], row, typed=typed, latest=latest):
                refused.append(Refusal(change_id=change.change_id, reason=reason))
            else:
                good.append(change)
                rows[change.change_id] = row
        for attempt in range(3):
            try:
                try:
                    with _transaction(self.engine) as conn:
                        accepted, duplicates, more_refused = self._insert(
                            conn, device, good, rows, careful=attempt > 0
                        )
                        everything = refused + more_refused
                        if dry_run:
                            raise _RolledBack()
                        refusals.count(
                            conn, device["device_id"], len(everything), wallclock.utcnow()
                        )
                except _RolledBack:
                    pass
                return PushResponse(
                    accepted=accepted, duplicates=duplicates, refused=refused + more_refused
                )
            except IntegrityError:
                # A record this batch creates is held already (schema.CREATED_ONCE: the
                # careful attempt finds and refuses it), or another request inserted
                # some of the same changes meanwhile (they will be duplicates): retry.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _insert(
        self,
        conn: Connection,
        device: dict[str, Any],
        batch: list[Change],
        rows: dict[str, dict[str, Any] | None] | None = None,
        *,
        careful: bool = True,
    ) -> tuple[int, int, list[Refusal]]:
        """`rows`: change id -> whole_row(change), when the caller has parsed them.
        `careful=False`: leave a second create of a record already held to the
        database's unique index (schema.CREATED_ONCE), which fails the insert with an
        IntegrityError: the caller then tries again carefully, looking each one up."""
        if not batch:
            return 0, 0, []
        # Commits must land in seq order, or a laptop pulling between two concurrent
        # commits would move its cursor past an uncommitted change.
        journal_lock.hold(conn)
        if rows is None:
            rows = {c.change_id: whole_row(c) for c in batch}
        held = held_ids(conn, [c.change_id for c in batch])
        fresh: list[Change] = []
        seen: set[str] = set()
        for change in batch:
            if change.change_id not in held and change.change_id not in seen:
                seen.add(change.change_id)
                fresh.append(change)
        owners = self._owners(conn, fresh, rows)
        refused: list[Refusal] = []
        kept: list[tuple[Change, str | None]] = []
        for change in fresh:
            person_id = owners.get((change.entity, change.entity_id))
            if (
                person_id is None
                and change.entity not in DIRECTORY
                and change.entity not in SERVER_ONLY
                and change.entity not in TEAM_SETTINGS
            ):
                refused.append(
                    Refusal(change_id=change.change_id, reason="This server has no such record.")
                )
                continue
            kept.append((change, person_id))
        # The write policy (sync/server/authority.py): the same rules as the laptop's,
        # for a laptop's push. A partner server's page (partners/pull.py: a server, no
        # user) is checked by partners/checks.py instead.
        denied = (
            authority.refusals(
                conn, device, self.organisation_id(conn), [c for c, _ in kept], rows, owners
            )
            if device.get("user_id") is not None
            else {}
        )
        if denied:
            refused += [Refusal(change_id=i, reason=r) for i, r in denied.items()]
            kept = [(c, p) for c, p in kept if c.change_id not in denied]
        # Rules over rows (sync/server/row_references.py) after the write policy: a change
        # the writer may not make at all is refused for that, the reason its laptop's own
        # check gives (not, say, that others refer to a record no laptop may remove), and
        # a record referring to one the policy refused in this batch is refused with it.
        held_creates = careful or not self.created_once
        if later := batch_refusals(conn, kept, rows, device.get("team_id"), held_creates):
            refused += [Refusal(change_id=c, reason=why) for c, why in later.items()]
            kept = [(c, person_id) for c, person_id in kept if c.change_id not in later]
        if riders := riding_on_refused(fresh, {r.change_id for r in refused}):
            refused += [Refusal(change_id=c, reason=RIDES_ON_REFUSED) for c in riders]
            kept = [(c, person_id) for c, person_id in kept if c.change_id not in riders]
        if kept:
            insert_changes(conn, kept, wallclock.utcnow())
            # The outcome report's tables, in the same transaction as the journal.
            outcome_records.keep(conn, kept, rows)
            self._update_teams(conn, [c for c, _ in kept if c.entity == "person"], device, rows)
        return len(kept), len(batch) - len(fresh), refused

    def _owners(
        self, conn: Connection, batch: list[Change], rows: dict[str, dict[str, Any] | None]
    ) -> dict[tuple[str, str], str | None]:
        """(entity, id) -> the person whose record it is part of."""
        owners: dict[tuple[str, str], str | None] = {}
        unknown: set[tuple[str, str]] = set()
        for change in batch:
            key = (change.entity, change.entity_id)
            if change.entity == "person":
                owners[key] = change.entity_id
            elif change.op in ("create", "append") and change.value:
                row = rows.get(change.change_id)
                person = row.get("person_id") if row is not None else None
                # The first create names the record's person: a second is refused as a
                # second (created once), so what rides on the record is judged by the
                # create that is kept.
                owners.setdefault(key, person)
            elif key not in owners:
                unknown.add(key)
        for entity, entity_id in unknown - set(owners):
            owners[(entity, entity_id)] = conn.execute(
                select(s.changes.c.person_id)
                .where(s.changes.c.entity == entity, s.changes.c.entity_id == entity_id)
                .limit(1)
            ).scalar()
        return owners

    def _update_teams(
        self,
        conn: Connection,
        person_changes: list[Change],
        device: dict[str, Any],
        rows: dict[str, dict[str, Any] | None],
    ) -> None:
        """Keep person_team at the winning value of person.team_id (greatest stamp, then device).
        One read and batched writes per batch, however many people it names."""
        wanted: list[tuple[Change, Any]] = []
        for change in person_changes:
            if change.op == "create" and change.value:
                created = rows.get(change.change_id) or {}
                wanted.append((change, created.get("team_id") or device.get("team_id")))
            elif change.op == "set" and change.field == "team_id" and change.value:
                wanted.append((change, json.loads(change.value)))
        if not wanted:
            return
        pt = s.person_team
        ids = sorted({change.entity_id for change, _ in wanted})
        current: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            for row in conn.execute(select(pt).where(pt.c.person_id.in_(ids[start : start + 500]))):
                current[row.person_id] = dict(row._mapping)
        held = set(current)
        changed: set[str] = set()
        for change, team in wanted:
            now = current.get(change.entity_id)
            if now is None or (change.hlc, change.device_id) > (now["hlc"], now["device_id"]):
                current[change.entity_id] = {
                    "person_id": change.entity_id,
                    "team_id": team,
                    "hlc": change.hlc,
                    "device_id": change.device_id,
                }
                changed.add(change.entity_id)
        fresh = [current[p] for p in sorted(changed - held)]
        if fresh:
            conn.execute(insert(pt), fresh)
        for person_id in sorted(changed & held):
            winner = current[person_id]
            conn.execute(
                update(pt)
                .where(pt.c.person_id == person_id)
                .values(team_id=winner["team_id"], hlc=winner["hlc"], device_id=winner["device_id"])
            )

    # --- pull -----------------------------------------------------------

    def pull(self, device: dict[str, Any], cursor: str | None, limit: int) -> Page:
        """The next page for one laptop (sync/server/pull.py), in one transaction."""
        device_id = device["device_id"]
        for attempt in range(1, PULL_ATTEMPTS + 1):
            try:
                with _transaction(self.engine, one_snapshot=True) as conn:
                    scope_version.in_a_pull(conn)
                    pulled = pull.page(
                        conn,
                        device,
                        cursor,
                        limit,
                        last=self._settled.get(device_id),
                        page_chars=self.page_chars,
                    )
                break
            except OperationalError as exc:
                # PostgreSQL: another transaction changed a row this pull writes after
                # its snapshot was taken (two pulls of one laptop at once: one it gave
                # up waiting for, and its retry). Nothing was written: the pull is
                # worked out again on a newer snapshot.
                if attempt == PULL_ATTEMPTS or not _must_retry(exc):
                    raise
                logger.info("a pull met a concurrent write (attempt %d): worked out again", attempt)
        # Only once committed: a pull rolled back vouches for nothing.
        if pulled.holds_its_scope and not pulled.quiet:
            self._settled[device_id] = (pulled.settled, time.monotonic())
        elif not pulled.holds_its_scope:
            self._settled.pop(device_id, None)
        return pulled.page

    # --- server-authored directory changes --------------------------------

    def clock(self, conn: Connection) -> HybridClock:
        return HybridClock(
            conn.execute(select(func.coalesce(func.max(s.changes.c.hlc), 0))).scalar_one()
        )

    def publish(self, conn: Connection, entity: str, row: dict[str, Any]) -> None:
        """Record a directory entry (a team, a staff member) as a change every laptop pulls."""
        journal_lock.hold(conn)  # in seq order with every other write to the journal
        now = wallclock.utcnow()
        conn.execute(
            insert(s.changes),
            [
                {
                    "change_id": new_id(),
                    "hlc": self.clock(conn).tick(),
                    "device_id": self.server_id,
                    "author_id": None,
                    "organisation_id": row.get("organisation_id"),
                    "entity": entity,
                    "entity_id": row["id"],
                    "op": "create",
                    "field": None,
                    "value": json.dumps(row),
                    "bases": None,
                    "recorded_at": now.isoformat(),
                    "person_id": None,
                    "received_at": now,
                }
            ],
        )


# Statements every request runs, built once (a quiet sync is mostly these).
_DEVICE = select(s.devices).where(s.devices.c.device_id == bindparam("device_id"))
_FORGET_NONCES = delete(s.nonces).where(s.nonces.c.seen_at < bindparam("before"))
_REMEMBER_NONCE = insert(s.nonces)
# Bound names that are not column names: an update's parameters named after columns
# are values to set.
_SEEN = (
    update(s.devices)
    .where(s.devices.c.device_id == bindparam("device"))
    .values(last_seen_at=bindparam("seen"))
)


def _wire(row: Any) -> Change:
    return Change(
        change_id=row.change_id,
        hlc=row.hlc,
        device_id=row.device_id,
        author_id=row.author_id,
        organisation_id=row.organisation_id,
        entity=row.entity,
        entity_id=row.entity_id,
        op=row.op,
        field=row.field,
        value=row.value,
        bases=json.loads(row.bases) if row.bases else [],
        recorded_at=row.recorded_at,
    )
