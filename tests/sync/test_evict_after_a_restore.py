"""A laptop restored from a backup holds what it held then, and its cursor's generation
is older than ones the server has given out since. The server works from the cursor:

- someone who left the caseload after the backup is held again, and the laptop is
  told again to remove them (the server forgot confirmed evictions before, so such a
  laptop kept the record for good), after a second, newer restore too;
- someone sent after the backup is not held, and is sent whole again, however many
  pages that takes (the restored laptop's generations reused numbers the server had
  given out, and someone sent later could count as held and never come)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.services.care.notes import add_note
from app.services.profile.backup import backup_profile, restore_profile
from app.services.record import people
from app.workspace import Workspace, unlock
from storage.tables import ContactNote
from sync.server import directory
from tests.conftest import PASSPHRASE, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import caseload_names, moved_by_the_coordinator, sync, zoe_and_alun_held

NEWCOMER = "9990000034"
SECOND = "9990000042"


def _notes(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ContactNote)).scalar_one())


def _backup(ws: Workspace) -> tuple[Workspace, Path]:
    folder = ws.store.path
    ws.close()
    backup = backup_profile(folder, PASSPHRASE).path
    return unlock(folder, PASSPHRASE, for_sync=True), backup


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
    social_worker, backup = _backup(social_worker)

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


def test_a_second_newer_restore_is_told_again_too(server: RunningServer, laptop: Laptop) -> None:
    directory.add_team(server.store, "Hambleton Locality")
    nurse, social_worker = zoe_and_alun_held(laptop)
    social_worker, older = _backup(social_worker)
    # A newcomer between the two backups moves the laptop's generation on.
    people.register(nurse, people.NewPerson(NEWCOMER, "Iris", "Hebden", "1939-02-11", "LS1 4AP"))
    sync(nurse)
    sync(social_worker)
    social_worker, newer = _backup(social_worker)
    moved_by_the_coordinator(server, laptop, ZOE, "Hambleton Locality")
    assert sync(social_worker).evicted == 1
    sync(social_worker)

    social_worker = _restored(social_worker, older)
    assert sync(social_worker).evicted == 1
    # The newer backup, restored after that, still holds her: told again.
    social_worker = _restored(social_worker, newer)
    assert caseload_names(social_worker) == {"Zoë", "Alun", "Iris"}
    assert sync(social_worker).evicted >= 1
    assert caseload_names(social_worker) == {"Alun", "Iris"}
    for _ in range(6):  # told until its cursor confirms the eviction, then no more
        sync(social_worker)
    assert sync(social_worker).evicted == 0
    assert caseload_names(social_worker) == {"Alun", "Iris"}


def test_people_sent_after_the_backup_come_whole_however_many_pages(
    server: RunningServer, laptop: Laptop
) -> None:
    # Two people with a history in another team, moved to this one after the backup.
    directory.add_team(server.store, "Hambleton Locality")
    directory.add_user(server.store, "Jo Bell", "community_nurse", "Hambleton Locality")
    directory.add_user(server.store, "Ola Hart", "coordinator", "Hambleton Locality")
    hambleton_nurse = reopen(laptop("Jo Bell"))
    hambleton = reopen(laptop("Ola Hart"))
    for nhs, name in ((NEWCOMER, "Iris"), (SECOND, "Edna")):
        people.register(
            hambleton_nurse, people.NewPerson(nhs, name, "Hebden", "1939-02-11", "LS1 4AP")
        )
        for n in range(4):
            add_note(hambleton_nurse, nhs, f"Visit {n} in Hambleton.")
    sync(hambleton_nurse)
    _nurse, social_worker = zoe_and_alun_held(laptop)
    social_worker, backup = _backup(social_worker)
    for nhs in (NEWCOMER, SECOND):
        moved_by_the_coordinator(server, laptop, nhs, "Craven Locality", hambleton)
    sync(social_worker)
    assert caseload_names(social_worker) == {"Zoë", "Alun", "Iris", "Edna"}
    assert _notes(social_worker) == 8

    social_worker = _restored(social_worker, backup)
    assert caseload_names(social_worker) == {"Zoë", "Alun"}
    # Pages of a few changes: each person whole on a page of their own.
    sync(social_worker, pull_page=3)
    assert caseload_names(social_worker) == {"Zoë", "Alun", "Iris", "Edna"}
    assert _notes(social_worker) == 8


def test_someone_first_sent_between_two_backups_is_removed_after_each_restore(
    server: RunningServer, laptop: Laptop
) -> None:
    directory.add_team(server.store, "Hambleton Locality")
    nurse, social_worker = zoe_and_alun_held(laptop)
    social_worker, older = _backup(social_worker)
    people.register(nurse, people.NewPerson(NEWCOMER, "Iris", "Hebden", "1939-02-11", "LS1 4AP"))
    sync(nurse)
    sync(social_worker)  # Iris is first sent now, after the older backup
    social_worker, newer = _backup(social_worker)
    moved_by_the_coordinator(server, laptop, NEWCOMER, "Hambleton Locality")
    assert sync(social_worker).evicted == 1
    sync(social_worker)

    # The older backup never held her; restoring it must not make the server forget her.
    social_worker = _restored(social_worker, older)
    assert caseload_names(social_worker) == {"Zoë", "Alun"}
    sync(social_worker)
    social_worker = _restored(social_worker, newer)
    assert caseload_names(social_worker) == {"Zoë", "Alun", "Iris"}
    assert sync(social_worker).evicted >= 1
    assert caseload_names(social_worker) == {"Zoë", "Alun"}


def test_someone_sent_while_an_older_backup_was_restored_reaches_a_newer_one(
    server: RunningServer, laptop: Laptop
) -> None:
    """Generations given out are never given out again: once the older backup was
    restored, its pulls counted on from its own cursor, reusing numbers the newer
    backup had reached, and someone sent then counted as held by the newer one."""
    directory.add_team(server.store, "Hambleton Locality")
    directory.add_user(server.store, "Jo Bell", "community_nurse", "Hambleton Locality")
    directory.add_user(server.store, "Ola Hart", "coordinator", "Hambleton Locality")
    hambleton_nurse = reopen(laptop("Jo Bell"))
    hambleton = reopen(laptop("Ola Hart"))
    # Edna's history is older than both backups, in another team.
    people.register(
        hambleton_nurse, people.NewPerson(SECOND, "Edna", "Hebden", "1939-02-11", "LS1 4AP")
    )
    add_note(hambleton_nurse, SECOND, "Visit in Hambleton.")
    sync(hambleton_nurse)
    nurse, social_worker = zoe_and_alun_held(laptop)
    social_worker, older = _backup(social_worker)
    people.register(nurse, people.NewPerson(NEWCOMER, "Iris", "Hebden", "1939-02-11", "LS1 4AP"))
    sync(nurse)
    sync(social_worker)  # Iris, sent after the older backup
    social_worker, newer = _backup(social_worker)

    social_worker = _restored(social_worker, older)
    moved_by_the_coordinator(server, laptop, SECOND, "Craven Locality", hambleton)
    sync(social_worker)  # Iris again, and Edna
    assert caseload_names(social_worker) == {"Zoë", "Alun", "Iris", "Edna"}

    social_worker = _restored(social_worker, newer)
    assert caseload_names(social_worker) == {"Zoë", "Alun", "Iris"}
    sync(social_worker)
    assert caseload_names(social_worker) == {"Zoë", "Alun", "Iris", "Edna"}
    assert _notes(social_worker) == 1
