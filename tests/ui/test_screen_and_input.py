"""The window on a small laptop and the input that must not surprise anyone:

- the mouse wheel over a date, a choice or a number it has not been clicked into
  changes nothing (it scrolls the form), in every form of the record;
- every page of the main window fits 1280×720 at 125% (1024×536 logical pixels);
  every dialog opens inside the screen with its buttons on it;
- the main window opens maximised on a laptop, and where it was left after a lock or
  a restart;
- the header's buttons are in the Tab order; Down or Enter in the caseload search
  goes into the results."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.services.care import risks
from app.values.vocab import Role
from app.workspace import unlock as open_profile
from tests.ui.helpers import (
    DEV,
    PASSPHRASE,
    make_controller,
    make_team_profile,
    person_id_of,
    show_whole_team,
    unlock,
)
from tests.ui.test_record import _dialog, _open_dev
from ui.app_controller import AppController
from ui.kit.forms import FormDialog, _read
from ui.kit.tasks import TaskRunner
from ui.kit.wheel_guard import is_guarded
from ui.kit.window_fit import FRAME, SMALLEST_SCREEN
from ui.record import editors
from ui.record.record_page import Section

pytestmark = pytest.mark.gui


def _wheel(widget: QWidget, steps: int = -3) -> None:
    """The wheel turned over the middle of `widget` (negative: towards the user)."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _guarded_fields(dialog: FormDialog) -> list[QWidget]:
    found = [w for w in dialog.findChildren(QWidget) if is_guarded(w) and w.isEnabled()]
    assert found, "a form with nothing to guard proves nothing"
    return found


def _values(dialog: FormDialog) -> dict[str, object]:
    return {name: _read(widget) for name, widget in dialog.widgets.items()}


def test_the_wheel_over_a_field_not_clicked_into_changes_nothing(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    loaded = controller.record.record
    assert loaded is not None
    goal = loaded.plan.goals[0]
    # The visit note (dates, choices), a goal (a number), and a risk (numbers).
    forms = [
        lambda: controller.record.new_visit_note(),
        lambda: controller.record._show_editor(editors.goal(loaded, goal)),
        lambda: controller.record._show_editor(editors.risk(loaded, None)),
    ]
    kinds: set[type] = set()
    for open_form in forms:
        open_form()
        dialog = _dialog(qtbot, controller)
        dialog.save_button.setFocus()  # focus on none of the fields
        before = _values(dialog)
        for field in _guarded_fields(dialog):
            assert field.focusPolicy() != Qt.FocusPolicy.WheelFocus, field.objectName()
            kinds |= {k for k in (QComboBox, QDateTimeEdit, QSpinBox) if isinstance(field, k)}
            _wheel(field)
            _wheel(field, steps=3)
            assert not field.hasFocus()
        assert _values(dialog) == before
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: controller.record.dialog is None)
    assert kinds == {QComboBox, QDateTimeEdit, QSpinBox}  # each kind of field was tried


def test_the_wheel_still_works_in_a_field_the_user_clicked_into(
    qtbot: QtBot, controller: AppController
) -> None:
    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    controller.record.new_visit_note()
    dialog = _dialog(qtbot, controller)
    kind = dialog.field("outcome")
    assert isinstance(kind, QComboBox)
    qtbot.mouseClick(kind, Qt.MouseButton.LeftButton)  # opens the list
    QApplication.processEvents()
    if (popup := QApplication.activePopupWidget()) is not None:
        popup.close()
    kind.setFocus(Qt.FocusReason.MouseFocusReason)
    start = kind.currentIndex()
    _wheel(kind, steps=-1)
    assert kind.currentIndex() != start  # focused: the wheel is the user's choice


def _fits_the_smallest_screen(widget: QWidget) -> bool:
    hint = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    room = SMALLEST_SCREEN - FRAME
    return hint.width() <= room.width() and hint.height() <= room.height()


