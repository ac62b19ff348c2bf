"""Foundation budgets on the reference caseload (5,000 people, ~100,000 notes, ~20,000 goals).

    .venv/bin/python bench/foundation.py [--people 5000] [--reuse] [--out DIR]
        [--saves 200] [--only-save] [--compare-synchronous]

Prints: demo build time and profile size; unlock time beyond the deliberate
Argon2id cost; saving one visit note (data + journal + audit); caseload
search and sort. Uses a synthetic demo profile under bench/out/ (git-ignored),
or under --out (e.g. a folder an unprivileged user may write to).

--compare-synchronous times saving a note with `PRAGMA synchronous = NORMAL` and
with `FULL` (what the profile uses: each commit waits for the WAL to reach the
disk) in alternating blocks of ten, in one sitting, so a busy machine weighs on
both alike; --only-save skips the unlock and caseload timings.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, event

from app.services.care.notes import add_note
from app.services.caseload.caseload import CaseloadQuery, fetch
from app.services.profile.demo_profile import create_demo_profile
from app.workspace import Workspace, unlock
from bench._stats import summary, timed
from storage import keyvault, profile

PASSPHRASE = "benchmark passphrase, synthetic data only"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--reuse", action="store_true", help="reuse <out>/profile-N if present")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    parser.add_argument("--saves", type=int, default=200, help="timed note saves (each mode)")
    parser.add_argument("--only-save", action="store_true", help="time saving a note only")
    parser.add_argument(
        "--compare-synchronous",
        action="store_true",
        help="time saving a note under synchronous=NORMAL and =FULL, interleaved",
    )
    args = parser.parse_args()
    target = args.out / f"profile-{args.people}"

    if not (args.reuse and profile.exists(target)):
        shutil.rmtree(target, ignore_errors=True)
        start = time.perf_counter()
        workspace, built = create_demo_profile(target, PASSPHRASE, people=args.people, seed=2026)
        elapsed = time.perf_counter() - start
        workspace.close()
        print(
            f"demo --people {args.people}: {elapsed:.1f} s; {built.people:,} people, "
            f"{built.notes:,} notes, {built.goals:,} goals"
        )
    print(f"profile size: {folder_size(target) / 1e6:.1f} MB")

    if not args.only_save:
        time_unlock(target)
    workspace = unlock(target, PASSPHRASE)
    try:
        save_note = note_saver(workspace)
        if save_note is None:
            print("no one on the first page is inside the user's relationship", file=sys.stderr)
            return 1
        timed(save_note, 10)  # warm up
        if args.compare_synchronous:
            compare_synchronous(workspace.store.engine, save_note, args.saves)
        else:
            print(
                summary(
                    "save a visit note (data + journal + audit)", timed(save_note, args.saves), 20
                )
            )
        if not args.only_save:
            time_caseload(workspace)
    finally:
        workspace.close()
    return 0


def time_unlock(target: Path) -> None:
    """Unlock = read the vault, Argon2id (deliberately slow), AES-GCM unwrap, open
    SQLCipher with the raw key, check the schema, sign in, write the audit event.
    Time the whole thing, and the KDF inside it, on the same call."""
    vault = keyvault.read_vault(target / profile.VAULT_FILE)
    real_derive = keyvault.KdfParams.derive
    kdf_ms: list[float] = []

    def measured_derive(self: keyvault.KdfParams, passphrase: str, salt: bytes) -> bytes:
        start = time.perf_counter()
        try:
            return real_derive(self, passphrase, salt)
        finally:
            kdf_ms.append((time.perf_counter() - start) * 1000)

    keyvault.KdfParams.derive = measured_derive  # type: ignore[method-assign]
    total_ms: list[float] = []
    for _ in range(10):
        start = time.perf_counter()
        ws = unlock(target, PASSPHRASE)
        total_ms.append((time.perf_counter() - start) * 1000)
        ws.close()
    keyvault.KdfParams.derive = real_derive  # type: ignore[method-assign]
    print(
        f"Argon2id parameters: t={vault.kdf.time_cost}, m={vault.kdf.memory_kib // 1024} MiB, "
        f"p={vault.kdf.parallelism}"
    )
    print(summary("Argon2id key derivation (deliberate)", kdf_ms))
    print(
        summary(
            "unlock beyond the KDF", [t - k for t, k in zip(total_ms, kdf_ms, strict=True)], 300
        )
    )


def note_saver(workspace: Workspace) -> Callable[[], None] | None:
    """Saving one visit note, to someone inside the user's relationship (rows outside it
    carry no NHS number, and a note there needs break-glass)."""
    _, page = fetch(workspace, CaseloadQuery(limit=200))
    numbers = [row.nhs_number for row in page if not row.limited and row.nhs_number]
    if not numbers:
        return None
    counter = iter(range(10**9))

    def save_note() -> None:
        n = next(counter)
        add_note(workspace, numbers[n % len(numbers)], f"Benchmark visit note {n}: all well.")

    return save_note


def compare_synchronous(engine: Engine, save_note: Callable[[], None], saves: int) -> None:
    """NORMAL against FULL in alternating blocks of ten saves. Each checkout sets the
    mode on the connection the save is about to use (a PRAGMA, in both modes alike)."""
    mode = {"now": "FULL"}

    @event.listens_for(engine, "checkout")
    def _set_mode(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        dbapi_conn.execute(f"PRAGMA synchronous = {mode['now']}")
        assert dbapi_conn.execute("PRAGMA synchronous").fetchone()[0] == _LEVELS[mode["now"]]

    samples: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    order = ["NORMAL", "FULL"]
    for _ in range(-(-saves // 10)):
        for name in order:
            mode["now"] = name
            samples[name] += timed(save_note, 10)
        order.reverse()  # neither mode always goes first
    event.remove(engine, "checkout", _set_mode)
    for name, values in samples.items():
        print(summary(f"save a visit note, synchronous={name}", values[:saves], 20))


_LEVELS = {"NORMAL": 1, "FULL": 2}


def time_caseload(workspace: Workspace) -> None:
    for label, query in [
        ("caseload first page, sorted by name", CaseloadQuery(limit=200)),
        ("caseload search 'smi' (name)", CaseloadQuery(search="smi", limit=200)),
        ("caseload search '999 1' (NHS number)", CaseloadQuery(search="999 1", limit=200)),
        ("caseload sorted by next visit due", CaseloadQuery(sort="next_visit_due", limit=200)),
        (
            "caseload sorted by highest risk, desc",
            CaseloadQuery(sort="risk", descending=True, limit=200),
        ),
    ]:
        print(summary(label, timed(lambda q=query: fetch(workspace, q), 30), 50))


if __name__ == "__main__":
    sys.exit(main())
