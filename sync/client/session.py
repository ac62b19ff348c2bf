"""One sync: push what this laptop wrote, pull what others wrote, apply it, and
remove people who have left the caseload. Every step commits as it goes, so a
cut at any point loses nothing and repeats nothing harmful.

Every profile access is a store step, `on_store(fn)` (app/store_step.py), and no
request to the server is made inside one: the desktop runs the steps on its
database lane and the requests on its network lane, so a slow server never holds
the profile; elsewhere the steps simply run in place."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import httpx
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.errors import OneRecordError
from app.gc_pause import gc_paused
from app.services.changes import PulledChanges
from app.store_step import StoreStep, direct
from app.workspace import Workspace
from storage import settings, wallclock
from storage.audit_log import append as audit
from storage.tables import SyncConflict
from sync.client import kept_aside, outbox, purge
from sync.client import settings as sync_settings
from sync.client.apply import Applied, KeptChange, apply_changes
from sync.client.background import in_background
from sync.client.outbox import OutgoingBatch
from sync.client.pull_page import read_page
from sync.protocol import MAX_PULL_PAGE, PullResponse, PushResponse
from sync.retry import RetryPolicy
from sync.transport import SyncClient, call, client, request

logger = logging.getLogger(__name__)

# Device setting: syncs that moved nothing since the last "sync" audit event.
QUIET_SYNCS = "sync_quiet_since_audit"
# The audit event that tells the server which pulled changes this laptop kept aside.
KEPT_ASIDE_EVENT = "pulled_changes_kept_aside"
_IDS_PER_EVENT = 200
# Changes a routine pull page holds; a laptop behind takes CATCH_UP_PAGE, one far
# behind MAX_PULL_PAGE (about 1.5 s of the store's time a page, on a first download).
ROUTINE_PAGE = 2000
CATCH_UP_PAGE = 5000

Progress = Callable[[str, int, int], None]
_OPEN_CONFLICTS = select(func.count()).select_from(SyncConflict)


class NotEnrolledError(OneRecordError):
    def __init__(self) -> None:
        super().__init__("This laptop is not enrolled with a server: run 'onerecord enrol' first.")


@dataclass
class SyncReport:
    pushed: int = 0
    duplicates: int = 0
    refused: list[str] = field(default_factory=list)
    pulled: int = 0
    # Reasons of the pulled changes first kept aside in this sync (storage KeptAside).
    kept_aside: list[str] = field(default_factory=list)
    # Changes kept aside earlier that applied in this sync.
    recovered: int = 0
    evicted: int = 0
    kept_back: int = 0
    open_conflicts: int = 0
    round_trips: int = 0
    seconds: float = 0.0
    # Whose records the pulled (and recovered, and evicted) changes touched; ids only.
    people: set[str] = field(default_factory=set)
    shared: bool = False

    def pulled_changes(self) -> PulledChanges:
        """The change notice this sync ends in, for the views on screen."""
        return PulledChanges(people=frozenset(self.people), shared=self.shared)


@dataclass(frozen=True)
class _Start:
    enrolment: sync_settings.Enrolment
    batch: OutgoingBatch | None
    total: int
    cursor: str
    kept_waiting: int
    # Who left the caseload at an earlier sync and is still to be removed.
    leaving: list[str]


class SyncSession:
    def __init__(
        self,
        workspace: Workspace,
        *,
        push_batch: int = 1000,
        pull_page: int | None = None,
        progress: Progress | None = None,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        on_store: StoreStep = direct,
    ) -> None:
        self.workspace = workspace
        self.push_batch = push_batch
        # None: routine pages, and the largest the server sends when far behind.
        self.pull_page = pull_page
        self.progress = progress or (lambda _stage, _done, _total: None)
        self.on_store = on_store
        self._transport = transport
        # Pushes and pulls are safe to repeat: ride out a bad network.
        self._retry = retry or RetryPolicy()
        # Made by `run` from the enrolment its first store step reads.
        self._http: SyncClient | None = None

    @property
    def http(self) -> SyncClient:
        assert self._http is not None, "the session's first store step makes its client"
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def run(self) -> SyncReport:
        started = time.perf_counter()
        report = SyncReport()
        try:
            start = self.on_store(self._start)
            if start.leaving:
                # An earlier sync was told they left and was cut before removing them:
                # first, before the network (before its client is even made), so an
                # unreachable server, or an enrolment that no longer works, cannot keep them.
                start = replace(start, leaving=self.remove(start.leaving, report))
            self._connect(start.enrolment)
            self.push(report, (start.batch, start.total))
            evict = self.pull(report, start)
            if evict:
                self.push(report)
                self.remove(evict, report)
        finally:
            report.seconds = time.perf_counter() - started
        moved = bool(
            report.pushed or report.pulled or report.refused or report.evicted or report.kept_aside
        )
        self.on_store(lambda: self._record(report, moved=moved))
        if moved:
            # The audit event just written is itself a change: send it now, not next time.
            self.push(report)
        return report

    def _record(self, report: SyncReport, *, moved: bool) -> None:
        """The sync's end, in the store: when it succeeded, open conflicts, the audit.
        A sync that moved nothing is only counted, in the profile's own settings (no
        journal, no disk flush: most of the time of a quiet sync otherwise), and a
        power cut can lose the count, not the record."""
        if not moved:
            with self.workspace.store.local_write() as conn:
                quiet = self._ended(conn, report)
                # Counted, not sent on its own (that would cost a second round trip every
                # time): the next sync that moves anything carries in its audit event how
                # many there were and when, so every sync is in the audit log.
                now = wallclock.utcnow().isoformat(timespec="seconds")
                settings.put(
                    conn,
                    QUIET_SYNCS,
                    {
                        "count": int(quiet.get("count", 0)) + 1,
                        "first": quiet.get("first", now),
                        "last": now,
                    },
                )
            return
        with self.workspace.store.write(self.workspace.actor) as session:
            quiet = self._ended(session, report)
            # Counts only: no person, no field, nothing identifiable.
            detail: dict[str, Any] = {
                "pushed": report.pushed,
                "pulled": report.pulled,
                "refused": len(report.refused),
                "evicted": report.evicted,
                "kept_back": report.kept_back,
                "kept_aside": len(report.kept_aside),
            }
            if quiet:
                detail["quiet_syncs_before"] = quiet
                settings.put(session, QUIET_SYNCS, None)
            audit(session, "sync", detail=detail)

    def _ended(self, conn: Session | Connection, report: SyncReport) -> dict[str, Any]:
        """What every sync's end writes and reads: when it succeeded, the open
        conflicts (into the report), and the quiet syncs counted since the last audit."""
        sync_settings.save_last_success(conn)
        report.open_conflicts = conn.execute(_OPEN_CONFLICTS).scalar_one()
        return dict(settings.get(conn, QUIET_SYNCS) or {})

    def _start(self) -> _Start:
        """What a sync needs to know first, in one store step (a quiet sync is mostly
        its steps): the server and the device's key, the first batch to push, the
        pull's cursor, whether anything pulled before waits to be applied again, and
        who is still to be removed."""
        with self.workspace.store.read_rows() as conn:
            enrolment, cursor, leaving = sync_settings.sync_start(conn)
            if enrolment is None:
                raise NotEnrolledError()
            batch, total = self._batch_to_push(conn)
            return _Start(
                enrolment=enrolment,
                batch=batch,
                total=total,
                cursor=cursor,
                kept_waiting=kept_aside.count(conn),
                leaving=leaving,
            )

    def _connect(self, enrolment: sync_settings.Enrolment) -> None:
        if self._http is not None:  # a session run again keeps one client
            self._http.close()
        self._http = client(
            enrolment.server_url,
            ca_pem=enrolment.ca_pem,
            device_id=self.workspace.store.device_id,
            private_key=enrolment.private_key,
            transport=self._transport,
            retry=self._retry,
        )

    # --- push -------------------------------------------------------------

    def push(
        self, report: SyncReport, first: tuple[OutgoingBatch | None, int] | None = None
    ) -> None:
        """Batches go one at a time, in order, but the store's work overlaps the
        network's: the next batch is read while this one is at the server, and this
        one's answer is marked while the next is on its way. A batch is marked only
        once answered, so a cut anywhere leaves it to be sent again (the server takes
        a change once, by its id). `first`: the first batch and the count, read already."""
        batch, total = first if first is not None else self.on_store(self._first_batch)
        if batch is None:
            return
        done = 0
        sending = in_background("onerecord-net-push", partial(self._send, batch))
        try:
            while batch is not None:
                following = self.on_store(partial(self._batch_after, batch))
                answer = sending.result()
                if following is not None:
                    sending = in_background("onerecord-net-push", partial(self._send, following))
                report.round_trips += 1 if batch.sent else 0
                refused = {r.change_id: r.reason for r in answer.refused}
                report.pushed += answer.accepted
                report.duplicates += answer.duplicates
                report.refused.extend(refused.values())
                done += len(batch.seqs)
                self.on_store(partial(self._answered, batch, refused))
                self.progress("push", min(done, total), total)
                batch = following
        finally:
            # A failed batch: the one on its way is not waited for.
            sending.cancel()

    def _send(self, batch: OutgoingBatch) -> PushResponse:
        if not batch.sent:
            # Only local placeholders (directory records made before enrolling).
            return PushResponse(accepted=0, duplicates=0, refused=[])
        return PushResponse.model_validate(
            call(
                self.http,
                "POST",
                "/sync/push",
                content=batch.body,
                headers={"content-type": "application/json"},
            )
        )

    def _first_batch(self) -> tuple[OutgoingBatch | None, int]:
        with self.workspace.store.read_rows() as conn:
            return self._batch_to_push(conn)

    def _batch_to_push(self, conn: Connection) -> tuple[OutgoingBatch | None, int]:
        batch = outbox.next_batch(conn, self.push_batch)
        # Counted only when there is something to send (for progress).
        total = outbox.pending_count(conn) if batch else 0
        return batch, total

    def _batch_after(self, batch: OutgoingBatch) -> OutgoingBatch | None:
        with self.workspace.store.read() as session:
            return outbox.next_batch(session.connection(), self.push_batch, after=batch)

    def _answered(self, batch: OutgoingBatch, refused: dict[str, str]) -> None:
        """Mark what the server answered (one store step)."""
        with self.workspace.store.write(self.workspace.actor) as session:
            outbox.mark_answered(session.connection(), batch, refused, wallclock.utcnow())

    # --- pull -------------------------------------------------------------

    def pull(self, report: SyncReport, start: _Start) -> list[str]:
        cursor = start.cursor
        evict = start.leaving
        done = 0
        # The next page is asked for while this one is applied, so the server's and the
        # network's time overlaps the store's (a large pull is a fifth quicker). Only
        # the request runs ahead: the store still takes one page at a time, in order,
        # and a page's cursor is saved only with the page. Asking with a cursor before
        # its page is stored is safe for the changes (a sync cut there starts again
        # from the cursor the store holds, and the server sends them again) but not
        # for evictions: the server stops naming whom it told this laptop to remove once
        # a request carries that page's cursor. So a page that names anyone to remove is
        # stored before the next is asked for. A sync of one page starts no thread.
        upcoming: Future[tuple[PullResponse, list[KeptChange]]] | None = None
        try:
            page, unreadable = self._fetch(cursor, self._page_size(None))
            while True:
                report.round_trips += 1
                upcoming = None
                if page.more and not page.evict:
                    upcoming = in_background(
                        "onerecord-net-pull",
                        partial(self._fetch, page.cursor, self._page_size(page.total)),
                    )
                if page.changes or unreadable or page.cursor != cursor:
                    applied, evict = self.on_store(partial(self._apply, page, unreadable, report))
                    report.pulled += applied.new_changes
                    report.people |= applied.replayed.people
                    report.shared = report.shared or applied.replayed.shared
                # else: nothing new and the same cursor (so no one to remove); a write
                # would change nothing.
                cursor = page.cursor
                done += len(page.changes)
                self.progress("pull", done, done + (page.total or 0))
                if not page.more:
                    # Changes kept aside, before or now, may apply now their parents are in.
                    if start.kept_waiting or report.kept_aside:
                        self.on_store(lambda: self._try_kept_aside_again(report))
                    return evict
                page, unreadable = (
                    upcoming.result()
                    if upcoming is not None
                    else self._fetch(page.cursor, self._page_size(page.total))
                )
        finally:
            if upcoming is not None:
                # A failed page: the request running ahead is not waited for.
                upcoming.cancel()

    def _page_size(self, behind: int | None) -> int:
        """A routine sync's pages hold the store briefly (a save made meanwhile waits
        for the page before it); a laptop behind takes larger pages, and one far behind
        (a first download, a long absence) the largest the server sends: fewer commits,
        each rewriting most of the pages of the journal's random-key indexes."""
        if self.pull_page is not None:
            return self.pull_page
        for size in (MAX_PULL_PAGE, CATCH_UP_PAGE):
            if behind is not None and behind > 2 * size:
                return size
        return ROUTINE_PAGE

    def _fetch(self, cursor: str, limit: int) -> tuple[PullResponse, list[KeptChange]]:
        """One pull request and its page, read (network and parsing only, no store)."""
        response = request(
            self.http, "GET", "/sync/pull", params={"cursor": cursor, "limit": limit}
        )
        # A change that is not well formed is kept aside, not the whole page refused.
        with gc_paused():
            return read_page(response.content)

    def _apply(
        self, page: PullResponse, unreadable: list[KeptChange], report: SyncReport
    ) -> tuple[Applied, list[str]]:
        """One pulled page into the store (one store step, one transaction), and who is
        to be removed from the laptop after it."""
        now = wallclock.utcnow()
        # A page is thousands of short-lived rows and dicts without cycles: the
        # collector's walks over everything alive would only slow it (app/gc_pause.py).
        # Not waiting for the disk: everything in a pulled page is the server's too, and
        # the page commits with its cursor, so a power cut can only take both back and
        # the next sync pulls the page again. A page that kept something aside is
        # flushed after (below); the sync's end (`_record`) is flushed.
        store = self.workspace.store
        told = len(report.kept_aside)
        with gc_paused(), store.write(self.workspace.actor, flushed=False) as session:
            applied = apply_changes(session.connection(), page.changes, now)
            # What could not be applied is kept aside, and the page goes on.
            kept = unreadable + applied.kept_aside
            self._keep_aside(session, kept, now, report)
            # The page, the cursor that says we have it and whom it says to remove commit
            # together. Someone whose record the page brings (a backfill always holds the
            # person themselves, even when the laptop has it all already) is back.
            before = sync_settings.leaving(session)
            back = applied.replayed.people | {
                c.entity_id for c in page.changes if c.entity == "person"
            }
            leaving = sorted((set(before) - back) | set(page.evict))
            if leaving != before:
                sync_settings.save_leaving(session, leaving)
            sync_settings.save_cursor(session, page.cursor)
        if len(report.kept_aside) > told:
            # The page wrote this laptop's own audit events (what it kept aside), which
            # exist nowhere else and are pushed soon: on the disk before they can be.
            with store.write(self.workspace.actor) as session:
                sync_settings.save_cursor(session, page.cursor)
        return applied, leaving

    def _keep_aside(
        self, session: Session, kept: list[KeptChange], now: Any, report: SyncReport
    ) -> None:
        """Store what could not be applied, and tell the server which changes (ids and a
        count, nothing of their content) in an audit event that goes with the next push."""
        new = kept_aside.keep(session.connection(), kept, now)
        if not new:
            return
        fresh = set(new)
        report.kept_aside.extend(k.reason for k in kept if k.change.change_id in fresh)
        logger.warning("%d pulled change(s) could not be applied: kept aside", len(new))
        for start in range(0, len(new), _IDS_PER_EVENT):
            ids = new[start : start + _IDS_PER_EVENT]
            audit(session, KEPT_ASIDE_EVENT, detail={"count": len(ids), "change_ids": ids})

    def _try_kept_aside_again(self, report: SyncReport) -> None:
        store = self.workspace.store
        with store.read() as session:
            waiting = kept_aside.count(session.connection())
        if not waiting:
            return
        with store.write(self.workspace.actor) as session:
            recovered, replayed = kept_aside.try_again(session.connection(), wallclock.utcnow())
        report.recovered += recovered
        report.people |= replayed.people
        report.shared = report.shared or replayed.shared

    def remove(self, people: list[str], report: SyncReport) -> list[str]:
        """Remove these people from the laptop; returns those kept back for now."""
        return self.on_store(lambda: self._remove(people, report))

    def _remove(self, people: list[str], report: SyncReport) -> list[str]:
        with self.workspace.store.write(self.workspace.actor) as session:
            conn = session.connection()
            keep = [p for p in people if purge.unpushed_for(conn, p)]
            report.kept_back = len(keep)
            leaving = [p for p in people if p not in keep]
            report.evicted += purge.purge_people(conn, leaving)
            report.people.update(leaving)
            # Whoever is kept back is removed at a later sync, once nothing of theirs
            # waits for the server.
            sync_settings.save_leaving(session, keep)
        if keep:
            logger.warning(
                "%d people left the caseload but still have changes the server refused", len(keep)
            )
        return keep


def pending_count(workspace: Workspace) -> int:
    with workspace.store.read() as session:
        return outbox.pending_count(session.connection())
