"""Overdue reads as overdue on screen, in words and not by colour alone: the record's
goals, actions, reviews and planned visits, the caseload's and the Team view's date
columns (sorting unchanged), all by the one rule (app/values/overdue.py). The day is
fixed through the clock's seam, so these pass on any date."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from app.services import clock
from app.services.record import record as record_service
from app.services.record.record import ActionItem, GoalItem, PersonRecord, RiskItem, VisitItem
from app.workspace import Workspace
from app.workspace import unlock as unlock_workspace
from storage import wallclock
from tests.app.team_data import TODAY
from tests.ui.helpers import DEV, PASSPHRASE, person_id_of, show_whole_team, unlock
from ui.app_controller import AppController
from ui.caseload.caseload_model import Column as CaseloadColumn
from ui.kit.rows_model import WARNING
from ui.kit.tasks import TaskRunner
from ui.record.plan_section import PlanSection
from ui.record.record_header import RecordHeader
from ui.record.record_sections import RisksSection
from ui.team.team_model import Column as TeamColumn

pytestmark = pytest.mark.gui

YESTERDAY = TODAY - timedelta(days=1)  # Sunday 15 November 2026


@pytest.fixture(autouse=True)
def _on_the_team_datas_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Monday 16 November 2026, the day tests/app/team_data.py is written for."""
    monkeypatch.setenv(wallclock.CLOCK_DATE, TODAY.isoformat())


