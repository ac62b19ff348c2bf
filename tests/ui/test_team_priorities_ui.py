"""The coordinator's Priorities tab with real widgets on a real encrypted demo profile:
worked out when first opened, every row exactly the service's list in its order with
the reasons in words, the caution on screen, the chosen person's factors with where
each came from, the record opened from the list, worked out again when records
change, emptied on lock, and inside a 1366×768 window.

The demo caseload is made as of the clock's today and the expected list comes from
the same service the screen calls, so these hold on any date."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.services import clock
from app.services.outcomes.hospital_events import record_hospital_event
from app.services.priority.priority_list import CAUTION, PriorityList, priority_list
from app.services.profile.demo_profile import create_demo_profile
from app.values.vocab import Role
from app.workspace import Workspace
from tests.ui.helpers import FAST_KDF, PASSPHRASE, make_controller, unlock
from ui.app_controller import AppController
from ui.kit.tasks import TaskRunner
from ui.team.priority_page import PriorityPage

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("priority-ui") / "demo"
    workspace, _ = create_demo_profile(
        path, PASSPHRASE, people=60, seed=23, kdf=FAST_KDF, role=Role.COORDINATOR
    )
    workspace.close()
    return path


@pytest.fixture
def coordinator(
    qtbot: QtBot, runner: TaskRunner, _template: Path, tmp_path: Path
) -> Iterator[AppController]:
    profile = Path(shutil.copytree(_template, tmp_path / "Demo"))
    controller = make_controller(qtbot, runner, profile)
    controller.main_window.resize(1366, 768)
    unlock(qtbot, controller)
    controller.main_window.home.setCurrentIndex(controller.team.tab)
    yield controller
    controller.shutdown()


def _workspace(controller: AppController) -> Workspace:
    workspace = controller.ops.workspace
    assert workspace is not None
    return workspace


def _expected(controller: AppController) -> PriorityList:
    ws = _workspace(controller)
    return controller.runner.run(lambda: priority_list(ws)).result()


def _open(qtbot: QtBot, controller: AppController) -> PriorityPage:
    page = controller.team.panel.priorities
    controller.team.panel.tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=60_000)
    return page


def _rows(page: PriorityPage) -> list[list[str]]:
    model = page.model
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_the_list_on_screen_is_the_services_with_reasons(
    qtbot: QtBot, coordinator: AppController
) -> None:
    page = _open(qtbot, coordinator)
    expected = _expected(coordinator)
    assert expected.whose == "team" and expected.rows
    shown = _rows(page)
    assert [row[1] for row in shown] == [str(r.scored.score) for r in expected.rows]
    assert [row[5] for row in shown] == [r.scored.explanation for r in expected.rows]
    assert [row[0] for row in shown] == [str(n) for n in range(1, len(expected.rows) + 1)]
    scores = [r.scored.score for r in expected.rows]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    assert page.caution.text() == CAUTION and page.caution.isVisible()
    # The top person's parts: each factor in words, its points, where it came from.
    page.people.setCurrentIndex(page.model.index(0, 0))
    top = expected.rows[0]
    parts = [
        [str(page.factors_model.index(r, c).data()) for c in range(3)]
        for r in range(page.factors_model.rowCount())
    ]
    assert parts == [[c.words, str(c.points), c.source] for c in top.scored.contributions]
    assert sum(int(points) for _w, points, _s in parts) == top.scored.score
    assert f"score {top.scored.score}" in page.person_heading.text()


def test_open_record_from_the_list(qtbot: QtBot, coordinator: AppController) -> None:
    page = _open(qtbot, coordinator)
    page.people.setCurrentIndex(page.model.index(0, 0))
    wanted = _expected(coordinator).rows[0].person.person_id
    with qtbot.waitSignal(coordinator.team.open_requested, timeout=5_000) as opened:
        page.open_button.click()
    assert opened.args == [wanted]


def test_a_change_to_the_records_works_it_out_again(
    qtbot: QtBot, coordinator: AppController
) -> None:
    page = _open(qtbot, coordinator)
    # Someone with fewer than three admissions counted (an admission adds its 3).
    last = next(
        row
        for _rank, row in reversed(page.model.rows)
        if all(c.key != "unplanned_admissions" or c.times < 3 for c in row.scored.contributions)
    )
    person_id, before = last.person.person_id, last.scored.score
    coordinator.ops.write(
        lambda w: record_hospital_event(
            w, person_id=person_id, kind="unplanned_admission", occurred_on=clock.today()
        ),
        on_done=lambda _c: None,
    )

    def score_now() -> int | None:
        for _rank, row in page.model.rows:
            if row.person.person_id == person_id:
                return row.scored.score
        return None

    qtbot.waitUntil(lambda: score_now() == before + 3, timeout=60_000)  # an admission: 3


def test_lock_empties_it(qtbot: QtBot, coordinator: AppController) -> None:
    page = _open(qtbot, coordinator)
    coordinator.lock("test")
    assert page.model.rowCount() == 0 and page.factors_model.rowCount() == 0
    unlock(qtbot, coordinator)
    coordinator.main_window.home.setCurrentIndex(coordinator.team.tab)
    assert coordinator.team.panel.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=60_000)


def test_it_fits_a_1366_by_768_window(qtbot: QtBot, coordinator: AppController) -> None:
    page = _open(qtbot, coordinator)
    window = coordinator.main_window
    for widget in (page.caution, page.refresh_button, page.people, page.open_button):
        corner = widget.mapTo(window, widget.rect().bottomRight())
        assert window.rect().contains(corner), widget.objectName()


@pytest.fixture(scope="module")
def nurse_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("priority-ui-nurse") / "demo"
    workspace, _ = create_demo_profile(
        path, PASSPHRASE, people=60, seed=23, kdf=FAST_KDF, role=Role.COMMUNITY_NURSE
    )
    workspace.close()
    return path


def test_a_practitioner_has_their_own_list_at_home(
    qtbot: QtBot, runner: TaskRunner, nurse_template: Path, tmp_path: Path
) -> None:
    profile = Path(shutil.copytree(nurse_template, tmp_path / "Demo"))
    controller = make_controller(qtbot, runner, profile)
    try:
        unlock(qtbot, controller)
        home = controller.main_window.home
        mine = controller.my_priorities
        assert home.isTabVisible(mine.tab) and not home.isTabVisible(controller.team.tab)
        home.setCurrentIndex(mine.tab)
        expected = _expected(controller)
        assert expected.whose == "mine" and expected.rows  # the nurse leads people
        qtbot.waitUntil(lambda: mine.page.model.rowCount() == len(expected.rows), timeout=60_000)
        assert [row[1].person.person_id for row in mine.page.model.rows] == [
            r.person.person_id for r in expected.rows
        ]
        assert "lead professional for" in mine.page.status.text()
        controller.lock("test")
        assert mine.page.model.rowCount() == 0 and not home.isTabVisible(mine.tab)
    finally:
        controller.shutdown()


def test_a_coordinator_has_no_home_list(qtbot: QtBot, coordinator: AppController) -> None:
    assert not coordinator.main_window.home.isTabVisible(coordinator.my_priorities.tab)