def test_every_page_fits_1280_by_720_at_125_percent(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    controller, _profile = coordinator_team
    unlock(qtbot, controller)
    window = controller.main_window
    home = window.home
    for tab in range(home.count()):
        home.setCurrentIndex(tab)
        QApplication.processEvents()
        page = home.currentWidget()
        # As wide as the smallest screen allows: no sideways scrolling anywhere.
        assert page.minimumSizeHint().width() <= SMALLEST_SCREEN.width() - 32, (
            home.tabText(tab),
            page.minimumSizeHint(),
        )
    assert _fits_the_smallest_screen(window), window.minimumSizeHint()
    home.setCurrentIndex(1)
    show_whole_team(qtbot, controller)  # a coordinator leads no one themselves
    table = home.caseload.table
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=10_000)
    table.selectRow(0)
    with qtbot.waitSignal(controller.record.loaded, timeout=10_000):
        controller.open_record(home.caseload.selected_person() or "")
    for section in Section:
        window.record.show_section(section)
        QApplication.processEvents()
        shown = window.record.stack.currentWidget()
        assert shown.minimumSizeHint().width() <= SMALLEST_SCREEN.width() - 32 - 210, (
            section.name,
            shown.minimumSizeHint(),
        )
    assert window.record.minimumSizeHint().width() <= SMALLEST_SCREEN.width()


def _cut_short(panel: QWidget) -> list[str]:
    """The word-wrapped labels in `panel` shown shorter than their lines need."""
    return [
        label.text()[:40]
        for label in panel.findChildren(QLabel)
        if label.isVisible()
        and label.wordWrap()
        and label.height() < label.heightForWidth(label.width())
    ]


def _until(condition: Callable[[], bool], seconds: float = 2.0) -> bool:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        QApplication.processEvents()
        time.sleep(0.01)
    return True


def test_the_record_header_keeps_every_line_of_an_alert_on_a_short_screen(
    qtbot: QtBot, controller: AppController, profile: Path
) -> None:
    """The alert that says restricted detail exists is two lines long, and a long
    alert wraps to more. On a short screen the header gave up height to the section
    below and cut the last line off (a 1280×720 laptop); now the header keeps its
    lines whichever section is open and however short the window, and the page
    scrolls when they do not fit."""
    workspace = open_profile(profile, PASSPHRASE)
    try:
        risks.add_alert(
            workspace,
            person_id=person_id_of(workspace, DEV),
            kind="lone_worker",
            # Wraps at every width the window can have: Qt's least height of a
            # word-wrapped label counts only its first line.
            summary="Visit in pairs after dark: " + "the lane to the farm is unlit, " * 8,
        )
    finally:
        workspace.close()
    unlock(qtbot, controller)
    window = controller.main_window
    window.showNormal()
    _open_dev(qtbot, controller)
    page = window.record

    def whole() -> bool:
        shown = [label for label in page.header.findChildren(QLabel) if label.isVisible()]
        restricted = any("not shown here" in label.text() for label in shown)
        return restricted and not _cut_short(page.header)

    # The care plan asks for the least height, the timeline the most, About me between.
    for section in (Section.PLAN, Section.TIMELINE, Section.ABOUT_ME):
        page.show_section(section)
        for width in (SMALLEST_SCREEN.width(), 1280):
            for height in range(SMALLEST_SCREEN.height(), 769, 16):
                window.resize(width, height)
                # The layouts settle over a few turns of the event loop.
                assert _until(whole), (section.name, width, height, _cut_short(page.header))
    # The care plan scrolls itself and asks for little height: the sections ask for no
    # more than it while it is open (not the timeline's least), so the page fits the
    # screen without scrolling as a whole sooner.
    page.show_section(Section.PLAN)
    least = page.stack.minimumSizeHint().height()
    assert least < page.timeline.minimumSizeHint().height(), least


def _inside_the_screen(dialog: QWidget) -> None:
    screen = dialog.screen().availableGeometry()
    assert screen.contains(dialog.geometry()), (dialog.objectName(), dialog.geometry())
    for button in dialog.findChildren(QPushButton):
        if button.isVisible():
            corner = button.mapToGlobal(QPoint(button.width() - 1, button.height() - 1))
            assert screen.contains(corner), (dialog.objectName(), button.text())


