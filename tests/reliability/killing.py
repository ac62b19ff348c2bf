"""SIGKILL a real `onerecord` process inside one of its write transactions, as a flat
battery would.

Most of a short command's life is starting Python and unlocking, when nothing is
being written: a kill at a random moment of the whole run mostly tests start-up.
So the command runs as tests/reliability/write_signal_child.py, which tells this
process through a pipe when each write transaction begins (its first change) and
when its commit has returned. A calibration run measures how long each write stays
open; each killed run then aims at one of them, chosen uniformly, and at a moment
chosen uniformly within it: wait for that write to begin, then SIGKILL at that
offset into it. If that write commits before the kill (the machine is
busy; the parent woke late), the kill moves on to the next write, at a random
offset again.

Where each kill landed is not assumed but read back: after the kill the pipe holds
every byte the command wrote before it died, so "inside a write" means exactly that
a transaction had made a change and its commit had not returned.
"""

from __future__ import annotations

import os
import random
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.reliability.helpers import ROOT, cli_env
from tests.reliability.write_signal_child import BEGIN, END, FD_VARIABLE

# A hung command fails the test instead of hanging it.
_RUN_LIMIT_S = 300.0


@dataclass
class KillLog:
    """Where the kills landed."""

    inside: int = 0  # a write transaction had begun and its commit had not returned
    between: int = 0  # killed, but no write was open at that moment
    finished: int = 0  # the command ended (successfully) before the kill: no kill
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def killed(self) -> int:
        return self.inside + self.between

    def line(self, what: str) -> str:
        extra = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        share = 100 * self.inside / self.killed if self.killed else 0.0
        return (
            f"{what}: {self.killed + self.finished} runs, {self.killed} killed: "
            f"{self.inside} inside a write transaction ({share:.0f}%), {self.between} "
            f"between writes; {self.finished} finished before the kill"
            + (f" ({extra})" if extra else "")
        )

    def assert_inside(self, floor: float = 0.8) -> None:
        """At least `floor` of the kills landed inside a write, and at least a quarter
        of the runs were killed (a run that finished first had no kill: it checks only
        the command's own word; aimed at a short last write, a few finish first)."""
        runs = self.killed + self.finished
        assert self.killed and self.killed >= runs / 4, self.line("too few killed")
        # One kill may be lost to timing on a loaded machine (the write's commit returned
        # before the signal was delivered: it then lands just after, between writes);
        # with a handful of kills a bare share would fail on that one. Never fewer than
        # three inside, or all of them when fewer were killed.
        assert self.inside >= min(3, self.killed), self.line("too few inside a write")
        assert self.inside >= floor * self.killed - 1, self.line("too few inside a write")


@dataclass
class Writes:
    """The write transactions of one whole run, in order: how long (seconds) each
    stayed open, from its first change to its commit returning, seen from here."""

    lengths: list[float]

    def pick(self, rng: random.Random) -> tuple[int, float]:
        """A write chosen uniformly (a short write is as much a place to crash as a
        long one) and a moment uniformly at random within it: which write (0-based)
        and how far into it."""
        index = rng.randrange(len(self.lengths))
        return index, self.offset_into(index, rng)

    def offset_into(self, index: int, rng: random.Random) -> float:
        typical = self.lengths[index] if index < len(self.lengths) else self.median
        return rng.uniform(0, typical)

    @property
    def median(self) -> float:
        return statistics.median(self.lengths)


@dataclass
class Killed:
    """One run that was aimed at: what the pipe said when it ended."""

    finished: bool
    began: int  # write transactions begun
    committed: int  # write transactions whose commit (or rollback) had returned

    @property
    def inside(self) -> bool:
        return not self.finished and self.began > self.committed


class _Child:
    """The command under test, with the pipe it signals its writes on."""

    def __init__(self, args: list[str], env: dict[str, str] | None) -> None:
        read_end, write_end = os.pipe()
        # A file, not a pipe: a chatty command must never block on a full pipe.
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.write_signal_child", *args],
            env={**cli_env(), **(env or {}), FD_VARIABLE: str(write_end)},
            cwd=ROOT,
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
        )
        os.close(write_end)  # only the child holds it: end of file once the child is gone
        self.pipe = read_end
        self.started = time.monotonic()

    def next_signal(self, timeout: float | None) -> bytes | None:
        """The next byte, b"" at end of file, None if `timeout` passed first."""
        limit = self.started + _RUN_LIMIT_S - time.monotonic()
        wait = limit if timeout is None else min(timeout, limit)
        ready, _, _ = select.select([self.pipe], [], [], max(0.0, wait))
        if not ready:
            if time.monotonic() - self.started >= _RUN_LIMIT_S:
                self.process.kill()
                raise AssertionError(f"the command did not finish in {_RUN_LIMIT_S:g} s")
            return None
        return os.read(self.pipe, 1)

    def rest(self) -> bytes:
        """Everything still in the pipe (the child is gone, so this ends)."""
        chunks = []
        while chunk := os.read(self.pipe, 4096):
            chunks.append(chunk)
        return b"".join(chunks)

    def finish(self) -> None:
        """It ended by itself: it must have succeeded."""
        self.process.wait(timeout=60)
        self.stderr.seek(0)
        err = self.stderr.read().decode(errors="replace")
        self.close()
        assert self.process.returncode == 0, err

    def close(self) -> None:
        os.close(self.pipe)
        self.stderr.close()


def calibrate(*args: str, env: dict[str, str] | None = None) -> Writes:
    """Run once to completion (it must succeed) and time each write transaction."""
    child = _Child(list(args), env)
    lengths: list[float] = []
    opened: float | None = None
    while signal_byte := child.next_signal(None):
        now = time.monotonic()
        if signal_byte == BEGIN:
            opened = now
        elif signal_byte == END and opened is not None:
            lengths.append(now - opened)
            opened = None
    child.finish()
    assert lengths, "the command wrote nothing: there is no write to kill it in"
    return Writes(lengths)


def kill_inside_a_write(
    args: list[str],
    writes: Writes,
    rng: random.Random,
    log: KillLog,
    *,
    env: dict[str, str] | None = None,
) -> Killed:
    """Start the command and SIGKILL it at a random moment inside one of its writes."""
    target, offset = writes.pick(rng)
    child = _Child(args, env)
    began = committed = 0
    deadline: float | None = None
    while True:
        wait = None if deadline is None else deadline - time.monotonic()
        signal_byte = child.next_signal(wait)
        if signal_byte is None:
            break  # the moment has come
        if signal_byte == b"":
            child.finish()
            log.finished += 1
            return Killed(finished=True, began=began, committed=committed)
        if signal_byte == BEGIN:
            began += 1
            if began == target + 1:
                deadline = time.monotonic() + offset
        elif signal_byte == END:
            committed += 1
            if deadline is not None and committed == began:
                # The write aimed at is over: aim at the next one instead.
                target, deadline = began, None
                offset = writes.offset_into(target, rng)
    child.process.send_signal(signal.SIGKILL)
    child.process.wait(timeout=30)
    tail = child.rest()
    child.close()
    killed = Killed(
        finished=False,
        began=began + tail.count(BEGIN),
        committed=committed + tail.count(END),
    )
    if killed.inside:
        log.inside += 1
    else:
        log.between += 1
    return killed
