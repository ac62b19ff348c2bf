"""Search beyond my team, on the desktop: the caseload's "Search beyond my team
(online)" asks the server (on the network lane, the store only in short steps on
the database lane) for people beyond the team, shows
the answers (name, year of birth, locality), and opening one asks the usual
break-glass question; the grant goes through the server, a sync brings the
record, and it opens with its banner. See sync/client/beyond_team.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from app.services.need_to_know import break_glass
from app.store_step import StoreStep
from app.workspace import Workspace
from sync.client.beyond_team import break_glass_beyond_team, find_beyond_team
from ui.kit.operations import Operations
from ui.record.beyond_team_dialog import BeyondTeamDialog
from ui.record.break_glass_flow import BreakGlassFlow, Refused


@dataclass(frozen=True)
class _Answer:
    people: list[tuple[str, str, int | None, str | None]]
    may_ask: bool
    length: timedelta


def _search(ws: Workspace, on_store: StoreStep, query: str) -> _Answer:
    # Runs on the network lane; the store only in steps on the database lane.
    found = find_beyond_team(ws, query, on_store=on_store)
    may_ask, length = on_store(lambda: (break_glass.may_ask(ws), break_glass.grant_length(ws)))
    return _Answer(
        [(p.person_id, p.name, p.year_of_birth, p.locality) for p in found], may_ask, length
    )


def _grant(ws: Workspace, on_store: StoreStep, person_id: str, reason: str) -> object:
    return break_glass_beyond_team(ws, reason, person_id=person_id, on_store=on_store)


class BeyondTeamController(QObject):
    def __init__(
        self,
        ops: Operations,
        flow: BreakGlassFlow,
        parent_widget: QWidget,
        open_record: Callable[[str], None],
    ) -> None:
        super().__init__(parent_widget)
        self._ops = ops
        self._flow = flow
        self._parent = parent_widget
        self._open_record = open_record
        self.dialog: BeyondTeamDialog | None = None
        self._answer: _Answer | None = None

    @Slot(str)
    def search(self, query: str) -> None:
        self.close()
        dialog = BeyondTeamDialog(query.strip(), self._parent)
        dialog.chosen.connect(self._chosen)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()

        def answered(answer: _Answer) -> None:
            if self.dialog is dialog:
                self._answer = answer
                dialog.show_people(answer.people)

        self._ops.network(
            lambda ws, on_store: _search(ws, on_store, query),
            on_done=answered,
            on_error=lambda message: dialog.show_error(message) if self.dialog is dialog else None,
        )

    @Slot(str, str)
    def _chosen(self, person_id: str, who: str) -> None:
        answer, dialog = self._answer, self.dialog
        if answer is None or dialog is None:
            return
        refused = Refused(person_id, "", who, answer.may_ask, answer.length)
        dialog.accept()
        self._flow.ask(refused, self._open_record, grant_online=_grant)

    def _forget(self, dialog: BeyondTeamDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def close(self) -> None:
        """On lock: the search window goes."""
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            dialog.reject()