def test_every_dialog_opens_inside_the_screen(qtbot: QtBot, controller: AppController) -> None:
    from ui.record.print_dialog import PrintDialog

    unlock(qtbot, controller)
    _open_dev(qtbot, controller)
    controller.record.new_visit_note()
    note = _dialog(qtbot, controller)
    _inside_the_screen(note)
    assert _fits_the_smallest_screen(note)
    qtbot.keyClick(note, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: controller.record.dialog is None)
    controller.main_window.record.print_requested.emit()  # Ctrl+P (test_field_targets)
    qtbot.waitUntil(lambda: bool(controller.main_window.findChildren(PrintDialog)))
    printing = controller.main_window.findChildren(PrintDialog)[0]
    qtbot.waitExposed(printing)
    # It asks for 900 px; the screen has 768: it opens shorter, its buttons on screen.
    assert printing.height() <= printing.screen().availableGeometry().height() - FRAME.height()
    _inside_the_screen(printing)
    assert _fits_the_smallest_screen(printing)
    printing.close()
    controller.open_settings()
    qtbot.waitUntil(lambda: controller.settings_dialog is not None, timeout=15_000)
    settings = controller.settings_dialog
    assert settings is not None
    qtbot.waitExposed(settings)
    _inside_the_screen(settings)
    # Anything else still open (a message box, say) is inside the screen too.
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            _inside_the_screen(widget)


def test_the_main_window_opens_maximised_then_where_it_was_left(
    qtbot: QtBot, runner: TaskRunner, profile: Path
) -> None:
    controller = make_controller(qtbot, runner, profile)
    unlock(qtbot, controller)
    window = controller.main_window
    qtbot.waitUntil(window.isVisible)
    assert window.isMaximized()  # a 1366×768 laptop: the status bar on screen
    window.showNormal()
    placed = QRect(60, 50, 1100, 640)
    window.setGeometry(placed)
    qtbot.waitUntil(lambda: window.geometry() == placed)
    controller.lock("Locked.")
    unlock(qtbot, controller)
    qtbot.waitUntil(window.isVisible)
    assert window.geometry() == placed
    controller.shutdown()

    again = make_controller(qtbot, TaskRunner(), profile)  # the app started again
    try:
        unlock(qtbot, again)
        qtbot.waitUntil(again.main_window.isVisible)
        assert not again.main_window.isMaximized()
        assert again.main_window.geometry().size() == placed.size()
    finally:
        again.shutdown()


def test_the_header_buttons_are_in_the_tab_order_and_down_enters_the_results(
    qtbot: QtBot, runner: TaskRunner, tmp_path: Path
) -> None:
    controller = make_controller(
        qtbot, runner, make_team_profile(tmp_path / "t", Role.COMMUNITY_NURSE)
    )
    try:
        unlock(qtbot, controller)
        window = controller.main_window
        window.home.setCurrentIndex(1)
        search = window.caseload.search
        search.setFocus()
        reached: list[str] = []
        widget: QWidget | None = search
        for _ in range(60):
            qtbot.keyClick(QApplication.focusWidget() or search, Qt.Key.Key_Tab)
            widget = QApplication.focusWidget()
            if widget is not None:
                reached.append(widget.objectName())
            if widget is search:
                break
        assert "settingsButton" in reached and "lockButton" in reached, reached

        show_whole_team(qtbot, controller)
        assert window.caseload.table.model().rowCount() > 0
        search.setFocus()
        qtbot.keyClick(search, Qt.Key.Key_Down)
        table = window.caseload.table
        assert table.hasFocus()
        assert table.currentIndex().row() == 0
        assert window.caseload.selected_person() is not None
    finally:
        controller.shutdown()


def test_guarded_kinds_cover_every_field_that_could_change() -> None:
    """The guard knows dates, numbers and choices (a scroll bar is not a field)."""
    from PySide6.QtWidgets import QScrollBar, QSlider

    assert is_guarded(QDateTimeEdit())
    assert is_guarded(QSpinBox())
    assert is_guarded(QComboBox())
    assert is_guarded(QSlider())
    assert not is_guarded(QScrollBar())


def test_the_coordinators_dialogs_fit_the_smallest_screen(
    qtbot: QtBot, coordinator_team: tuple[AppController, Path]
) -> None:
    controller, _profile = coordinator_team
    unlock(qtbot, controller)
    report = controller.access_report.open(controller.main_window)
    assert report is not None
    qtbot.waitExposed(report)
    _inside_the_screen(report)
    assert _fits_the_smallest_screen(report), report.minimumSizeHint()
    report.close()
    panel = controller.team.panel
    controller.main_window.home.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.table.model().rowCount() > 0, timeout=10_000)
    panel.table.selectRow(0)
    controller.team.start_allocation()
    qtbot.waitUntil(lambda: controller.team.dialog is not None, timeout=10_000)
    allocate = controller.team.dialog
    assert allocate is not None
    qtbot.waitExposed(allocate)
    _inside_the_screen(allocate)
    assert _fits_the_smallest_screen(allocate), allocate.minimumSizeHint()
