"""How fast `onerecord` starts (issue 21), each run a fresh interpreter as a user's is.

    .venv/bin/python bench/cli_start.py [--runs 30] [--root CHECKOUT]

Prints median and p95 of: `onerecord --help`; a subcommand's `--help`
(`plan end --help`); and `onerecord list` on a small profile (two people), its key
derivation reported on its own line and taken off. The profile uses a cheap key
derivation so that what is timed is the command line's own work. For reference,
the bare interpreter's start (`python -c pass`) is printed too: it is inside both
budgets. Budgets: < 150 ms for `--help`; < 300 ms for a command beyond the KDF.
--root times another checkout's `onerecord` (say, an export of the commit before a
change); the profile is made by this one's. (`python -X importtime -m ui.launcher
--help` shows where the time goes.)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.record.people import NewPerson, register
from app.workspace import create
from bench._stats import summary, timed
from storage.keyvault import KdfParams

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "benchmark passphrase, synthetic data only"
KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)  # the KDF is not what is measured
HELP_BUDGET_MS = 150
COMMAND_BUDGET_MS = 300  # beyond the key derivation


def _small_profile(folder: Path) -> Path:
    path = folder / "profile"
    ws = create(path, PASSPHRASE, user_name="Bench user", kdf=KDF)
    try:
        register(ws, NewPerson("9990000018", "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
        register(ws, NewPerson("9990000026", "Alun", "Pritchard", "1951-10-30", "BD23 1JD"))
    finally:
        ws.close()
    return path


def _runner(root: Path, env: dict[str, str], *args: str) -> Callable[[], None]:
    command = [sys.executable, *args]

    def run() -> None:
        subprocess.run(command, cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)

    return run


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="onerecord-cli-start-") as scratch:
        folder = Path(scratch)
        profile = _small_profile(folder)
        # Logs and the default profile stay in the scratch folder, not the user's.
        env = os.environ | {
            "ONERECORD_PASSPHRASE": PASSPHRASE,
            "XDG_STATE_HOME": str(folder / "state"),
            "XDG_DATA_HOME": str(folder / "data"),
        }
        launcher = ("-m", "ui.launcher")
        steps = [
            ("python -c pass (the interpreter alone)", ("-c", "pass"), None),
            ("onerecord --help", (*launcher, "--help"), HELP_BUDGET_MS),
            ("onerecord plan end --help", (*launcher, "plan", "end", "--help"), HELP_BUDGET_MS),
        ]
        for label, argv, budget in steps:
            run = _runner(args.root, env, *argv)
            run()  # warm the file cache and the bytecode
            print(summary(label, timed(run, args.runs), budget))

        salt = os.urandom(16)
        kdf = timed(lambda: KDF.derive(PASSPHRASE, salt), args.runs)
        print(summary("key derivation (this profile's KDF)", kdf))
        listing = _runner(args.root, env, *launcher, "list", "--profile", str(profile))
        listing()
        samples = timed(listing, args.runs)
        print(summary("onerecord list (2 people), with the KDF", samples))
        kdf_ms = sorted(kdf)[len(kdf) // 2]
        print(
            summary(
                "onerecord list, beyond the KDF",
                [s - kdf_ms for s in samples],
                COMMAND_BUDGET_MS,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
