"""The Today page's notices (drafts waiting, 91-day checks, carers at the tipping
point): three items shown at first so the day's visits keep the page, every item
reachable from "Show all", and nothing identifiable left behind when cleared."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.kit.button_list_notice import SHOWN, ButtonListNotice

pytestmark = pytest.mark.gui

NAMES = [f"Family{n:03d}, Test (999 000 00{n:02d})" for n in range(7)]


def _notice(qtbot: QtBot, pressed: list[str]) -> ButtonListNotice:
    notice = ButtonListNotice("testNotice", "testNoticeTitle")
    qtbot.addWidget(notice)
    notice.fill(
        "Carers at the tipping point (7)",
        [(name, f"Open: {name}", lambda name=name: pressed.append(name)) for name in NAMES],
        button_name="openTestItem",
    )
    notice.show()
    return notice


def test_three_are_shown_and_show_all_reaches_every_item(qtbot: QtBot) -> None:
    pressed: list[str] = []
    notice = _notice(qtbot, pressed)
    assert SHOWN == 3
    assert [b.text() for b in notice.shown()] == NAMES[:3]
    assert notice.more.isVisible()
    assert notice.more.text() == "Show all 7 (4 more)"

    qtbot.mouseClick(notice.more, Qt.MouseButton.LeftButton)
    assert [b.text() for b in notice.shown()] == NAMES
    assert notice.more.text() == "Show the first 3 only"
    # The last item, beyond the first three, opens like any other.
    qtbot.mouseClick(notice.shown()[6], Qt.MouseButton.LeftButton)
    assert pressed == [NAMES[6]]

    qtbot.mouseClick(notice.more, Qt.MouseButton.LeftButton)
    assert [b.text() for b in notice.shown()] == NAMES[:3]


def test_a_refresh_keeps_the_list_open_and_a_short_list_has_no_show_all(qtbot: QtBot) -> None:
    notice = _notice(qtbot, [])
    qtbot.mouseClick(notice.more, Qt.MouseButton.LeftButton)
    notice.fill(
        "Carers at the tipping point (7)",
        [(name, name, lambda: None) for name in NAMES],
        button_name="openTestItem",
    )
    assert len(notice.shown()) == 7  # the user opened it; a refresh does not close it
    notice.fill("Carers (2)", [(name, name, lambda: None) for name in NAMES[:2]], button_name="x")
    assert len(notice.shown()) == 2
    assert not notice.more.isVisible()


def test_cleared_it_keeps_no_name(qtbot: QtBot) -> None:
    notice = _notice(qtbot, [])
    notice.clear()
    assert notice.buttons == []
    assert notice.heading.text() == ""
    assert notice.more.text() == ""
    assert notice.isHidden()


def test_tab_goes_through_the_items_in_the_order_they_are_seen(qtbot: QtBot) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    layout = QVBoxLayout(page)
    # Made in the order they are seen, as the Today page makes them.
    before = QPushButton("Before")
    notice = ButtonListNotice("testNotice", "testNoticeTitle")
    after = QPushButton("After")
    for widget in (before, notice, after):
        layout.addWidget(widget)
    page.show()
    notice.fill(
        "Carers at the tipping point (7)",
        [(name, name, lambda: None) for name in NAMES],
        button_name="openTestItem",
    )
    chain: list[str] = []
    widget = before
    while len(chain) < 6:
        if isinstance(widget, QPushButton) and widget.isVisible():
            chain.append(widget.text())
        widget = widget.nextInFocusChain()
    assert chain == ["Before", *NAMES[:3], "Show all 7 (4 more)", "After"]
