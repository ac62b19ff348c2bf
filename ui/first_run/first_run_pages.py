"""The first-run screen's pages: the choice, and the fields each way asks for. Layout only.

The passphrase fields are shared by every way and live in the window (first_run_window).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.demo.roles import DEMO_SEATS
from app.values.vocab import Role
from ui.i18n import tr

logger = logging.getLogger(__name__)

PRIMARY_BUTTON_HEIGHT = 44

ENROL, DEMO, LOCAL = "enrol", "demo", "local"


class ChoicePage(QWidget):
    """Two ways in, each a big button with one line saying what it means."""

    chosen = Signal(str)  # ENROL, DEMO or LOCAL

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enrol_button = self._choice(
            layout,
            ENROL,
            "&Enrol with my team's server",
            "For real work. Your administrator gives you the server's address and a "
            "one-time code; your team's caseload then arrives on this laptop.",
            primary=True,
        )
        self.demo_button = self._choice(
            layout,
            DEMO,
            "&Try the demo caseload",
            "To learn the app: made-up people only (NHS numbers from the 999 test range). "
            "Never record real people in a demo.",
        )
        self.local_button = QPushButton(tr("Set up without a server (this laptop only)"))
        self.local_button.setObjectName("localChoice")
        self.local_button.setAccessibleName(tr("Set up without a server"))
        self.local_button.clicked.connect(lambda: self.chosen.emit(LOCAL))
        layout.addSpacing(8)
        layout.addWidget(self.local_button)

    def _choice(
        self, layout: QVBoxLayout, way: str, label: str, hint: str, *, primary: bool = False
    ) -> QPushButton:
        button = QPushButton(tr(label))
        button.setObjectName(f"{way}Choice")
        button.setProperty("primary", primary)
        button.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
        button.setAccessibleName(tr(label).replace("&", ""))
        button.setAccessibleDescription(tr(hint))
        button.clicked.connect(lambda: self.chosen.emit(way))
        note = QLabel(tr(hint))
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addSpacing(10)
        layout.addWidget(button)
        layout.addWidget(note)
        return button


class EnrolPage(QWidget):
    """The server's address, the one-time code and, if given, the CA certificate."""

    browse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.server = line("server", "Team server address")
        self.server.setPlaceholderText("https://onerecord.example.nhs.uk")
        self.code = line("code", "One-time code")
        self.code.setPlaceholderText("ABCD-EFGH-JKLM")
        self.ca_file = line("caFile", "Certificate file")
        browse = QPushButton(tr("C&hoose…"))
        browse.setAccessibleName(tr("Choose the certificate file"))
        browse.clicked.connect(self.browse_requested)
        ca_row = QWidget()
        row = QHBoxLayout(ca_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.ca_file, 1)
        row.addWidget(browse)
        field(layout, "Team &server address", self.server, "As your administrator gave it.")
        field(layout, "One-time &code", self.code, "It works once, for a day or so.")
        field(
            layout,
            "Certificate &file (only if you were given one)",
            ca_row,
            "A .pem file from your administrator, for a server with its own certificate.",
            buddy=self.ca_file,
        )


class DemoPage(QWidget):
    """Whom the demo signs in as: each role of the one made-up team, with what it sees."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.role = QComboBox()
        self.role.setObjectName("demoRole")
        self.role.setAccessibleName(tr("Sign in as"))
        for seat in DEMO_SEATS:
            self.role.addItem(tr(seat.role.label), seat.role.value)
        self.sees = QLabel()
        self.sees.setObjectName("hint")
        self.sees.setWordWrap(True)
        field(
            layout,
            "&Sign in as",
            self.role,
            "The same made-up team whichever you choose: try the coordinator for the Team view.",
        )
        layout.addWidget(self.sees)
        self.role.currentIndexChanged.connect(self._describe)
        self._describe()

    def _describe(self) -> None:
        seat = DEMO_SEATS[max(self.role.currentIndex(), 0)]
        self.sees.setText(tr(seat.sees))
        self.role.setAccessibleDescription(tr(seat.sees))

    def chosen_role(self) -> str:
        return str(self.role.currentData())

    def choose(self, role: str) -> None:
        self.role.setCurrentIndex(self.role.findData(role))


class LocalPage(QWidget):
    """Who you are, for a profile with no server (the original first run)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.name = line("your_name", "Your name")
        self.role = QComboBox()
        self.role.setObjectName("role")
        self.role.setAccessibleName(tr("Your role"))
        for role in Role:
            self.role.addItem(tr(role.label), role.value)
        self.organisation = line("organisation", "Your organisation")
        field(layout, "Your &name", self.name, "As colleagues know you, for example Sam Taylor.")
        field(layout, "Your &role", self.role, "")
        field(
            layout,
            "Your &organisation",
            self.organisation,
            "For example: Dales and Moors Community Health NHS Trust.",
        )


def line(name: str, accessible: str, *, secret: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(tr(accessible))
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def field(
    form: QVBoxLayout, label: str, widget: QWidget, hint: str, *, buddy: QWidget | None = None
) -> None:
    text = QLabel(tr(label))
    text.setObjectName("fieldLabel")
    text.setBuddy(buddy or widget)
    form.addSpacing(6)
    form.addWidget(text)
    if hint:
        note = QLabel(tr(hint))
        note.setObjectName("hint")
        note.setWordWrap(True)
        (buddy or widget).setAccessibleDescription(tr(hint))
        form.addWidget(note)
    form.addWidget(widget)
