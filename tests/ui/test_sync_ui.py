"""Sync in the app, against a real server on loopback: Sync now pushes what was
written here, background syncs go quiet when the server is unreachable, a
conflict is shown with both values and settled from the Conflicts dialog, and
a revoked laptop wipes itself and returns to the first-run screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.services import clock
from app.services.care import visits
from app.services.care.notes import add_note
from app.services.changes import Change
from app.services.record import people
from app.workspace import Workspace, profile_exists
from storage.tables import ContactNote
from sync.server import directory
from tests.conftest import ALUN, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.ui.helpers import make_controller, person_id_of, unlock
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner
from ui.main_window import offline_text, standalone_text
from ui.sync.conflicts_dialog import ConflictsDialog

pytestmark = pytest.mark.gui
# The sync suites' server runs on SQLite here (its PostgreSQL run belongs to tests/sync).
on_sqlite = pytest.mark.parametrize("server", ["sqlite"], indirect=True)

NOTE = "Synced from the app: all well."


def _app(qtbot: QtBot, runner: TaskRunner, ws: Workspace) -> AppController:
    """Close the enrolled laptop's workspace and open it in the app, synced once on unlock."""
    path = ws.store.path
    if ws.store.is_open:
        ws.close()
    controller = make_controller(qtbot, runner, path)
    with qtbot.waitSignal(controller.sync.synced, timeout=10_000):
        unlock(qtbot, controller)
    qtbot.waitUntil(lambda: not controller.sync.running, timeout=5_000)
    return controller


def _sync_now(qtbot: QtBot, controller: AppController) -> None:
    qtbot.waitUntil(lambda: controller.main_window.sync_action.isEnabled(), timeout=5_000)
    with qtbot.waitSignal(controller.sync.running_changed, timeout=5_000):
        controller.main_window.sync_action.trigger()
    qtbot.waitUntil(lambda: not controller.sync.running, timeout=10_000)


def _write(qtbot: QtBot, controller: AppController, fn: object) -> None:
    with qtbot.waitSignal(controller.ops.changed, timeout=5_000):
        assert controller.ops.write(fn)  # type: ignore[arg-type]


def _note(nhs: str) -> object:
    def write(ws: Workspace) -> Change:
        return visits.record_visit(
            ws, person_id=person_id_of(ws, nhs), narrative=NOTE, occurred_at=clock.now()
        )

    return write


def _level(nhs: str, level: str) -> object:
    def write(ws: Workspace) -> Change:
        people.edit(ws, nhs, {"level_of_need": level})
        return Change("person_edited", areas=frozenset({"caseload"}))

    return write


def _dialogs() -> list[str]:
    return [
        w.objectName()
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible()
    ]