@pytest.fixture
def dev_record(qtbot: QtBot, runner: TaskRunner, profile: Path) -> Iterator[PersonRecord]:
    opened: list[Workspace] = []
    runner.run(lambda: unlock_workspace(profile, PASSPHRASE), on_done=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    ws = opened[0]
    records: list[PersonRecord] = []
    dev = person_id_of(ws, DEV)
    runner.run(lambda: record_service.open_record(ws, dev), on_done=records.append)
    qtbot.waitUntil(lambda: bool(records), timeout=10_000)
    yield records[0]
    runner.run(ws.close)


def _goal(gid: str, status: str, target: date, actions: tuple[ActionItem, ...] = ()) -> GoalItem:
    return GoalItem(gid, f"Goal {gid}", 8, status, target, None, actions)


def _action(what: str, status: str, due: date, timing: str | None = None) -> ActionItem:
    return ActionItem(what, "g1", what, "Sam Taylor", None, timing, due, status, None)


def _cell(model: Any, row: int, column: int) -> tuple[str, bool]:
    """A cell's text and whether it is in the warning colour."""
    index = model.index(row, column)
    brush = index.data(Qt.ItemDataRole.ForegroundRole)
    return index.data(), brush is not None and brush.color() == WARNING


def test_the_plan_says_overdue_goals_actions_and_review_in_words(
    qtbot: QtBot, dev_record: PersonRecord
) -> None:
    actions = (
        _action("a1", "planned", YESTERDAY),
        _action("a2", "in_progress", YESTERDAY, timing="Every morning"),
        _action("a3", "done", YESTERDAY),
        _action("a4", "planned", TODAY),
    )
    goals = (
        _goal("g1", "in_progress", YESTERDAY, actions),
        _goal("g2", "not_started", TODAY),  # due today: not overdue yet
        _goal("g3", "achieved", date(2026, 1, 5)),  # achieved: never overdue
    )
    plan = replace(dev_record.plan, goals=goals, review_due=YESTERDAY, version=2, status="agreed")
    section = PlanSection()
    qtbot.addWidget(section)
    section.show_record(replace(dev_record, plan=plan), clock.today())

    target = 3
    assert _cell(section.goals_model, 0, target) == ("Overdue since 15 Nov 2026", True)
    assert _cell(section.goals_model, 1, target) == ("16 Nov 2026", False)
    assert _cell(section.goals_model, 2, target) == ("5 Jan 2026", False)
    when = 2
    assert section.goals.currentIndex().row() == 0  # g1's actions are shown
    assert _cell(section.actions_model, 0, when) == ("Overdue since 15 Nov 2026", True)
    assert _cell(section.actions_model, 1, when) == (
        "Every morning; overdue since 15 Nov 2026",
        True,
    )
    assert _cell(section.actions_model, 2, when) == ("15 Nov 2026", False)  # done
    assert _cell(section.actions_model, 3, when) == ("16 Nov 2026", False)  # due today
    assert "Review overdue since 15 Nov 2026." in section.status.text()
    assert section.status.property("state") == "overdue"


def test_risk_reviews_and_a_missed_visit_in_the_record(
    qtbot: QtBot, dev_record: PersonRecord
) -> None:
    risks = (
        RiskItem("r1", "falls", "Falls", 4, 5, "Rails", YESTERDAY, "active", None),
        RiskItem("r2", "falls", "Falls", 2, 2, "Rails", YESTERDAY, "closed", None),
        RiskItem("r3", "falls", "Falls", 2, 2, "Rails", TODAY, "active", None),
    )
    section = RisksSection()
    qtbot.addWidget(section)
    section.show_record(replace(dev_record, risks=risks), clock.today())
    review = 4
    assert _cell(section.risks_model, 0, review) == ("Overdue since 15 Nov 2026", True)
    assert _cell(section.risks_model, 1, review) == ("15 Nov 2026", False)  # closed
    assert _cell(section.risks_model, 2, review) == ("16 Nov 2026", False)

    header = RecordHeader()
    qtbot.addWidget(header)
    now = clock.at_local(TODAY, 12)
    visits = (
        VisitItem("v1", clock.at_local(YESTERDAY, 10), "Wound review", None),
        VisitItem("v2", clock.at_local(TODAY + timedelta(days=2), 9, 30), "Review", None),
    )
    header.show_record(dev_record.header, (), TODAY, visits, now)
    text = header.details.text()
    assert "Planned visit overdue since 15 Nov 2026 10:00" in text
    assert "Next visit</b> 18 Nov 2026 09:30" in text
    assert WARNING.name() in text  # and in the warning colour
    # Once the missed visit is recorded, the next one is simply the next.
    header.show_record(dev_record.header, (), TODAY, visits[1:], now)
    assert "overdue" not in header.details.text()


@pytest.fixture
def coordinator(qtbot: QtBot, coordinator_team: tuple[AppController, Path]) -> AppController:
    """The coordinator, unlocked, on tests/app/team_data.py's team, on its day."""
    controller, _profile = coordinator_team
    unlock(qtbot, controller)
    return controller


def test_the_caseload_never_shows_a_missed_visit_as_next(
    qtbot: QtBot, coordinator: AppController
) -> None:
    show_whole_team(qtbot, coordinator)
    model = coordinator.model
    header = coordinator.main_window.caseload.table.horizontalHeader()
    x = header.sectionViewportPosition(CaseloadColumn.NEXT_VISIT) + 10
    with qtbot.waitSignal(model.first_page_loaded, timeout=10_000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    rows = {model.index(r, CaseloadColumn.NAME).data(): r for r in range(model.rowCount())}
    # Sorted by the visit's date still (SQL's order; Cerys has none): the missed ones
    # (10 and 12 Nov) before the one ahead.
    dated = [name for name in rows if name != "Ashworth, Cerys"]
    assert dated == ["Ashworth, Ada", "Kumar, Dev", "Pritchard, Bryn"]
    next_visit, review = CaseloadColumn.NEXT_VISIT, CaseloadColumn.PLAN_REVIEW
    assert _cell(model, rows["Ashworth, Ada"], next_visit) == ("Overdue: 10 Nov", True)
    assert _cell(model, rows["Kumar, Dev"], next_visit) == ("Overdue: 12 Nov", True)
    assert _cell(model, rows["Pritchard, Bryn"], next_visit) == ("18 Nov 2026", False)
    assert _cell(model, rows["Ashworth, Ada"], review) == ("Overdue: 1 Nov", True)
    assert _cell(model, rows["Pritchard, Bryn"], review) == ("20 Nov 2026", False)
    tip = model.index(rows["Ashworth, Ada"], next_visit).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Overdue: was due 10 Nov 2026 11:00"


def test_the_team_view_flags_overdue_in_words_and_counts_the_same(
    qtbot: QtBot, coordinator: AppController
) -> None:
    team = coordinator.team
    coordinator.main_window.home.setCurrentIndex(team.tab)
    qtbot.waitUntil(lambda: team.model.rowCount() == 4 and not team.model.busy, timeout=10_000)
    model = team.model
    rows = {model.index(r, TeamColumn.NAME).data(): r for r in range(model.rowCount())}
    ada, bryn, dev = rows["Ashworth, Ada"], rows["Pritchard, Bryn"], rows["Kumar, Dev"]
    assert _cell(model, ada, TeamColumn.NEXT_VISIT) == ("Overdue: 10 Nov", True)
    assert _cell(model, dev, TeamColumn.NEXT_VISIT) == ("Overdue: 12 Nov", True)
    assert _cell(model, bryn, TeamColumn.NEXT_VISIT) == ("18 Nov 2026", False)
    assert _cell(model, ada, TeamColumn.PLAN_REVIEW) == ("Overdue: 1 Nov", True)
    assert _cell(model, ada, TeamColumn.CONSENT_REVIEW) == ("Overdue: 1 Nov", True)
    assert _cell(model, bryn, TeamColumn.CONSENT_REVIEW) == ("1 Jun 2027", False)
    tip = model.index(ada, TeamColumn.PLAN_REVIEW).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Overdue since 1 Nov 2026"
    # The strip counts what the table flags.
    flagged = sum(_cell(model, r, TeamColumn.NEXT_VISIT)[1] for r in range(model.rowCount()))
    assert flagged == 2
    cards = team.panel.cards
    qtbot.waitUntil(lambda: cards["overdue_visits"].text().startswith("2\n"), timeout=10_000)
    assert cards["overdue_plan_reviews"].text().startswith("1\n")
