"""The first-run screen: no profile on this laptop yet. Layout only.

First a choice: enrol with the team's server (real work) or try the demo caseload
(made-up people), or, less prominently, a profile with no server. Then the fields that
way needs, above one passphrase block shared by all three, with plain guidance: how to
choose one and what happens if it is forgotten (there is no recovery).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.first_run.first_run_pages import (
    DEMO,
    ENROL,
    LOCAL,
    PRIMARY_BUTTON_HEIGHT,
    ChoicePage,
    DemoPage,
    EnrolPage,
    LocalPage,
    field,
    line,
)
from ui.i18n import tr

logger = logging.getLogger(__name__)

CHOOSING_ADVICE = (
    "Choose a passphrase of three or four unrelated words (at least 10 characters), "
    "for example 'kettle moorland lantern'. It protects everyone's records on this "
    "laptop: do not write it down or share it."
)
IF_FORGOTTEN = {
    ENROL: "If it is forgotten there is no way back in, not even for your administrator. "
    "Your administrator re-enrols the laptop and your team's records come back from the "
    "server; anything not yet synced is lost.",
    DEMO: "If you forget it, delete the demo and start again: it holds only made-up people.",
    LOCAL: "If it is forgotten, nobody can open this laptop's records again: there is no "
    "recovery. Only what was synced to a team server is safe.",
}
TITLES = {
    "": ("Welcome to OneRecord", "There is no OneRecord profile on this laptop yet."),
    ENROL: ("Enrol with your team's server", "Your team's records will be kept here, encrypted."),
    DEMO: ("Try the demo caseload", "About 200 made-up people to practise on, kept encrypted."),
    LOCAL: ("Create your profile", "The records you work with will be kept here, encrypted."),
}
ACTIONS = {ENROL: "Enrol this laptop", DEMO: "Create the demo", LOCAL: "Create profile"}


class _ShownPage(QWidget):
    """The pages, one shown at a time and as tall as that one. (A QStackedWidget is as
    tall as its tallest page, and a short page, the demo's role choice, spreads over
    that height in gaps between a label and its field.)"""

    def __init__(self) -> None:
        super().__init__()
        self._pages: list[QWidget] = []
        self._current = -1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def addWidget(self, page: QWidget) -> None:
        self._pages.append(page)
        page.setVisible(False)
        layout = self.layout()
        assert layout is not None
        layout.addWidget(page)
        if self._current < 0:
            self.setCurrentIndex(0)

    def setCurrentIndex(self, index: int) -> None:
        self._current = index
        for n, page in enumerate(self._pages):
            page.setVisible(n == index)

    def currentIndex(self) -> int:
        return self._current


class FirstRunWindow(QWidget):
    create_requested = Signal(dict)  # LOCAL: name, role, organisation, passphrase, confirmation
    enrol_requested = Signal(dict)  # server_url, code, ca_file, passphrase, confirmation
    demo_requested = Signal(dict)  # role, passphrase, confirmation

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockWindow")  # the same calm page as the unlock screen
        self.setWindowTitle(tr("OneRecord - Set up this laptop"))
        self.mode = ""

        self.title = QLabel()
        self.title.setObjectName("appTitle")
        self.title.setWordWrap(True)
        self.intro = QLabel()
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        self.folder = QLabel()
        self.folder.setObjectName("profileName")
        self.folder.setWordWrap(True)

        self.choice = ChoicePage()
        self.enrol_page = EnrolPage()
        self.demo_page = DemoPage()
        self.local_page = LocalPage()
        self.stack = _ShownPage()
        for page in (self.choice, self.enrol_page, self.demo_page, self.local_page):
            self.stack.addWidget(page)
        self.name, self.role = self.local_page.name, self.local_page.role
        self.organisation = self.local_page.organisation

        self.passphrase_block = QWidget()
        block = QVBoxLayout(self.passphrase_block)
        block.setContentsMargins(0, 0, 0, 0)
        self.passphrase = line("passphrase", "Passphrase", secret=True)
        self.confirmation = line("confirmation", "Type the passphrase again", secret=True)
        self.if_forgotten = QLabel()
        self.if_forgotten.setObjectName("hint")
        self.if_forgotten.setWordWrap(True)
        field(block, "&Passphrase", self.passphrase, CHOOSING_ADVICE)
        block.addWidget(self.if_forgotten)
        field(block, "Type the passphrase &again", self.confirmation, "")

        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(tr("Message"))
        self.message.hide()
        self.busy = QProgressBar()
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedHeight(6)
        self.busy.setAccessibleName(tr("Setting up"))
        policy = self.busy.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.busy.setSizePolicy(policy)
        self.busy.hide()
        self.back_button = QPushButton(tr("&Back"))
        self.back_button.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
        self.create_button = QPushButton()
        self.create_button.setObjectName("createButton")
        self.create_button.setProperty("primary", True)
        self.create_button.setDefault(True)
        self.create_button.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
        self.buttons = QWidget()
        buttons = QHBoxLayout(self.buttons)
        buttons.setContentsMargins(0, 8, 0, 0)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.create_button, 1)

        card = QFrame()
        card.setObjectName("card")
        form = QVBoxLayout(card)
        form.setContentsMargins(32, 28, 32, 28)
        form.setSpacing(8)
        for widget in (self.title, self.intro, self.folder, self.stack, self.passphrase_block):
            form.addWidget(widget)
        for widget in (self.message, self.busy, self.buttons):
            form.addWidget(widget)
        card.setFixedWidth(560)
        self._place(card)

        self.choice.chosen.connect(self.show_way)
        self.enrol_page.browse_requested.connect(self._browse)
        self.back_button.clicked.connect(lambda: self.show_way(""))
        self.create_button.clicked.connect(self._submit)
        self.confirmation.returnPressed.connect(self._submit)
        self.show_way("")

    def _place(self, card: QFrame) -> None:
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        inner = QWidget()
        inner.setObjectName("firstRunInner")
        column = QVBoxLayout(inner)
        column.setContentsMargins(24, 24, 24, 24)
        column.addLayout(row)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.resize(720, 860)

    def show_way(self, way: str) -> None:
        """The choice (""), or the page for ENROL, DEMO or LOCAL."""
        self.mode = way
        title, intro = TITLES[way]
        self.title.setText(tr(title))
        self.intro.setText(tr(intro))
        self.stack.setCurrentIndex(["", ENROL, DEMO, LOCAL].index(way))
        self.passphrase_block.setVisible(bool(way))
        self.buttons.setVisible(bool(way))
        self.show_message("")
        if way:
            self.if_forgotten.setText(tr(IF_FORGOTTEN[way]))
            self.create_button.setText(tr(ACTIONS[way]))
            self.create_button.setAccessibleName(tr(ACTIONS[way]))
        self.focus_first()

    def _submit(self) -> None:
        if not self.create_button.isEnabled() or not self.mode:
            return
        secret = {"passphrase": self.passphrase.text(), "confirmation": self.confirmation.text()}
        fields: dict[str, Any]
        if self.mode == ENROL:
            page = self.enrol_page
            fields = {"server_url": page.server.text(), "code": page.code.text()}
            self.enrol_requested.emit({**fields, "ca_file": page.ca_file.text(), **secret})
        elif self.mode == DEMO:
            self.demo_requested.emit({"role": self.demo_page.chosen_role(), **secret})
        else:
            fields = {
                "user_name": self.name.text(),
                "role": self.role.currentData(),
                "organisation": self.organisation.text(),
            }
            self.create_requested.emit({**fields, **secret})

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, tr("The server's certificate"), "", tr("Certificates (*.pem *.crt)")
        )
        if chosen:
            self.enrol_page.ca_file.setText(chosen)

    def set_folder(self, path: str) -> None:
        self.folder.setText(tr("Profile folder: {path}").format(path=path))

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.stack, self.passphrase_block, self.back_button, self.create_button):
            widget.setEnabled(not busy)
        text = tr("Setting up…") if busy else tr(ACTIONS.get(self.mode, ""))
        self.create_button.setText(text)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def clear_passphrases(self) -> None:
        self.passphrase.clear()
        self.confirmation.clear()

    def focus_first(self) -> None:
        first = {
            "": self.choice.enrol_button,
            ENROL: self.enrol_page.server,
            DEMO: self.demo_page.role,
            LOCAL: self.name,
        }[self.mode]
        first.setFocus(Qt.FocusReason.OtherFocusReason)
