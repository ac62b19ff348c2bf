"""The main window: layout only. A top bar (title, Settings, Lock), the home page
(today's visits and the caseload) or a person's record, and a status bar saying
offline, how many changes wait to sync, demo, and who is signed in."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QStackedWidget, QToolBar, QWidget

from ui.caseload_model import CaseloadModel
from ui.home_view import HomePage
from ui.i18n import tr
from ui.record_page import RecordPage
from ui.timeline_model import TimelineModel

logger = logging.getLogger(__name__)

HOME_PAGE = 0
RECORD_PAGE = 1


class MainWindow(QMainWindow):
    lock_requested = Signal()
    find_requested = Signal()
    new_note_requested = Signal()
    settings_requested = Signal()

    def __init__(
        self, model: CaseloadModel, timeline: TimelineModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(tr("OneRecord"))
        self.resize(1366, 800)

        self.lock_action = self._action(
            "&Lock", "lockAction", "Ctrl+L", "Lock OneRecord now (Ctrl+L)"
        )
        # Ctrl+L locks from any of the app's windows, dialogs included.
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(self.lock_requested)
        self.settings_action = self._action("&Settings", "settingsAction", "", "Settings")
        self.settings_action.triggered.connect(self.settings_requested)
        self.find_action = self._action(
            "Find", "findAction", "Ctrl+F", "Search the caseload (Ctrl+F)"
        )
        self.find_action.triggered.connect(self.find_requested)
        self.new_note_action = self._action(
            "New visit note", "newNoteAction", "Ctrl+N", "New visit note (Ctrl+N)"
        )
        self.new_note_action.triggered.connect(self.new_note_requested)
        for action in (self.find_action, self.new_note_action):
            self.addAction(action)  # shortcuts only: no button of their own

        self.home = HomePage(model)
        self.caseload = self.home.caseload  # the existing name, kept for callers
        self.record = RecordPage(timeline)
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.pages.addWidget(self.home)
        self.pages.addWidget(self.record)
        self.setCentralWidget(self.pages)
        self._build_top_bar()
        self._build_status_bar()

    def _action(self, text: str, name: str, keys: str, tip: str) -> QAction:
        action = QAction(tr(text), self)
        action.setObjectName(name)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(tr(tip))
        return action

    def _build_top_bar(self) -> None:
        bar = QToolBar(tr("OneRecord"))
        bar.setObjectName("topBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.toggleViewAction().setEnabled(False)  # the Lock button must not be hideable
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setContentsMargins(0, 0, 16, 0)  # the title's padding lines it up on the left
        title = QLabel(tr("OneRecord"))
        title.setObjectName("topBarTitle")
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(title)
        bar.addWidget(spacer)
        bar.addAction(self.settings_action)
        bar.addAction(self.lock_action)
        settings_button = bar.widgetForAction(self.settings_action)
        settings_button.setObjectName("settingsButton")
        settings_button.setAccessibleName(tr("Settings"))
        lock_button = bar.widgetForAction(self.lock_action)
        lock_button.setObjectName("lockButton")
        lock_button.setAccessibleName(tr("Lock"))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setSizeGripEnabled(False)
        self.offline_label = QLabel(tr("Offline — changes are saved on this laptop"))
        self.offline_label.setObjectName("offlineStatus")
        self.offline_label.setToolTip(
            tr("Working from the encrypted copy on this laptop; no connection to the team server.")
        )
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pendingStatus")
        self.pending_label.setToolTip(
            tr("Changes made on this laptop that have not yet reached the team server.")
        )
        self.demo_label = QLabel(tr("Demo profile"))
        self.demo_label.setObjectName("demoStatus")
        self.demo_label.setToolTip(tr("Everyone in this profile is synthetic."))
        self.demo_label.hide()
        self.user_label = QLabel()
        self.user_label.setObjectName("userStatus")
        status.addPermanentWidget(self.demo_label)
        status.addPermanentWidget(self.offline_label)
        status.addPermanentWidget(self.pending_label)
        status.addPermanentWidget(self.user_label)

    # -- pages --------------------------------------------------------------------------

    @property
    def showing_record(self) -> bool:
        return self.pages.currentIndex() == RECORD_PAGE

    def show_home(self) -> None:
        self.pages.setCurrentIndex(HOME_PAGE)

    def show_record_page(self) -> None:
        self.pages.setCurrentIndex(RECORD_PAGE)

    # -- what the controller sets -------------------------------------------------------

    def set_session(self, *, demo: bool, signed_in_as: str) -> None:
        self.demo_label.setVisible(demo)
        self.user_label.setText(signed_in_as)
        self.setWindowTitle(tr("OneRecord - demo profile") if demo else tr("OneRecord"))

    def set_pending(self, count: int | None) -> None:
        if count is None:
            self.pending_label.clear()
        elif count == 0:
            self.pending_label.setText(tr("Nothing waiting to sync"))
        elif count == 1:
            self.pending_label.setText(tr("1 change waiting to sync"))
        else:
            self.pending_label.setText(
                tr("{count} changes waiting to sync").format(count=f"{count:,}")
            )

    def clear_session(self) -> None:
        self.demo_label.hide()
        self.user_label.clear()
        self.pending_label.clear()
        self.statusBar().clearMessage()
        self.setWindowTitle(tr("OneRecord"))

    def show_problem(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    def show_note(self, message: str) -> None:
        self.statusBar().showMessage(message, 6_000)
