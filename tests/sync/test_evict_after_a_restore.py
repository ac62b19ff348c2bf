"""A laptop restored from a backup taken before someone left its caseload holds their
record again: the server still knows it told this laptop to remove them, and tells it
again, because the restored laptop's cursor is older than that eviction. The server
forgot confirmed evictions before, so such a laptop kept the record for good."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.services.care.notes import add_note
from app.services.profile.backup import backup_profile, restore_profile
from app.workspace import Workspace, unlock
from storage.tables import ContactNote
from sync.server import directory
from tests.conftest import PASSPHRASE, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import caseload_names, moved_by_the_coordinator, sync, zoe_and_alun_held


def _notes(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ContactNote)).scalar_one())


def _restored(ws: Workspace, backup: Path) -> Workspace:
    folder = ws.store.path
    ws.close()
    restore_profile(folder, PASSPHRASE, backup)
    return unlock(folder, PASSPHRASE, for_sync=True)


def test_a_laptop_restored_from_before_an_eviction_removes_them_again(
    server: RunningServer, laptop: Laptop
) -> None:
    directory.add_team(server.store, "Hambleton Locality")
    nurse, social_worker = zoe_and_alun_held(laptop)
    add_note(nurse, ZOE, "Visit before the move.")
    sync(nurse)
    sync(social_worker)
    assert _notes(social_worker) == 1
    folder = social_worker.store.path
    social_worker.close()
    backup = backup_profile(folder, PASSPHRASE).path
    social_worker = unlock(folder, PASSPHRASE, for_sync=True)

    moved_by_the_coordinator(server, laptop, ZOE, "Hambleton Locality")
    assert sync(social_worker).evicted == 1
    assert caseload_names(social_worker) == {"Alun"}
    sync(social_worker)  # the removal confirmed: the server's own bookkeeping moves on

    social_worker = _restored(social_worker, backup)
    assert caseload_names(social_worker) == {"Zoë", "Alun"}  # as the backup held her
    report = sync(social_worker)
    assert report.evicted == 1
    assert caseload_names(social_worker) == {"Alun"} and _notes(social_worker) == 0
    # Told once more, and then no more: later syncs remove no one.
    assert sync(social_worker).evicted == 0
    assert sync(social_worker).evicted == 0

    # Moved back by Hambleton's coordinator, she comes back whole.
    directory.add_user(server.store, "Ola Hart", "coordinator", "Hambleton Locality")
    hambleton = reopen(laptop("Ola Hart"))
    moved_by_the_coordinator(server, laptop, ZOE, "Craven Locality", hambleton)
    sync(social_worker)
    assert caseload_names(social_worker) == {"Zoë", "Alun"} and _notes(social_worker) == 1
