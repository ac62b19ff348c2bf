"""SIGKILL a real `onerecord` process at a random moment, as a flat battery would."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.reliability.helpers import BIN, ROOT, cli_env


@dataclass
class KillLog:
    """Where the kills landed: before the command could finish, or too late."""

    killed: int = 0
    finished: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def line(self, what: str) -> str:
        extra = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        return f"{what}: {self.killed} killed mid-run, {self.finished} finished first" + (
            f" ({extra})" if extra else ""
        )


def timed_run(*args: str, env: dict[str, str] | None = None) -> float:
    """Run once to completion (it must succeed) and return how long it took."""
    began = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "onerecord"), *args],
        env={**cli_env(), **(env or {})},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - began


def run_and_kill(
    args: list[str], at: float, log: KillLog, *, env: dict[str, str] | None = None
) -> int | None:
    """Start the command and SIGKILL it `at` seconds later. Its exit code if it
    finished first, else None."""
    process = subprocess.Popen(
        [str(BIN / "onerecord"), *args],
        env={**cli_env(), **(env or {})},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _, err = process.communicate(timeout=at)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        log.killed += 1
        return None
    log.finished += 1
    assert process.returncode == 0, err.decode(errors="replace")
    return process.returncode


def kill_time(rng: random.Random, typical: float) -> float:
    """Most of a short command's life is starting Python; aim the kills at the rest
    (unlock, migrate, write, sync), with some landing just after it ends."""
    return rng.uniform(0.35 * typical, 1.05 * typical)