def test_sync_now_is_off_for_a_profile_that_is_not_enrolled(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    qtbot.wait(200)
    window = controller.main_window
    assert not window.sync_action.isEnabled()
    assert window.offline_label.text() == standalone_text()
    assert window.pending_label.isHidden()
    assert window.last_sync_label.isHidden()


@on_sqlite
def test_sync_now_pushes_a_note_written_in_the_app(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    ws = laptop("Sam Taylor")
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    controller = _app(qtbot, runner, ws)
    window = controller.main_window
    try:
        assert window.sync_action.isEnabled()
        assert window.offline_label.text().startswith("Online · last synced ")
        _write(qtbot, controller, _note(ZOE))
        qtbot.waitUntil(lambda: window.pending_label.text() != "Nothing waiting to sync")
        _sync_now(qtbot, controller)
        assert window.last_sync_label.text().startswith("Last synced ")
        assert window.pending_label.text() == "Nothing waiting to sync"
        assert window.sync_progress.isHidden()
        assert window.conflicts_button.isHidden()
    finally:
        controller.shutdown()
    colleague = reopen(laptop("Ceri Jones"))
    sync(colleague)
    with colleague.store.read() as session:
        narratives = session.execute(select(ContactNote.narrative)).scalars().all()
    assert NOTE in narratives


@on_sqlite
def test_a_concurrent_edit_is_a_conflict_settled_in_the_dialog(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    nurse = laptop("Sam Taylor")
    social_worker = reopen(laptop("Ceri Jones"))
    people.register(social_worker, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    sync(social_worker)
    controller = _app(qtbot, runner, nurse)  # pulls Zoë on unlock
    window = controller.main_window
    try:
        people.edit(social_worker, ZOE, {"level_of_need": "universal"})
        sync(social_worker)
        _write(qtbot, controller, _level(ZOE, "specialist"))
        _sync_now(qtbot, controller)
        qtbot.waitUntil(lambda: window.conflicts_button.isVisible(), timeout=5_000)
        assert window.conflicts_button.text() == "1 conflict to resolve"

        window.conflicts_button.click()
        dialog = controller.conflicts.dialog
        assert isinstance(dialog, ConflictsDialog)
        qtbot.waitUntil(lambda: len(dialog.conflicts) == 1, timeout=5_000)
        (conflict,) = dialog.conflicts
        assert conflict.person_name == "Zoë O'Neill"
        assert {v.author for v in conflict.values} == {"Sam Taylor", "Ceri Jones"}
        assert sorted(v.value for v in conflict.values) == ["specialist", "universal"]
        buttons = dialog.keep_buttons()
        assert len(buttons) == 2
        assert all(b.height() >= 44 or b.minimumHeight() >= 44 for b in buttons)
        assert all(b.accessibleName().startswith("Keep this: ") for b in buttons)
        keep = next(i for i, v in enumerate(conflict.values) if v.value == "universal")
        buttons[keep].click()
        qtbot.waitUntil(lambda: dialog.conflicts == [], timeout=5_000)
        qtbot.waitUntil(lambda: window.conflicts_button.isHidden(), timeout=5_000)
        assert dialog.empty.isVisibleTo(dialog)
        controller.lock("Locked.")
        assert controller.conflicts.dialog is None
        assert not dialog.isVisible()
    finally:
        controller.shutdown()
        social_worker.close()


@on_sqlite
def test_an_unreachable_server_is_offline_without_a_dialog(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    ws = laptop("Sam Taylor")
    people.register(ws, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    controller = _app(qtbot, runner, ws)
    window = controller.main_window
    try:
        server.stop()
        _write(qtbot, controller, _note(ZOE))
        qtbot.waitUntil(lambda: window.pending_label.text() != "Nothing waiting to sync")
        controller.sync.sync(quiet=True)  # as the timer does
        qtbot.waitUntil(lambda: not controller.sync.running, timeout=10_000)
        assert window.offline_label.text() == offline_text()
        assert window.pending_label.text() != "Nothing waiting to sync"
        assert _dialogs() == []
        assert controller.unlocked
        assert window.sync_action.isEnabled()  # trying again is allowed
    finally:
        controller.shutdown()


@on_sqlite
def test_a_revoked_laptop_wipes_itself_and_starts_again(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    ws = laptop("Sam Taylor")
    path: Path = ws.store.path
    device = ws.store.device_id
    controller = _app(qtbot, runner, ws)
    try:
        directory.revoke(server.store, device)
        controller.main_window.sync_action.trigger()
        qtbot.waitUntil(lambda: controller.first_run_window.isVisible(), timeout=10_000)
        assert not controller.unlocked
        assert not controller.main_window.isVisible()
        assert "deleted" in controller.first_run_window.message.text()
        assert not profile_exists(path)
        assert _dialogs() == []
    finally:
        controller.shutdown()


@on_sqlite
def test_a_laptop_offline_too_long_syncs_as_it_unlocks(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    from datetime import timedelta

    from sync.client import settings as sync_settings

    ws = reopen(laptop("Sam Taylor"))
    sync(ws)
    with ws.store.write(ws.actor) as session:
        sync_settings.save_last_success(session, clock.now() - timedelta(days=20))
    path = ws.store.path
    ws.close()

    server.stop()
    controller = make_controller(qtbot, runner, path)
    qtbot.keyClicks(controller.unlock_window.passphrase, "a long test passphrase")
    qtbot.keyClick(controller.unlock_window.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: "over 14 days" in controller.unlock_window.message.text(), timeout=10_000
    )
    assert not controller.unlocked
    controller.unlock_window.hide()

    restarted = _restart(server)
    try:
        from storage import settings

        with reopen_for_sync(path) as syncing, syncing.store.write(syncing.actor) as session:
            current = sync_settings.enrolment(session)
            assert current is not None
            settings.put(
                session,
                settings.SYNC_SERVER,
                {"url": restarted.url, "server_id": current.server_id, "ca_pem": None},
            )
        controller = make_controller(qtbot, runner, path)
        try:
            unlock(qtbot, controller)
            assert controller.unlocked
        finally:
            # Left unlocked, its idle timer would lock it a minute later in whatever
            # test this worker runs next.
            controller.shutdown()
    finally:
        restarted.stop()
        restarted.store.close()


def _restart(server: RunningServer) -> RunningServer:
    from tests.sync.conftest import start_server

    url = str(server.store.engine.url.render_as_string(hide_password=False))
    server.store.close()
    return start_server(url)


class reopen_for_sync:
    def __init__(self, path: Path) -> None:
        from app.workspace import unlock as unlock_profile

        self.workspace = unlock_profile(path, "a long test passphrase", for_sync=True)

    def __enter__(self) -> Workspace:
        return self.workspace

    def __exit__(self, *_exc: object) -> None:
        self.workspace.close()


@on_sqlite
def test_a_sync_refreshes_the_open_record_only_when_it_touched_that_person(
    qtbot: QtBot, runner: TaskRunner, server: RunningServer, laptop: Laptop
) -> None:
    social_worker = reopen(laptop("Ceri Jones"))
    people.register(social_worker, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
    people.register(social_worker, people.NewPerson(ALUN, "Alun", "Price", "1941-02-03", "DL8 4AA"))
    sync(social_worker)
    controller = _app(qtbot, runner, laptop("Sam Taylor"))  # pulls both on unlock
    zoe = person_id_of(social_worker, ZOE)
    refreshes: list[Change] = []
    controller.ops.changed.connect(lambda c: refreshes.append(c) if c.action == "sync" else None)
    try:
        with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
            controller.open_record(zoe)

        add_note(social_worker, ALUN, "Phoned Alun: all well.")
        sync(social_worker)
        with qtbot.waitSignal(controller.sync.synced, timeout=10_000) as pulled:
            _sync_now(qtbot, controller)
        assert pulled.args[0].people == {person_id_of(social_worker, ALUN)}
        assert refreshes == []  # Zoë's record was not read again for Alun's note

        add_note(social_worker, ZOE, "Visited Zoë: new frame delivered.")
        sync(social_worker)
        with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
            _sync_now(qtbot, controller)
        assert [c.person_id for c in refreshes] == [zoe]
        timeline = controller.timeline

        def narratives() -> list[str]:
            entries = (timeline.entry_at(r) for r in range(timeline.rowCount()))
            return [e.narrative for e in entries if e is not None]

        qtbot.waitUntil(lambda: "Visited Zoë: new frame delivered." in narratives(), timeout=5_000)
    finally:
        controller.shutdown()
        social_worker.close()
