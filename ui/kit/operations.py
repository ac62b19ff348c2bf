"""Where every app operation starts from the GUI: the unlocked workspace, the task
runner, and one `changed` signal (as Anki's operations and change descriptors).

A controller asks `ops.write(fn)`: `fn(workspace)` runs on the database worker
and returns an `app.services.changes.Change`; back on the GUI thread the
caller's `on_done` runs, then `changed` tells every view, and each decides for
itself whether to refresh. Reads go through `ops.read` the same way.

Locking detaches the workspace and bumps a generation: an answer that comes
back after the lock is dropped, so nothing identifiable reaches a widget that
has just been emptied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from app.services.changes import Change
from app.workspace import Workspace
from ui.kit.tasks import TaskRunner

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Operations(QObject):
    changed = Signal(object)  # an app.services.changes.Change
    problem = Signal(str)  # a failure nobody asked to hear about, in plain words

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._workspace: Workspace | None = None
        self._generation = 0

    @property
    def workspace(self) -> Workspace | None:
        return self._workspace

    @property
    def unlocked(self) -> bool:
        return self._workspace is not None

    @property
    def user_id(self) -> str | None:
        return self._workspace.actor.user_id if self._workspace else None

    def attach(self, workspace: Workspace) -> None:
        self._generation += 1
        self._workspace = workspace

    def detach(self) -> Workspace | None:
        """Forget the workspace; answers still on their way are dropped."""
        self._generation += 1
        workspace, self._workspace = self._workspace, None
        return workspace

    def read(
        self,
        fn: Callable[[Workspace], T],
        on_done: Callable[[T], None],
        on_error: Callable[[str], None] | None = None,
    ) -> bool:
        """Run `fn(workspace)` on the worker; False (and nothing runs) when locked."""
        return self._run(fn, on_done, on_error, announce=False)

    def write(
        self,
        fn: Callable[[Workspace], Change],
        on_done: Callable[[Change], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> bool:
        """Run an operation; after `on_done`, `changed` carries its Change to every view."""
        return self._run(fn, on_done, on_error, announce=True)

    def _run(
        self,
        fn: Callable[[Workspace], T],
        on_done: Callable[[T], None] | None,
        on_error: Callable[[str], None] | None,
        *,
        announce: bool,
    ) -> bool:
        workspace = self._workspace
        if workspace is None or not self.runner.running:
            return False
        generation = self._generation

        def done(result: T) -> None:
            if generation != self._generation:
                return  # locked (or relocked) since: the widgets have been emptied
            if on_done is not None:
                on_done(result)
            if announce and isinstance(result, Change):
                self.changed.emit(result)

        def failed(message: str) -> None:
            if generation != self._generation:
                return
            if on_error is not None:
                on_error(message)
            else:
                self.problem.emit(message)

        self.runner.run(lambda: fn(workspace), on_done=done, on_error=failed)
        return True
