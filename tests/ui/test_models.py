"""Every new Qt model passes pytest-qt's model tester: the small row tables
(goals, actions, risks, consent, today's visits) and the paged timeline."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services import clock
from app.services.caseload.today import TodayVisit
from app.services.record import record as record_service
from app.services.record.timeline import TimelineEntry, TimelineQuery, fetch_timeline
from app.workspace import Workspace
from app.workspace import unlock as unlock_workspace
from tests.ui.helpers import DEV, DEV_NOTES, PASSPHRASE, person_id_of, unlock
from tests.ui.test_record import _open_dev
from ui.app_controller import AppController
from ui.caseload.today_view import today_columns
from ui.kit.rows_model import ROW_ROLE, ColumnSpec, RowsModel
from ui.kit.tasks import TaskRunner
from ui.record import record_controller
from ui.record.plan_section import PlanSection
from ui.record.record_sections import ConsentSection, RisksSection
from ui.record.timeline_model import ENTRY_ROLE, TimelineColumn, TimelineModel

pytestmark = pytest.mark.gui


@pytest.fixture
def workspace(qtbot: QtBot, runner: TaskRunner, profile: Path) -> Iterator[Workspace]:
    opened: list[Workspace] = []
    runner.run(lambda: unlock_workspace(profile, PASSPHRASE), on_done=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    yield opened[0]
    runner.run(opened[0].close)


def test_rows_model_with_rows_and_empty(qtmodeltester: ModelTester) -> None:
    model: RowsModel[tuple[str, int]] = RowsModel(
        [
            ColumnSpec("Name", lambda r: r[0], bold=lambda r: r[1] > 1),
            ColumnSpec("Count", lambda r: str(r[1]), warn=lambda r: r[1] > 2),
        ]
    )
    qtmodeltester.check(model)
    model.set_rows([("a", 1), ("b", 2), ("c", 3)])
    qtmodeltester.check(model)
    assert model.index(2, 1).data() == "3"
    assert model.index(2, 1).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(0, 0).data(ROW_ROLE) == ("a", 1)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Count"
    model.clear()
    assert model.rowCount() == 0


def test_the_record_section_models_pass_the_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, workspace: Workspace, runner: TaskRunner
) -> None:
    records: list[Any] = []
    dev = person_id_of(workspace, DEV)
    runner.run(lambda: record_service.open_record(workspace, dev), on_done=records.append)
    qtbot.waitUntil(lambda: bool(records), timeout=10_000)
    record = records[0]
    plan = PlanSection()
    risks = RisksSection()
    consent = ConsentSection()
    for widget in (plan, risks, consent):
        qtbot.addWidget(widget)
    today = clock.now().date()
    plan.show_record(record, today)
    risks.show_record(record, today)
    consent.show_record(record, today)
    for model in (
        plan.goals_model,
        plan.actions_model,
        risks.risks_model,
        risks.alerts_model,
        consent.model,
    ):
        qtmodeltester.check(model)
    assert plan.goals_model.rowCount() == 1
    assert risks.alerts_model.index(0, 2).data() == "Recorded, not shown"


def test_todays_model_says_late_and_done(qtmodeltester: ModelTester) -> None:
    now = clock.now()
    visit = TodayVisit(
        "v",
        "p",
        now - timedelta(hours=1),
        "Wound review",
        "planned",
        "9990000042",
        "Dev",
        "Kumar",
        None,
        "1 Lane",
        None,
        "LA2 8PQ",
        ("lone_worker",),
    )
    done = TodayVisit(**{**visit.__dict__, "visit_id": "w", "status": "done"})
    model: RowsModel[TodayVisit] = RowsModel(today_columns(now))
    model.set_rows([visit, done])
    qtmodeltester.check(model)
    assert [model.index(r, 5).data() for r in range(2)] == ["Late", "Done"]
    assert model.index(0, 4).data() == "Lone worker"
    assert model.index(0, 4).data(Qt.ItemDataRole.AccessibleTextRole) == "Lone-worker risk"


def test_the_timeline_model_pages_and_passes_the_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, workspace: Workspace, runner: TaskRunner
) -> None:
    dev = person_id_of(workspace, DEV)
    model = TimelineModel(runner, page_size=2)
    model.open(lambda q: fetch_timeline(workspace, q), TimelineQuery(person_id=dev))
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    assert model.total == DEV_NOTES
    assert model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)  # the tester may itself ask for the next page
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: model.rowCount() == DEV_NOTES, timeout=10_000)
    qtmodeltester.check(model)
    assert not model.canFetchMore(QModelIndex())
    newest = model.index(0, TimelineColumn.NOTE).data(ENTRY_ROLE)
    assert isinstance(newest, TimelineEntry)
    assert newest.narrative == f"Earlier visit {DEV_NOTES}: all well."
    assert model.index(0, TimelineColumn.TYPE).data() == "Home visit"
    assert model.index(0, TimelineColumn.WHO).data() == "Sam Taylor (Community nurse)"

    with qtbot.waitSignal(model.first_page_loaded, timeout=10_000):
        model.set_filter(organisation_id=None, contact_type="phone_call")
    assert model.rowCount() == 0
    model.clear()
    assert model.total == 0


def test_opening_a_record_reads_on_the_worker_not_the_gui_thread(
    qtbot: QtBot, controller: AppController, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []
    real = record_controller.open_record

    def watched(ws: Workspace, person_id: str, *, viewed: bool = True) -> Any:
        threads.append(threading.current_thread())
        return real(ws, person_id, viewed=viewed)

    monkeypatch.setattr(record_controller, "open_record", watched)
    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    assert threads
    assert threading.main_thread() not in threads
