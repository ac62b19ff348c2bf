"""The store's work overlaps the network's: a pull of many pages asks for the next
page while the store applies this one, and a push reads its next batch while this
one is at the server. The store still takes one page or batch at a time, in order,
and a cut in the request running ahead loses nothing and repeats nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import func, select

from app.errors import OneRecordError
from app.services.care.notes import add_note
from app.services.record import people
from app.workspace import Workspace
from storage.tables import ContactNote
from sync.client.session import CATCH_UP_PAGE, ROUTINE_PAGE, SyncSession, pending_count
from sync.protocol import MAX_PULL_PAGE
from sync.retry import RetryPolicy
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import shared_state, sync

T = TypeVar("T")
NHS = "9990000026"
PAGE = 10


class Watched(httpx.HTTPTransport):
    """Real requests; tells when each pull request is sent, and may lose one answer.
    `hold_first_push`: holds the first push's answer until the store starts reading
    the next batch (at most 10 s; only where a test watches for that)."""

    def __init__(self, lose: int | None = None, *, hold_first_push: bool = False) -> None:
        super().__init__()
        self.pulls = 0
        self.pushes = 0
        self.lose = lose
        self.hold_first_push = hold_first_push
        self.second_asked = threading.Event()
        self.next_batch_read = threading.Event()
        self.read_while_first_push_out: bool | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/sync/push":
            self.pushes += 1
            if self.pushes == 1 and self.hold_first_push:
                self.read_while_first_push_out = self.next_batch_read.wait(timeout=10)
            if self.pushes == self.lose:
                super().handle_request(request).read()
                raise httpx.ReadError("connection lost", request=request)
        if request.url.path == "/sync/pull":
            self.pulls += 1
            if self.pulls == 2:
                self.second_asked.set()
            if self.pulls == self.lose:
                super().handle_request(request).read()
                raise httpx.ReadError("connection lost", request=request)
        return super().handle_request(request)


def _writer_with_notes(laptop: Laptop, count: int, *, synced: bool = True) -> Workspace:
    nurse = reopen(laptop("Sam Taylor"))
    people.register(nurse, people.NewPerson(NHS, "Iris", "Hebden", "1939-02-11", "BD23 1JD"))
    for n in range(count):
        add_note(nurse, NHS, f"Visit {n}: walked to the kitchen with the frame.")
    if synced:
        sync(nurse)
    return nurse


def _notes(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ContactNote)).scalar_one())


def test_the_next_page_is_asked_for_while_this_one_is_applied(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse = _writer_with_notes(laptop, 3 * PAGE)
    reader = reopen(laptop("Ceri Jones"))
    transport = Watched()
    overlapped: list[bool] = []

    def on_store(step: Callable[[], T]) -> T:
        # While the first page is applied, the second is asked for without waiting.
        if isinstance(step, partial) and step.func.__name__ == "_apply" and not overlapped:
            overlapped.append(transport.second_asked.wait(timeout=10))
        return step()

    report = sync(reader, pull_page=PAGE, transport=transport, on_store=on_store)
    assert overlapped == [True]
    assert report.pulled >= 3 * PAGE and _notes(reader) == 3 * PAGE
    sync(nurse)
    assert shared_state(reader) == shared_state(nurse)


def test_a_cut_in_the_page_asked_ahead_loses_nothing(server: RunningServer, laptop: Laptop) -> None:
    nurse = _writer_with_notes(laptop, 3 * PAGE)
    reader = reopen(laptop("Ceri Jones"))
    # The answer to the second pull request (asked while the first page is applied) is lost.
    with pytest.raises(OneRecordError):
        sync(reader, pull_page=PAGE, transport=Watched(lose=2), retry=RetryPolicy(attempts=1))
    held = _notes(reader)
    assert held < 3 * PAGE  # the first page (and only what was applied) is kept
    report = sync(reader, pull_page=PAGE)
    assert _notes(reader) == 3 * PAGE
    assert report.pulled + held >= 3 * PAGE
    sync(nurse)
    assert shared_state(reader) == shared_state(nurse)


def test_the_next_batch_is_read_while_this_one_is_at_the_server(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse = _writer_with_notes(laptop, 3 * PAGE, synced=False)
    transport = Watched(hold_first_push=True)

    def on_store(step: Callable[[], T]) -> T:
        if isinstance(step, partial) and step.func.__name__ == "_batch_after":
            transport.next_batch_read.set()
        return step()

    report = sync(nurse, push_batch=PAGE, transport=transport, on_store=on_store)
    assert transport.read_while_first_push_out is True
    assert report.refused == [] and transport.pushes >= 3
    reader = reopen(laptop("Ceri Jones"))
    sync(reader)
    assert _notes(reader) == 3 * PAGE
    assert shared_state(reader) == shared_state(nurse)


def test_a_cut_in_a_push_leaves_the_rest_to_send_again(
    server: RunningServer, laptop: Laptop
) -> None:
    nurse = _writer_with_notes(laptop, 3 * PAGE, synced=False)
    # The server takes the second batch, but its answer is lost.
    with pytest.raises(OneRecordError):
        sync(nurse, push_batch=PAGE, transport=Watched(lose=2), retry=RetryPolicy(attempts=1))
    report = sync(nurse, push_batch=PAGE)
    assert report.refused == [] and report.duplicates >= 1
    reader = reopen(laptop("Ceri Jones"))
    sync(reader)
    assert pending_count(nurse) == 0
    assert _notes(reader) == 3 * PAGE
    assert shared_state(reader) == shared_state(nurse)


def test_a_laptop_far_behind_takes_the_largest_pages(laptop: Laptop) -> None:
    session = SyncSession(reopen(laptop("Sam Taylor")))
    try:
        # The first page of a sync, and a routine catch-up, are routine-sized.
        assert session._page_size(None) == ROUTINE_PAGE
        assert session._page_size(2 * CATCH_UP_PAGE) == ROUTINE_PAGE
        # Behind: larger pages.
        assert session._page_size(2 * CATCH_UP_PAGE + 1) == CATCH_UP_PAGE
        assert session._page_size(2 * MAX_PULL_PAGE) == CATCH_UP_PAGE
        # Far behind (a first download, a long absence): the largest the server sends.
        assert session._page_size(2 * MAX_PULL_PAGE + 1) == MAX_PULL_PAGE
        assert MAX_PULL_PAGE > CATCH_UP_PAGE > ROUTINE_PAGE
    finally:
        session.close()
    chosen = SyncSession(reopen(laptop("Ceri Jones")), pull_page=7)
    try:
        assert chosen._page_size(10**6) == 7
    finally:
        chosen.close()


def test_a_page_that_ends_the_changes_exactly_is_the_last_asked_for(
    server: RunningServer, laptop: Laptop
) -> None:
    """The server reads one row past a page to say whether there is more: changes
    that fill their last page exactly are not followed by a request for an empty one."""
    nurse = _writer_with_notes(laptop, PAGE)
    reader = reopen(laptop("Ceri Jones"))
    sync(reader)

    def three_visits(n: int) -> None:
        for visit in range(3):
            add_note(nurse, NHS, f"Visit {n}.{visit}: the frame is in the hall.")
        sync(nurse)

    # A page of one change at a time: as many requests as changes, not one more.
    three_visits(1)
    transport = Watched()
    report = sync(reader, pull_page=1, transport=transport)
    assert report.pulled >= 3
    assert transport.pulls == report.pulled
    # A page exactly as large as what is new: one request.
    three_visits(2)
    transport = Watched()
    exact = sync(reader, pull_page=report.pulled, transport=transport)
    assert exact.pulled == report.pulled
    assert transport.pulls == 1
