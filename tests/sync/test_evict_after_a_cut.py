"""Whom the server says has left the caseload is kept with the page that says so, and
removed at the next sync if this one is cut before the removal: the server stops
saying it once the next request carries that page's cursor, so a cut there once left
a record on the laptop for good. Someone who comes back to the
caseload before that next sync is kept, with their record whole."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import delete

from app.services.care.notes import add_note
from app.services.record import people
from app.store_step import StepCancelled
from app.workspace import Workspace
from storage.tables import ContactNote
from sync.client import settings as sync_settings
from sync.client.beyond_team import break_glass_beyond_team
from sync.retry import RetryPolicy
from sync.server import directory
from sync.server import schema as s
from sync.transport import ServerUnreachableError
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import caseload_names, moved_by_the_coordinator, sync, zoe_and_alun_held

T = TypeVar("T")


def _leaving(ws: Workspace) -> list[str]:
    with ws.store.read() as session:
        return sync_settings.leaving(session)


def _notes_of(ws: Workspace, person_id: str) -> int:
    with ws.store.read() as session:
        return session.query(ContactNote).filter_by(person_id=person_id).count()


def _cut_before_the_removal(step: Callable[[], T]) -> T:
    if getattr(step, "__qualname__", "").startswith("SyncSession.remove"):
        raise StepCancelled()
    return step()


def _social_worker_told_zoe_left(server: RunningServer, laptop: Laptop) -> Workspace:
    """The social worker's laptop, told Zoë left and cut before removing her."""
    directory.add_team(server.store, "Hambleton Locality")
    nurse, social_worker = zoe_and_alun_held(laptop)
    add_note(nurse, ZOE, "Visit before the move.")
    sync(nurse)
    sync(social_worker)
    assert caseload_names(social_worker) == {"Zoë", "Alun"}
    moved_by_the_coordinator(server, laptop, ZOE, "Hambleton Locality")
    with pytest.raises(StepCancelled):
        sync(social_worker, on_store=_cut_before_the_removal)
    # The page naming her is stored, and her record is still here.
    assert caseload_names(social_worker) == {"Zoë", "Alun"}
    assert len(_leaving(social_worker)) == 1
    return social_worker


def test_a_sync_cut_before_the_removal_removes_them_at_the_next(
    server: RunningServer, laptop: Laptop
) -> None:
    social_worker = _social_worker_told_zoe_left(server, laptop)
    report = sync(social_worker)
    assert report.evicted == 1
    assert caseload_names(social_worker) == {"Alun"}
    assert _leaving(social_worker) == []
    # And nothing is asked to be removed again.
    assert sync(social_worker).evicted == 0


def test_someone_back_on_the_caseload_before_the_next_sync_is_kept_whole(
    server: RunningServer, laptop: Laptop
) -> None:
    social_worker = _social_worker_told_zoe_left(server, laptop)
    with social_worker.store.read() as session:
        zoe_id = people.find(session, ZOE).id
    # Hambleton's coordinator moves her back before the social worker syncs again.
    directory.add_user(server.store, "Ola Hart", "coordinator", "Hambleton Locality")
    hambleton = reopen(laptop("Ola Hart"))
    moved_by_the_coordinator(server, laptop, ZOE, "Craven Locality", hambleton)
    report = sync(social_worker)
    # Removed first, as the server said, then sent whole again now she is back.
    assert report.evicted == 1
    assert caseload_names(social_worker) == {"Zoë", "Alun"}
    assert _leaving(social_worker) == []
    assert _notes_of(social_worker, zoe_id) == 1


def test_someone_back_by_break_glass_before_the_next_sync_is_kept_whole(
    server: RunningServer, laptop: Laptop
) -> None:
    """Breaking glass brings nothing new of theirs (the laptop holds it all still): the
    person's own record in the page is what says they are back."""
    social_worker = _social_worker_told_zoe_left(server, laptop)
    with social_worker.store.read() as session:
        zoe_id = people.find(session, ZOE).id
    report_reason = "Out-of-hours call: fall at home, her own team unreachable"
    break_glass_beyond_team(social_worker, report_reason, nhs_number=ZOE)
    assert caseload_names(social_worker) == {"Zoë", "Alun"}
    assert _leaving(social_worker) == []
    assert _notes_of(social_worker, zoe_id) == 1


def test_someone_whose_whole_record_comes_again_is_back_even_if_all_of_it_is_held(
    server: RunningServer, laptop: Laptop
) -> None:
    """Within one sync, a page says someone left and a later one sends them whole again
    (moved out and back meanwhile) while the laptop still holds all of it: the person's
    own record in the page is what says they are back, not what it applied."""
    _, social_worker = zoe_and_alun_held(laptop)
    with social_worker.store.read() as session:
        zoe_id = people.find(session, ZOE).id

    told: list[bool] = []

    def told_she_left_by_an_earlier_page(step: Callable[[], T]) -> T:
        if isinstance(step, partial) and step.func.__name__ == "_apply" and not told:
            told.append(True)
            with social_worker.store.write(social_worker.actor) as session:
                sync_settings.save_leaving(session, [zoe_id])
        return step()

    # The server has forgotten it sent her, so it sends her whole record again.
    dp = s.device_people
    with server.store.engine.begin() as conn:
        conn.execute(
            delete(dp).where(
                dp.c.device_id == social_worker.store.device_id, dp.c.person_id == zoe_id
            )
        )
    report = sync(social_worker, on_store=told_she_left_by_an_earlier_page)
    assert report.pulled == 0  # all of it held already
    assert report.evicted == 0
    assert caseload_names(social_worker) == {"Zoë", "Alun"}
    assert _leaving(social_worker) == []


def test_they_are_removed_at_the_next_sync_even_if_the_server_cannot_be_reached(
    server: RunningServer, laptop: Laptop
) -> None:
    social_worker = _social_worker_told_zoe_left(server, laptop)

    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no signal", request=request)

    with pytest.raises(ServerUnreachableError):
        sync(social_worker, transport=httpx.MockTransport(offline), retry=RetryPolicy(attempts=1))
    assert caseload_names(social_worker) == {"Alun"}
    assert _leaving(social_worker) == []
