"""The main window: layout only. A top bar (title, Settings, Lock), the home page
(today's visits and the caseload) or a person's record, and a status bar saying
offline (or not connected to any team server), how many changes wait to sync (only
when enrolled), conflicts and sync problems (changes refused or kept aside), demo,
and who is signed in."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from ui.caseload.caseload_model import CaseloadModel
from ui.caseload.home_view import HomePage
from ui.i18n import tr
from ui.kit import window_fit
from ui.kit.formatting import british_date_time, time_of_day
from ui.kit.widgets import ElidingLabel
from ui.record.record_page import RecordPage
from ui.record.timeline_model import TimelineModel

logger = logging.getLogger(__name__)

# A screen smaller than this opens the window maximised; larger, at NORMAL_SIZE.
ROOMY = QSize(1500, 900)
NORMAL_SIZE = QSize(1366, 800)
HOME_PAGE = 0
RECORD_PAGE = 1


def offline_text() -> str:
    return tr("Offline — changes are saved on this laptop")


def offline_tip() -> str:
    return tr("Working from the encrypted copy on this laptop; no connection to the team server.")


def standalone_text() -> str:
    return tr("Not connected to a team server")


def standalone_tip() -> str:
    return tr("This laptop is not enrolled with a team server: its records stay on it alone.")


class _PageHost(QWidget):
    """Holds the pages in the scroll area at no more than their least size.

    A scroll area lays a widget out at its preferred height when its layout wraps
    words (height-for-width), and a record's tables prefer to be tall: the page would
    scroll on a screen where it fits. Without a layout of its own, this host asks only
    for the pages' minimum, so the page scrolls only when it truly does not fit."""

    def __init__(self, pages: QWidget) -> None:
        super().__init__()
        self._pages = pages
        pages.setParent(self)
        pages.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        return self._pages.minimumSizeHint().expandedTo(self._pages.minimumSize())

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._pages.setGeometry(self.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._pages and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # a page's least size changed: the scroll area re-asks
        return False


class MainWindow(QMainWindow):
    lock_requested = Signal()
    find_requested = Signal()
    new_note_requested = Signal()
    register_requested = Signal()
    settings_requested = Signal()
    sync_requested = Signal()
    conflicts_requested = Signal()
    sync_problems_requested = Signal()
    access_report_requested = Signal()

    def __init__(
        self, model: CaseloadModel, timeline: TimelineModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(tr("OneRecord"))
        self.resize(NORMAL_SIZE)
        # Usable down to 1280×720 at 125% (window_fit.SMALLEST_SCREEN); each page's
        # layout wraps or scrolls rather than pushing the window wider.

        self.lock_action = self._action(
            "&Lock", "lockAction", "Ctrl+L", "Lock OneRecord now (Ctrl+L)"
        )
        # Ctrl+L locks from any of the app's windows, dialogs included.
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(self.lock_requested)
        self.settings_action = self._action("&Settings", "settingsAction", "", "Settings")
        self.settings_action.triggered.connect(self.settings_requested)
        self.sync_action = self._action(
            "Sync now", "syncAction", "F5", "Send and receive changes with the team server (F5)"
        )
        self.sync_action.triggered.connect(self.sync_requested)
        self.sync_action.setEnabled(False)  # only once the profile is known to be enrolled
        self.access_report_action = self._action(
            "Access report",
            "accessReportAction",
            "Ctrl+Shift+A",
            "Who looked at whom, break-glass and failed unlocks (Ctrl+Shift+A)",
        )
        self.access_report_action.triggered.connect(self.access_report_requested)
        self.access_report_action.setVisible(False)  # coordinators and the IG lead only
        self.find_action = self._action(
            "Find", "findAction", "Ctrl+F", "Search the caseload (Ctrl+F)"
        )
        self.find_action.triggered.connect(self.find_requested)
        self.new_note_action = self._action(
            "New visit note", "newNoteAction", "Ctrl+N", "New visit note (Ctrl+N)"
        )
        self.new_note_action.triggered.connect(self.new_note_requested)
        self.register_action = self._action(
            "New person…", "registerAction", "Ctrl+Shift+N", "Register a new person (Ctrl+Shift+N)"
        )
        self.register_action.triggered.connect(self.register_requested)
        for action in (self.find_action, self.new_note_action, self.register_action):
            self.addAction(action)  # shortcuts only: no button of their own

        # On a short screen (1280×720 at 125%) a record with many alerts can be taller
        # than the window: the page scrolls as a whole rather than pushing the status
        # bar, with its confirmations, off the screen. On a 1366×768 laptop it fits.
        # The frame is put together before the pages go in: with the app's stylesheet,
        # every widget moved to a new parent has its whole subtree styled again, and
        # the pages built first then moved four times cost 100 ms of the window's 200.
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.page_scroll = QScrollArea()
        self.page_scroll.setObjectName("pageScroll")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own
        self.page_scroll.setAccessibleName(tr("Page"))
        self.page_scroll.setWidget(_PageHost(self.pages))
        self.setCentralWidget(self.page_scroll)
        # Each page made in its place (a child of the stack already: not moved again).
        self.home = HomePage(model, self.pages)
        self.caseload = self.home.caseload  # the existing name, kept for callers
        self.pages.addWidget(self.home)
        self.record = RecordPage(timeline, self.pages)
        self.pages.addWidget(self.record)
        self._build_top_bar()
        self._build_status_bar()

    def place_by_default(self) -> None:
        """The first time on this laptop: maximised on a laptop-sized screen (the status
        bar's confirmations must be on screen), else a laptop-sized window in the middle."""
        area = window_fit.free_area(self)
        if area.width() < ROOMY.width() or area.height() < ROOMY.height():
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
            return
        self.resize(NORMAL_SIZE)
        frame = self.frameGeometry()
        frame.moveCenter(area.center())
        self.move(frame.topLeft())

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
        bar.addAction(self.access_report_action)
        bar.addAction(self.sync_action)
        bar.addAction(self.settings_action)
        bar.addAction(self.lock_action)
        for action in (
            self.access_report_action,
            self.sync_action,
            self.settings_action,
            self.lock_action,
        ):
            # In the Tab order like any button (a tool bar's buttons are not, by default).
            bar.widgetForAction(action).setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        sync_button = bar.widgetForAction(self.sync_action)
        sync_button.setObjectName("syncButton")
        sync_button.setAccessibleName(tr("Sync now"))
        report_button = bar.widgetForAction(self.access_report_action)
        report_button.setObjectName("accessReportButton")
        report_button.setAccessibleName(tr("Access report"))
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
        self.offline_label = QLabel(offline_text())
        self.offline_label.setObjectName("offlineStatus")
        self.offline_label.setToolTip(offline_tip())
        self._team_server = False  # until sync says this laptop is enrolled
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pendingStatus")
        self.pending_label.hide()
        self.pending_label.setToolTip(
            tr("Changes made on this laptop that have not yet reached the team server.")
        )
        self.last_sync_label = QLabel()
        self.last_sync_label.setObjectName("lastSyncStatus")
        self.last_sync_label.hide()
        self.sync_progress = QProgressBar()
        self.sync_progress.setObjectName("syncProgress")
        self.sync_progress.setAccessibleName(tr("Sync progress"))
        self.sync_progress.setMaximumWidth(180)
        self.sync_progress.setTextVisible(False)
        self.sync_progress.hide()
        self.conflicts_button = QPushButton()
        self.conflicts_button.setObjectName("conflictsButton")
        self.conflicts_button.setFlat(True)
        self.conflicts_button.setAutoDefault(False)
        self.conflicts_button.setToolTip(
            tr("Two people changed the same thing: choose which value to keep.")
        )
        self.conflicts_button.clicked.connect(self.conflicts_requested)
        self.conflicts_button.hide()
        self.sync_problems_button = QPushButton()
        self.sync_problems_button.setObjectName("syncProblemsButton")
        self.sync_problems_button.setFlat(True)
        self.sync_problems_button.setAutoDefault(False)
        self.sync_problems_button.setToolTip(
            tr("Changes that could not be synced, and why. Nothing is lost: select to see them.")
        )
        self.sync_problems_button.clicked.connect(self.sync_problems_requested)
        self.sync_problems_button.hide()
        self.demo_label = QLabel(tr("Demo profile"))
        self.demo_label.setObjectName("demoStatus")
        self.demo_label.setToolTip(tr("Everyone in this profile is synthetic."))
        self.demo_label.hide()
        # Elided when the window is narrow (the whole line in its tooltip).
        self.user_label = ElidingLabel()
        self.user_label.setObjectName("userStatus")
        status.addPermanentWidget(self.demo_label)
        status.addPermanentWidget(self.sync_progress)
        status.addPermanentWidget(self.offline_label)
        status.addPermanentWidget(self.last_sync_label)
        status.addPermanentWidget(self.pending_label)
        status.addPermanentWidget(self.conflicts_button)
        status.addPermanentWidget(self.sync_problems_button)
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

    def set_team_server(self, enrolled: bool) -> None:
        """A standalone or demo profile has nothing to sync to: say so, and show no
        count of changes waiting (true, but only noise without a server)."""
        self._team_server = enrolled
        if not enrolled:
            self.offline_label.setText(standalone_text())
            self.offline_label.setToolTip(standalone_tip())
            self.pending_label.clear()
        self.pending_label.setVisible(enrolled)

    def set_pending(self, count: int | None) -> None:
        if count is None or not self._team_server:
            self.pending_label.clear()
        elif count == 0:
            self.pending_label.setText(tr("Nothing waiting to sync"))
        elif count == 1:
            self.pending_label.setText(tr("1 change waiting to sync"))
        else:
            self.pending_label.setText(
                tr("{count} changes waiting to sync").format(count=f"{count:,}")
            )

    def set_enrolled(self, enrolled: bool) -> None:
        self.sync_action.setEnabled(enrolled)
        self.last_sync_label.setVisible(enrolled)

    def set_connection(self, *, online: bool, last_sync: datetime | None) -> None:
        """ "Online · last synced 10:42" after a sync that reached the server, else offline."""
        if online:
            self.offline_label.setText(
                tr("Online · last synced {time}").format(time=time_of_day(last_sync))
            )
            self.offline_label.setToolTip(tr("Connected to the team server."))
        else:
            self.offline_label.setText(offline_text())
            self.offline_label.setToolTip(offline_tip())

    def set_last_sync(self, when: datetime | None) -> None:
        if when is None:
            self.last_sync_label.setText(tr("Not synced yet"))
        else:
            self.last_sync_label.setText(
                tr("Last synced {when}").format(when=british_date_time(when))
            )

    def set_conflicts(self, count: int | None) -> None:
        if not count:
            self.conflicts_button.setText(tr("No conflicts to resolve"))
            self.conflicts_button.hide()
            return
        text = (
            tr("1 conflict to resolve")
            if count == 1
            else tr("{count} conflicts to resolve").format(count=f"{count:,}")
        )
        self.conflicts_button.setText(text)
        self.conflicts_button.setAccessibleName(text)
        self.conflicts_button.show()

    def set_sync_problems(self, refused: int, kept_aside: int) -> None:
        """Changes the server refused and pulled changes kept aside: a count that opens
        the list of reasons (SyncProblemsDialog), hidden when there are none."""
        if refused and kept_aside:
            text = tr("{refused} refused by the server · {kept} kept aside").format(
                refused=f"{refused:,}", kept=f"{kept_aside:,}"
            )
        elif refused:
            text = (
                tr("1 change refused by the server")
                if refused == 1
                else tr("{count} changes refused by the server").format(count=f"{refused:,}")
            )
        elif kept_aside:
            text = (
                tr("1 change from the server kept aside")
                if kept_aside == 1
                else tr("{count} changes from the server kept aside").format(
                    count=f"{kept_aside:,}"
                )
            )
        else:
            self.sync_problems_button.setText("")
            self.sync_problems_button.hide()
            return
        self.sync_problems_button.setText(text)
        self.sync_problems_button.setAccessibleName(text)
        self.sync_problems_button.show()

    def show_sync_progress(self, done: int, total: int) -> None:
        bar = self.sync_progress
        bar.setRange(0, max(total, 0))  # 0..0 is Qt's "busy" bar while the total is unknown
        bar.setValue(min(done, total) if total else 0)
        bar.show()

    def hide_sync_progress(self) -> None:
        self.sync_progress.hide()
        self.sync_progress.reset()

    def clear_session(self) -> None:
        self.demo_label.hide()
        self.access_report_action.setVisible(False)
        self.user_label.clear()
        self.pending_label.clear()
        self.set_enrolled(False)
        self.set_connection(online=False, last_sync=None)
        self._team_server = False
        self.pending_label.hide()
        self.last_sync_label.clear()
        self.set_conflicts(None)
        self.set_sync_problems(0, 0)
        self.hide_sync_progress()
        self.statusBar().clearMessage()
        self.setWindowTitle(tr("OneRecord"))

    def show_problem(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    def show_note(self, message: str) -> None:
        self.statusBar().showMessage(message, 6_000)
