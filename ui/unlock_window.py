"""The unlock screen: layout only. `ui.unlock_controller` decides what happens."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import tr

logger = logging.getLogger(__name__)

PRIMARY_BUTTON_HEIGHT = 44  # DESIGN.md accessibility: 44 px primary buttons


class UnlockWindow(QWidget):
    unlock_requested = Signal(str)  # the passphrase as typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlockWindow")
        self.setWindowTitle(tr("OneRecord - Unlock"))

        title = QLabel(tr("OneRecord"))
        title.setObjectName("appTitle")
        subtitle = QLabel(tr("Unlock your profile to see your caseload."))
        subtitle.setObjectName("hint")
        subtitle.setWordWrap(True)

        self.profile_label = QLabel()
        self.profile_label.setObjectName("profileName")
        self.profile_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # A frame around a plain label: QLabel's own padding breaks its word-wrapped
        # height, which would clip the second line.
        self.demo_banner = QFrame()
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setAccessibleName(tr("Demo profile"))
        self.demo_text = QLabel(tr("This is a demo profile with a synthetic caseload."))
        self.demo_text.setObjectName("demoBannerText")
        self.demo_text.setWordWrap(True)
        banner_layout = QVBoxLayout(self.demo_banner)
        banner_layout.setContentsMargins(16, 12, 16, 12)
        banner_layout.addWidget(self.demo_text)
        self.demo_banner.hide()

        passphrase_label = QLabel(tr("&Passphrase"))
        passphrase_label.setObjectName("fieldLabel")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(tr("Passphrase"))
        self.passphrase.setAccessibleDescription(tr("The passphrase for this profile"))
        passphrase_label.setBuddy(self.passphrase)

        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(tr("Message"))
        self.message.hide()

        self.busy = QProgressBar()
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)  # indeterminate: Argon2 gives no progress to report
        self.busy.setTextVisible(False)
        self.busy.setFixedHeight(6)
        self.busy.setAccessibleName(tr("Unlocking"))
        # Keep its space when hidden, so the button does not jump while unlocking.
        policy = self.busy.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.busy.setSizePolicy(policy)
        self.busy.hide()

        self.unlock_button = QPushButton(tr("Unlock"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.setDefault(True)
        self.unlock_button.setMinimumHeight(PRIMARY_BUTTON_HEIGHT)
        self.unlock_button.setAccessibleName(tr("Unlock"))

        card = QFrame()
        card.setObjectName("card")
        form = QVBoxLayout(card)
        form.setContentsMargins(32, 32, 32, 32)
        form.setSpacing(12)
        form.addWidget(title)
        form.addWidget(subtitle)
        form.addWidget(self.profile_label)
        form.addWidget(self.demo_banner)
        form.addSpacing(8)
        form.addWidget(passphrase_label)
        form.addWidget(self.passphrase)
        form.addWidget(self.message)
        form.addWidget(self.busy)
        form.addWidget(self.unlock_button)

        # Centred with stretches, not an alignment flag: an aligned widget is given its
        # size hint, which ignores the wrapped banner's height and clips it.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        card.setFixedWidth(480)
        self.resize(640, 560)

        self.unlock_button.clicked.connect(self._submit)
        self.passphrase.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        if self.unlock_button.isEnabled():
            self.unlock_requested.emit(self.passphrase.text())

    # -- what the controller sets -------------------------------------------------------

    def set_profile_name(self, name: str) -> None:
        self.profile_label.setText(tr("Profile: {name}").format(name=name))

    def set_demo(self, demo: bool) -> None:
        self.demo_banner.setVisible(demo)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.passphrase.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)
        self.unlock_button.setText(tr("Unlocking…") if busy else tr("Unlock"))

    def set_waiting(self, seconds: int | None) -> None:
        """Back-off after failed attempts: the button counts down, disabled."""
        if seconds is None:
            self.unlock_button.setEnabled(True)
            self.unlock_button.setText(tr("Unlock"))
            return
        self.unlock_button.setEnabled(False)
        self.unlock_button.setText(tr("Try again in {seconds} s").format(seconds=seconds))

    def show_message(self, text: str, *, error: bool = True) -> None:
        self.message.setProperty("error", error)
        # A dynamic property only restyles after the style is re-applied.
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def clear_passphrase(self) -> None:
        self.passphrase.clear()

    def focus_passphrase(self) -> None:
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
