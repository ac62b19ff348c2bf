"""The Team view's "Telecare tests" card, with real widgets on the hand-built team:
it counts the open cases with a telecare test due (the service's count) and, pressed,
shows those people; the same from the Show filter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services import clock
from app.services.record.people import find
from app.values.vocab import Role
from app.workspace import unlock as open_profile
from storage.tables import TelecareItem
from tests.app.team_data import ADA, CERYS
from tests.ui.helpers import PASSPHRASE, make_controller, make_team_profile, unlock
from tests.ui.test_team_view import _wait_names
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def coordinator(qtbot: QtBot, runner: TaskRunner, tmp_path: Path) -> Iterator[AppController]:
    profile = make_team_profile(tmp_path / "Team", Role.COORDINATOR)
    ws = open_profile(profile, PASSPHRASE)
    long_ago = clock.today() - timedelta(days=400)
    try:
        with ws.store.write(ws.actor) as s:
            for nhs, tested in ((ADA, long_ago), (CERYS, clock.today())):
                s.add(
                    TelecareItem(
                        person_id=find(s, nhs).id,
                        kind="pendant_alarm",
                        responder="family",
                        last_tested_on=tested,
                        test_every_days=182,
                    )
                )
    finally:
        ws.close()
    controller = make_controller(qtbot, runner, profile)
    unlock(qtbot, controller)
    team = controller.team
    controller.main_window.home.setCurrentIndex(team.tab)
    qtbot.waitUntil(lambda: team.model.rowCount() == 4 and not team.model.busy, timeout=10_000)
    yield controller
    controller.shutdown()


def test_the_card_counts_and_shows_the_people_with_a_test_due(
    qtbot: QtBot, coordinator: AppController
) -> None:
    panel = coordinator.team.panel
    card = panel.cards["telecare_due"]
    qtbot.waitUntil(lambda: card.text().startswith("1\n"), timeout=10_000)
    assert card.accessibleName() == "Telecare tests due: 1"
    assert card.isVisible()
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    _wait_names(qtbot, coordinator, ["Ashworth, Ada"])
    assert panel.show_filter.currentData() == "telecare_due"
    panel.show_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: coordinator.team.model.rowCount() == 4, timeout=10_000)
