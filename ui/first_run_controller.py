"""What the first-run screen does: create the profile off the GUI thread (Argon2
is deliberately slow), then hand the new workspace over as if just unlocked."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from app.services.profile_setup import create_profile, passphrase_problem
from app.workspace import Workspace
from ui.first_run_window import FirstRunWindow
from ui.i18n import tr
from ui.tasks import TaskRunner

logger = logging.getLogger(__name__)

# (profile folder, the fields typed) -> the new, unlocked workspace. Tests pass a
# cheaper KDF through this; the app uses the real one.
Creator = Callable[..., Workspace]


class FirstRunController(QObject):
    created = Signal(object)  # the Workspace

    def __init__(
        self,
        view: FirstRunWindow,
        runner: TaskRunner,
        profile: Path,
        *,
        creator: Creator = create_profile,
    ) -> None:
        super().__init__(view)
        self._view = view
        self._runner = runner
        self._profile = profile
        self._creator = creator
        self._busy = False
        view.set_folder(str(profile))
        view.create_requested.connect(self._create)

    @Slot(dict)
    def _create(self, fields: dict[str, Any]) -> None:
        if self._busy:
            return
        # Checked here too, so a mistyped confirmation is said at once, before Argon2.
        problem = passphrase_problem(fields["passphrase"], fields["confirmation"])
        if problem:
            self._view.show_message(tr(problem))
            self._view.clear_passphrases()
            self._view.passphrase.setFocus()
            return
        self._busy = True
        self._view.show_message("")
        self._view.set_busy(True)
        path, creator = self._profile, self._creator
        self._runner.run(lambda: creator(path, **fields), on_done=self._done, on_error=self._failed)

    def _done(self, workspace: Workspace) -> None:
        self._busy = False
        self._view.set_busy(False)
        self._view.clear_passphrases()
        self.created.emit(workspace)

    def _failed(self, message: str) -> None:
        self._busy = False
        self._view.set_busy(False)
        self._view.show_message(message)
