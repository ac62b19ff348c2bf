"""A pull that finds the laptop holding exactly its caseload skips working out whom to
send whole and whom to remove, until something that decides the caseload moves: the
team's people (any write to person_team, by a push or by hand, changes a token kept by
the database's own triggers), break-glass, the laptop's team or its user's role, or
the laptop's generation. Each of those still reaches the laptop at its next sync."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select, update

from app.services.need_to_know.access_policy import Role
from app.services.record import people
from app.workspace import Workspace
from storage.tables import Team
from sync.server import directory, scope_version
from sync.server import schema as s
from tests.conftest import ZOE
from tests.sync.conftest import Laptop, RunningServer
from tests.sync.helpers import caseload_names, moved_by_the_coordinator, sync, zoe_and_alun_held


@contextmanager
def _statements(server: RunningServer) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(server.store.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(server.store.engine, "before_cursor_execute", record)


def _settled_social_worker(server: RunningServer, laptop: Laptop) -> Workspace:
    """Zoë and Alun on Craven's caseload, held by the social worker's laptop, which has
    synced since with nothing to do."""
    directory.add_team(server.store, "Hambleton Locality")
    _, social_worker = zoe_and_alun_held(laptop)
    sync(social_worker)
    assert caseload_names(social_worker) == {"Zoë", "Alun"}
    return social_worker


def _worked_out(statements: list[str]) -> bool:
    """Whether a pull worked out whom to send whole and whom to remove."""
    return any("EXCEPT" in sql.upper() for sql in statements)


def test_a_quiet_pull_skips_working_out_the_caseload(server: RunningServer, laptop: Laptop) -> None:
    social_worker = _settled_social_worker(server, laptop)
    with _statements(server) as seen:
        report = sync(social_worker)
    assert report.pulled == 0
    assert seen, "the pull reached the server"
    assert not _worked_out(seen)
    # Nor does it write anything of the laptop's to the database.
    assert not any("DEVICE_PEOPLE" in sql.upper() and "DELETE" in sql.upper() for sql in seen)


def test_someone_moved_off_the_team_is_still_removed(server: RunningServer, laptop: Laptop) -> None:
    social_worker = _settled_social_worker(server, laptop)
    moved_by_the_coordinator(server, laptop, ZOE, "Hambleton Locality")
    with _statements(server) as seen:
        report = sync(social_worker)
    assert _worked_out(seen)
    assert report.evicted == 1
    assert caseload_names(social_worker) == {"Alun"}


def test_a_change_made_by_hand_on_the_server_changes_the_token(
    server: RunningServer, laptop: Laptop
) -> None:
    """No writer has to remember: the database's trigger changes it."""
    social_worker = _settled_social_worker(server, laptop)
    hambleton = directory.team_id_by_name(server.store, "Hambleton Locality")
    with social_worker.store.read() as session:
        zoe_id = people.find(session, ZOE).id
    with server.store.engine.begin() as conn:
        before = scope_version.current(conn)
        conn.execute(
            update(s.person_team)
            .where(s.person_team.c.person_id == zoe_id)
            .values(team_id=hambleton)
        )
        assert scope_version.current(conn) != before
    report = sync(social_worker)
    assert report.evicted == 1
    assert caseload_names(social_worker) == {"Alun"}


def test_a_laptop_moved_to_another_team_loses_the_old_caseload(
    server: RunningServer, laptop: Laptop
) -> None:
    social_worker = _settled_social_worker(server, laptop)
    hambleton = directory.team_id_by_name(server.store, "Hambleton Locality")
    devices = s.devices
    with server.store.engine.begin() as conn:
        conn.execute(
            update(devices)
            .where(devices.c.device_id == social_worker.store.device_id)
            .values(team_id=hambleton)
        )
    assert sync(social_worker).evicted == 2
    assert caseload_names(social_worker) == set()


def test_a_user_whose_role_no_longer_holds_records_loses_them(
    server: RunningServer, laptop: Laptop
) -> None:
    social_worker = _settled_social_worker(server, laptop)
    staff = s.staff
    with server.store.engine.begin() as conn:
        user_id = conn.execute(
            select(s.devices.c.user_id).where(
                s.devices.c.device_id == social_worker.store.device_id
            )
        ).scalar_one()
        conn.execute(
            update(staff).where(staff.c.user_id == user_id).values(role=Role.ADMINISTRATOR.value)
        )
    assert sync(social_worker).evicted == 2


def test_a_change_committed_while_a_pull_is_answered_is_never_skipped(
    server: RunningServer, laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process (an administrator's command) commits a directory change just as a
    quiet pull reads the stream: the pull may leave it for the next, never skip it.
    (It commits as soon as the database lets it: at once on PostgreSQL; on SQLite
    after the pull, which holds the write lock to read from one snapshot.)"""
    from sync.server import pull
    from sync.server.store import ServerStore

    _, social_worker = zoe_and_alun_held(laptop)
    sync(social_worker)
    url = server.store.engine.url.render_as_string(hide_password=False)
    elsewhere = ServerStore(url)
    head = pull._head
    adding: list[threading.Thread] = []

    def another_process_commits_first(conn: Any) -> int:
        # Only the server's pulls read the head (`elsewhere` adds a team, no more).
        if not adding:
            adding.append(
                threading.Thread(target=directory.add_team, args=(elsewhere, "Pateley Locality"))
            )
            adding[0].start()
            adding[0].join(timeout=1)
        return head(conn)

    monkeypatch.setattr(pull, "_head", another_process_commits_first)
    sync(social_worker)
    monkeypatch.setattr(pull, "_head", head)
    assert adding
    adding[0].join()
    elsewhere.close()
    sync(social_worker)
    with social_worker.store.read() as session:
        names = set(session.execute(select(Team.name)).scalars())
    assert "Pateley Locality" in names
