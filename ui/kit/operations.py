"""Where every app operation starts from the GUI: the unlocked workspace, the two
lanes, and one `changed` signal (as Anki's operations and change descriptors).

A controller asks `ops.write(fn)`: `fn(workspace)` runs on the database lane
and returns an `app.services.changes.Change`; back on the GUI thread the
caller's `on_done` runs, then `changed` tells every view, and each decides for
itself whether to refresh. Reads go through `ops.read` the same way.

What talks to the server goes through `ops.network(fn)`: `fn(workspace, on_store)`
runs on the network lane (ui/kit/network_lane.py) and does each profile access as
a store step, `on_store(step)`, which runs on the database lane while the
network thread waits; the HTTP in between holds neither lane's store, so a
visit note saved during a slow sync waits for one short step at most.

Locking detaches the workspace and bumps a generation: an answer that comes
back after the lock is dropped, so nothing identifiable reaches a widget that
has just been emptied, and a store step that reaches the database lane after
the lock raises `StepCancelled` (silent) instead of touching the profile. The
network lane is abandoned, not waited for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from app.services.changes import Change
from app.store_step import StepCancelled, StoreStep
from app.workspace import Workspace
from ui.kit.network_lane import NetworkLane
from ui.kit.tasks import Lane, TaskRunner

logger = logging.getLogger(__name__)

T = TypeVar("T")
S = TypeVar("S")


class Operations(QObject):
    changed = Signal(object)  # an app.services.changes.Change
    problem = Signal(str)  # a failure nobody asked to hear about, in plain words

    def __init__(
        self,
        runner: TaskRunner,
        parent: QObject | None = None,
        *,
        net: NetworkLane | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.net = net if net is not None else NetworkLane(self)
        self.net.unhandled_error.connect(self.problem)
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
        """Forget the workspace; answers still on their way are dropped, store steps
        not yet run are refused, and the network lane is abandoned (never waited for)."""
        self._generation += 1
        workspace, self._workspace = self._workspace, None
        self.net.abandon()
        return workspace

    def shutdown_network(self) -> None:
        """On quit: nothing more goes to the server, and nothing waits for it."""
        self.net.shutdown()

    def read(
        self,
        fn: Callable[[Workspace], T],
        on_done: Callable[[T], None],
        on_error: Callable[[str], None] | None = None,
    ) -> bool:
        """Run `fn(workspace)` on the worker; False (and nothing runs) when locked."""
        return self._run(self.runner, fn, on_done, on_error, announce=False)

    def write(
        self,
        fn: Callable[[Workspace], Change],
        on_done: Callable[[Change], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> bool:
        """Run an operation; after `on_done`, `changed` carries its Change to every view."""
        return self._run(self.runner, fn, on_done, on_error, announce=True)

    def network(
        self,
        fn: Callable[[Workspace, StoreStep], T],
        on_done: Callable[[T], None],
        on_error: Callable[[str], None] | None = None,
    ) -> bool:
        """Run `fn(workspace, on_store)` on the network lane, every profile access in it
        a store step on the database lane; False (and nothing runs) when locked."""
        if not self.net.running:
            return False
        step = self._store_step(self._generation)
        return self._run(self.net, lambda ws: fn(ws, step), on_done, on_error, announce=False)

    def _store_step(self, generation: int) -> StoreStep:
        runner = self.runner

        def on_store(fn: Callable[[], S], /) -> S:
            if runner.on_worker():
                return fn()  # already on the database lane

            def step() -> S:
                # Checked on the database lane, where closing the profile is queued: a
                # step that comes after the lock never sees a closed (or wiped) store.
                if generation != self._generation:
                    raise StepCancelled()
                return fn()

            try:
                future = runner.submit(step)
            except RuntimeError:
                raise StepCancelled() from None
            return future.result()  # CancelledError (silent) if the runner shut down first

        return on_store

    def _run(
        self,
        lane: Lane,
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

        lane.run(lambda: fn(workspace), on_done=done, on_error=failed)
        return True
