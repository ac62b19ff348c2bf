"""Search beyond my team: the server's answers (name, year of birth, locality
only) and one button to open a person, which asks for break-glass. Layout only;
`BeyondTeamController` does the work."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import tr
from ui.kit.widgets import button

PERSON_ROLE = Qt.ItemDataRole.UserRole


class BeyondTeamDialog(QDialog):
    chosen = Signal(str, str)  # person id, "Name (born 1938)"

    def __init__(self, query: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("beyondTeamDialog")
        self.setWindowTitle(tr("Search beyond my team"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        heading = QLabel(tr("People beyond your team matching “{query}”").format(query=query))
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        hint = QLabel(
            tr(
                "Only name, year of birth and locality are shown. Opening a record needs "
                "a reason: it is audited and reported to your coordinator."
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.status = QLabel(tr("Searching…"))
        self.status.setObjectName("beyondTeamStatus")
        self.status.setWordWrap(True)
        self.results = QListWidget()
        self.results.setObjectName("beyondTeamResults")
        self.results.setAccessibleName(tr("People beyond your team"))
        self.results.itemActivated.connect(lambda _item: self._choose())
        self.open_button = button("Open with break-glass…", name="beyondTeamOpen", primary=True)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._choose)
        close = button("Close", name="beyondTeamClose")
        close.setMinimumHeight(self.open_button.minimumHeight())
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        for widget in (heading, hint, self.status, self.results):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def show_people(self, people: list[tuple[str, str, int | None, str | None]]) -> None:
        """(person id, name, year of birth, locality) for each answer."""
        self.results.clear()
        for person_id, name, born, locality in people:
            parts = [name, tr("born {year}").format(year=born) if born else "", locality or ""]
            item = QListWidgetItem(" · ".join(p for p in parts if p))
            who = f"{name} (born {born})" if born else name
            item.setData(PERSON_ROLE, (person_id, who))
            self.results.addItem(item)
        self.status.setText(
            tr("No one beyond your team matches.") if not people else tr("Choose a person.")
        )
        self.open_button.setEnabled(bool(people))
        if people:
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def show_error(self, message: str) -> None:
        self.status.setText(message)
        self.open_button.setEnabled(False)

    def _choose(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        person_id, who = item.data(PERSON_ROLE)
        self.chosen.emit(person_id, who)
