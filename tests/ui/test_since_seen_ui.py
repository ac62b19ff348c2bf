"""'Since you last saw them' in a real window: a colleague's changes to a record show
above its sections when it opens (what, who, organisation, when), Mark as read hides
them, opening the record again shows nothing until a colleague changes it again, and
the panel is emptied when the record closes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.workspace import Workspace
from app.workspace import unlock as unlock_profile
from storage.tables import Organisation, Risk, StaffMember
from tests.ui.helpers import DEV, PASSPHRASE, make_controller, make_profile, person_id_of, unlock
from ui.kit.tasks import TaskRunner

pytestmark = pytest.mark.gui


def _colleague_adds_risk(profile: Path, kind: str) -> str:
    ws: Workspace = unlock_profile(profile, PASSPHRASE)
    try:
        with ws.store.write(ws.actor) as s:
            trust = Organisation(name="Dales Community Health", kind="community_trust")
            s.add(trust)
            s.flush()
            ceri = StaffMember(
                display_name="Ceri Jones", role="community_nurse", organisation_id=trust.id
            )
            s.add(ceri)
            s.flush()
            actor = replace(ws.actor, user_id=ceri.id, organisation_id=trust.id, role=ceri.role)
        dev = person_id_of(ws, DEV)
        with ws.store.write(actor) as s:
            s.add(Risk(person_id=dev, kind=kind, description="x", likelihood=2, impact=2))
        return dev
    finally:
        ws.close()


def test_colleagues_changes_show_until_marked_read(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    profile = make_profile(tmp_path / "p")
    dev = _colleague_adds_risk(profile, "fire")
    controller = make_controller(qtbot, runner, profile)
    try:
        unlock(qtbot, controller)
        panel = controller.main_window.record.since_seen
        controller.open_record(dev)
        qtbot.waitUntil(lambda: panel.isVisible(), timeout=10_000)
        lines = [panel.lines.item(i).text() for i in range(panel.lines.count())]
        assert any(
            "New risk: fire" in line
            and "Ceri Jones, Community nurse, Dales Community Health" in line
            for line in lines
        ), lines
        assert "since your last contact" in panel.title.text()  # Sam visited Dev before
        panel.read_button.click()
        qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)
        controller.main_window.record.back_requested.emit()
        controller.open_record(dev)
        qtbot.waitUntil(lambda: controller.record.record is not None, timeout=10_000)
        qtbot.wait(200)
        assert not panel.isVisible()  # nothing new since marked read
        controller.lock("test")
        assert panel.lines.count() == 0
    finally:
        controller.shutdown()
