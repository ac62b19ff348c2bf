"""Asking for the next pull page early never loses an eviction: the server forgets
whom it told a laptop to remove once a request carries that page's cursor, so a
page naming anyone to remove is stored before the next is asked for. A sync cut
while that page is applied (the profile locked) leaves the eviction to the next."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import httpx
import pytest

from app.services.care.notes import add_note
from app.store_step import StepCancelled
from sync.server import directory
from tests.conftest import ALUN, ZOE
from tests.sync.conftest import Laptop, RunningServer
from tests.sync.helpers import (
    caseload_names,
    moved_by_the_coordinator,
    sync,
    zoe_and_alun_held,
)

T = TypeVar("T")
PAGE = 5


class Counted(httpx.HTTPTransport):
    """Real requests; says when a second pull request has been answered."""

    def __init__(self) -> None:
        super().__init__()
        self.pulls = 0
        self.second_answered = threading.Event()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.url.path == "/sync/pull":
            self.pulls += 1
            if self.pulls == 2:
                response.read()
                self.second_answered.set()
        return response


@pytest.mark.parametrize("pages", [1, "several"])
def test_an_eviction_survives_a_sync_cut_while_its_page_is_applied(
    server: RunningServer, laptop: Laptop, pages: int | str
) -> None:
    directory.add_team(server.store, "Hambleton Locality")
    nurse, social_worker = zoe_and_alun_held(laptop)
    assert caseload_names(social_worker) == {"Zoë", "Alun"}
    # Zoë moves to another team: she leaves the social worker's caseload.
    moved_by_the_coordinator(server, laptop, ZOE, "Hambleton Locality")
    for n in range(4 * PAGE):
        add_note(nurse, ALUN, f"Visit {n}.")
    sync(nurse)

    transport = Counted()

    def locked_while_applying(step: Callable[[], T]) -> T:
        if isinstance(step, partial) and step.func.__name__ == "_apply":
            # Time for a request running ahead to reach the server, if one was sent.
            transport.second_answered.wait(timeout=2)
            raise StepCancelled()
        return step()

    with pytest.raises(StepCancelled):
        sync(
            social_worker,
            pull_page=PAGE if pages == "several" else 1000,
            transport=transport,
            on_store=locked_while_applying,
        )
    report = sync(social_worker)
    assert report.evicted == 1
    assert caseload_names(social_worker) == {"Alun"}
