"""The main window: layout only. A top bar with the Lock action, the caseload
panel in the middle, and a status bar saying offline / demo / who is signed in."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy, QToolBar, QWidget

from ui.caseload_model import CaseloadModel
from ui.caseload_view import CaseloadPanel
from ui.i18n import tr

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    lock_requested = Signal()

    def __init__(self, model: CaseloadModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(tr("OneRecord"))
        self.resize(1360, 800)

        self.lock_action = QAction(tr("&Lock"), self)
        self.lock_action.setObjectName("lockAction")
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.lock_action.setToolTip(tr("Lock OneRecord now (Ctrl+L)"))
        self.lock_action.triggered.connect(self.lock_requested)

        self.caseload = CaseloadPanel(model)
        self.setCentralWidget(self.caseload)
        self._build_top_bar()
        self._build_status_bar()

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
        bar.addAction(self.lock_action)
        lock_button = bar.widgetForAction(self.lock_action)
        lock_button.setObjectName("lockButton")
        lock_button.setAccessibleName(tr("Lock"))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setSizeGripEnabled(False)
        self.offline_label = QLabel(tr("Offline"))
        self.offline_label.setObjectName("offlineStatus")
        self.offline_label.setToolTip(
            tr("Working from the encrypted copy on this laptop; no connection to the team server.")
        )
        self.demo_label = QLabel(tr("Demo profile"))
        self.demo_label.setObjectName("demoStatus")
        self.demo_label.setToolTip(tr("Everyone in this profile is synthetic."))
        self.demo_label.hide()
        self.user_label = QLabel()
        self.user_label.setObjectName("userStatus")
        status.addPermanentWidget(self.demo_label)
        status.addPermanentWidget(self.offline_label)
        status.addPermanentWidget(self.user_label)

    def set_session(self, *, demo: bool, signed_in_as: str) -> None:
        self.demo_label.setVisible(demo)
        self.user_label.setText(signed_in_as)
        self.setWindowTitle(tr("OneRecord - demo profile") if demo else tr("OneRecord"))

    def clear_session(self) -> None:
        self.demo_label.hide()
        self.user_label.clear()
        self.statusBar().clearMessage()
        self.setWindowTitle(tr("OneRecord"))

    def show_problem(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)
