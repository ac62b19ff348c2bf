"""What the first-run screen does: make the profile off the GUI thread (Argon2 is
deliberately slow; enrolling talks to the server; the demo builds a caseload), then hand
the new workspace over as if just unlocked.

Three ways in: enrol with the team's server (sync.client.first_run: the profile and the
enrolment together, nothing left behind on failure), the demo caseload (made-up people),
or a profile with no server.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from app.errors import InvalidInputError
from app.services.profile.demo_profile import create_demo_profile
from app.services.profile.profile_setup import create_profile, passphrase_problem
from app.workspace import Workspace
from sync.client.first_run import enrol_new_laptop
from ui.first_run.first_run_window import FirstRunWindow
from ui.i18n import tr
from ui.kit.tasks import TaskRunner

logger = logging.getLogger(__name__)

# (profile folder, the fields typed) -> the new, unlocked workspace. Tests pass a
# cheaper KDF (and a smaller demo) through these; the app uses the real ones.
Creator = Callable[..., Workspace]
DEMO_PEOPLE = 200


def make_demo(path: Path, *, passphrase: str, confirmation: str, **kwargs: Any) -> Workspace:
    """A demo profile: the same passphrase rules as a real one, then a synthetic caseload,
    signed in as the role chosen (`role`, the nurse if none)."""
    if problem := passphrase_problem(passphrase, confirmation):
        raise InvalidInputError(problem)
    kwargs.setdefault("people", DEMO_PEOPLE)
    kwargs.setdefault("seed", 1 + secrets.randbelow(10_000))  # a different made-up caseload
    workspace, _summary = create_demo_profile(path, passphrase, **kwargs)
    return workspace


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
        # Swappable like `creator` (tests: a cheaper KDF, a smaller demo).
        self.enroller: Creator = enrol_new_laptop
        self.demo_maker: Creator = make_demo
        self._busy = False
        view.set_folder(str(profile))
        view.create_requested.connect(self._create)
        view.enrol_requested.connect(self._enrol)
        view.demo_requested.connect(self._demo)

    @Slot(dict)
    def _create(self, fields: dict[str, Any]) -> None:
        self._start(self._creator, fields)

    @Slot(dict)
    def _enrol(self, fields: dict[str, Any]) -> None:
        self._start(self.enroller, fields)

    @Slot(dict)
    def _demo(self, fields: dict[str, Any]) -> None:
        self._start(self.demo_maker, fields)

    def _start(self, make: Creator, fields: dict[str, Any]) -> None:
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
        path = self._profile
        self._runner.run(lambda: make(path, **fields), on_done=self._done, on_error=self._failed)

    def _done(self, workspace: Workspace) -> None:
        self._busy = False
        self._view.set_busy(False)
        self._view.clear_passphrases()
        self.created.emit(workspace)

    def _failed(self, message: str) -> None:
        self._busy = False
        self._view.set_busy(False)
        self._view.show_message(message)
