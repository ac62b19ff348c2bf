"""The first-run screen: no profile on this laptop yet, so create one. Layout only."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.values.vocab import Role
from ui.i18n import tr

logger = logging.getLogger(__name__)

PRIMARY_BUTTON_HEIGHT = 44

CHOOSING_ADVICE = (
    "Choose a passphrase of three or four unrelated words (at least 10 characters), "
    "for example 'kettle moorland lantern'. It protects everyone's records on this "
    "laptop: do not write it down or share it. If it is forgotten, nobody can open this "
    "laptop's copy again; only what has already synced to the team server is safe."
)


class FirstRunWindow(QWidget):
    create_requested = Signal(dict)  # name, role, organisation, passphrase, confirmation

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockWindow")  # the same calm page as the unlock screen
        self.setWindowTitle(tr("OneRecord - Create your profile"))

        title = QLabel(tr("Create your profile"))
        title.setObjectName("appTitle")
        intro = QLabel(
            tr(
                "There is no OneRecord profile on this laptop yet. Set one up for yourself: "
                "the records you work with will be kept here, encrypted."
            )
        )
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        self.folder = QLabel()
        self.folder.setObjectName("profileName")
        self.folder.setWordWrap(True)

        self.name = _line("your_name", "Your name")
        self.role = QComboBox()
        self.role.setObjectName("role")
        self.role.setAccessibleName(tr("Your role"))
        for role in Role:
            self.role.addItem(tr(role.label), role.value)
        self.organisation = _line("organisation", "Your organisation")
        self.passphrase = _line("passphrase", "Passphrase", secret=True)
        self.confirmation = _line("confirmation", "Type the passphrase again", secret=True)

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
        self.busy.setAccessibleName(tr("Creating your profile"))
        policy = self.busy.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.busy.setSizePolicy(policy)
        self.busy.hide()
        self.create_button = QPushButton(tr("Create profile"))
        self.create_button.setObjectName("createButton")
        self.create_button.setProperty("primary", True)
        self.create_button.setDefault(True)
        self.create_button.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
        self.create_button.setAccessibleName(tr("Create profile"))

        card = QFrame()
        card.setObjectName("card")
        form = QVBoxLayout(card)
        form.setContentsMargins(32, 28, 32, 28)
        form.setSpacing(8)
        form.addWidget(title)
        form.addWidget(intro)
        form.addWidget(self.folder)
        _field(form, "Your &name", self.name, "As colleagues know you, for example Sam Taylor.")
        _field(form, "Your &role", self.role, "")
        _field(
            form,
            "Your &organisation",
            self.organisation,
            "For example: Dales and Moors Community Health NHS Trust.",
        )
        _field(form, "&Passphrase", self.passphrase, CHOOSING_ADVICE)
        _field(form, "Type the passphrase &again", self.confirmation, "")
        form.addWidget(self.message)
        form.addWidget(self.busy)
        form.addWidget(self.create_button)
        card.setFixedWidth(540)

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

        self.create_button.clicked.connect(self._submit)
        self.confirmation.returnPressed.connect(self._submit)
        self.setTabOrder(self.name, self.role)
        self.setTabOrder(self.role, self.organisation)
        self.setTabOrder(self.organisation, self.passphrase)
        self.setTabOrder(self.passphrase, self.confirmation)
        self.setTabOrder(self.confirmation, self.create_button)

    def _submit(self) -> None:
        if self.create_button.isEnabled():
            self.create_requested.emit(
                {
                    "user_name": self.name.text(),
                    "role": self.role.currentData(),
                    "organisation": self.organisation.text(),
                    "passphrase": self.passphrase.text(),
                    "confirmation": self.confirmation.text(),
                }
            )

    def set_folder(self, path: str) -> None:
        self.folder.setText(tr("Profile folder: {path}").format(path=path))

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for widget in (self.name, self.role, self.organisation, self.passphrase, self.confirmation):
            widget.setEnabled(not busy)
        self.create_button.setEnabled(not busy)
        self.create_button.setText(tr("Creating…") if busy else tr("Create profile"))

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def clear_passphrases(self) -> None:
        self.passphrase.clear()
        self.confirmation.clear()

    def focus_first(self) -> None:
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)


def _line(name: str, accessible: str, *, secret: bool = False) -> QLineEdit:
    line = QLineEdit()
    line.setObjectName(name)
    line.setAccessibleName(tr(accessible))
    if secret:
        line.setEchoMode(QLineEdit.EchoMode.Password)
    return line


def _field(form: QVBoxLayout, label: str, widget: QWidget, hint: str) -> None:
    text = QLabel(tr(label))
    text.setObjectName("fieldLabel")
    text.setBuddy(widget)
    form.addSpacing(6)
    form.addWidget(text)
    if hint:
        note = QLabel(tr(hint))
        note.setObjectName("hint")
        note.setWordWrap(True)
        widget.setAccessibleDescription(tr(hint))
        form.addWidget(note)
    form.addWidget(widget)
