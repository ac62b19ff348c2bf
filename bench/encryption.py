"""The encrypted store against plain SQLite on the same work (DESIGN.md: < 1.25x), and
the store's own floor for what a pull of 10,000 changes must keep.

    .venv/bin/python bench/encryption.py [--rounds 9]

A new profile (SQLCipher, its own key) and a plain SQLite copy of it made by
SQLCipher's export (same schema, indexes and triggers, no key), each opened with the
pragmas a pull writes under (WAL, the profile's page cache, not waiting for the
disk), take the same work in alternating rounds, so a busy machine weighs on both:

- write: what a pull of 10,000 visit notes keeps, and nothing else: 10,000 journal
  rows (a pulled append keeps no copy of its row) and 10,000 notes, two pages of
  5,000 in one transaction, the notes' summary trigger lifted as a pull lifts it
  (storage/summary_bulk.py). No JSON, no HTTP, no checks: this is the floor under
  `bench/sync.py`'s pull, for this machine, in this sitting;
- read: 10,000 of the person's notes read back in timeline order (a record's visit
  history, from its index).

Synthetic data only. Run without CAP_IPC_LOCK as on a user's laptop:
`setpriv --bounding-set -ipc_lock --inh-caps -ipc_lock .venv/bin/python bench/encryption.py`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlcipher3

from bench._stats import summary
from storage import profile
from storage.ids import new_id
from storage.keyvault import KdfParams

PASSPHRASE = "benchmark passphrase, synthetic data only"
KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)  # the KDF is not what is measured
CHANGES, PAGE = 10_000, 5_000
RATIO_BUDGET = 1.25
TRIGGER = "contact_note_summary_ai"
# As a pull writes (storage/engine.py, storage/store.py's unflushed write).
PRAGMAS = (
    "PRAGMA temp_store = MEMORY",
    "PRAGMA cache_size = -65536",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
)


def _stores(folder: Path) -> tuple[Any, Any]:
    """The encrypted profile's own connection, and a plain copy's."""
    store = profile.create(folder / "encrypted", PASSPHRASE, kdf=KDF)
    encrypted: Any = store.engine.raw_connection().driver_connection
    plain_path = folder / "plain.db"
    # The path is ours (a temporary folder); ATTACH takes no bound parameters.
    encrypted.execute(f"ATTACH DATABASE '{plain_path}' AS plain KEY ''")
    encrypted.execute("SELECT sqlcipher_export('plain')")
    encrypted.execute("DETACH DATABASE plain")
    plain = sqlcipher3.connect(str(plain_path), isolation_level=None, check_same_thread=False)
    for conn in (encrypted, plain):
        conn.isolation_level = None
        for pragma in PRAGMAS:
            conn.execute(pragma)
        # One made-up person the notes belong to; no other record is needed.
        conn.execute("PRAGMA foreign_keys = OFF")
    return encrypted, plain


class Work:
    """Rows shaped as a pull stores them, new ids each round (as new changes are)."""

    def __init__(self, conn: Any) -> None:
        self.journal_columns = [row[1] for row in conn.execute("PRAGMA table_info(change_journal)")]
        self.note_columns = [row[1] for row in conn.execute("PRAGMA table_info(contact_note)")]
        self.device, self.author, self.organisation, self.person = (
            str(uuid.uuid4()) for _ in range(4)
        )
        self.stamp = 1_800_000_000_000_000

    def rows(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        journal, notes = [], []
        for n in range(CHANGES):
            self.stamp += 1
            note_id = new_id()
            change = {
                "change_id": new_id(),
                "hlc": self.stamp,
                "device_id": self.device,
                "author_id": self.author,
                "organisation_id": self.organisation,
                "entity": "contact_note",
                "entity_id": note_id,
                "op": "append",
                "recorded_at": "2026-12-06 10:00:00.123456",
                "pushed_at": "2026-12-06 10:00:01.123456",
            }
            note = {
                "id": note_id,
                "person_id": self.person,
                "contact_type": "home_visit",
                "occurred_at": "2026-12-06 09:00:00.000000",
                "narrative": f"Benchmark visit note {n}: walked to the kitchen with the frame, "
                "medicines taken, no concerns raised by her daughter.",
                "author_id": self.author,
                "author_role": "community_nurse",
                "organisation_id": self.organisation,
                "linked_goal_ids": "[]",
                "sensitive": 0,
                "recorded_at": "2026-12-06 10:00:00.123456",
                "recorded_by": self.author,
                "recorded_org": self.organisation,
                "recorded_device": self.device,
            }
            journal.append(tuple(change.get(c) for c in self.journal_columns))
            notes.append(tuple(note.get(c) for c in self.note_columns))
        return journal, notes

    def write(self, conn: Any) -> Callable[[], None]:
        journal, notes = self.rows()
        marks = ", ".join

        def run() -> None:
            into_journal = (
                f"INSERT INTO change_journal ({marks(self.journal_columns)}) "  # noqa: S608
                f"VALUES ({marks('?' * len(self.journal_columns))})"
            )
            into_notes = (
                f"INSERT INTO contact_note ({marks(self.note_columns)}) "  # noqa: S608
                f"VALUES ({marks('?' * len(self.note_columns))})"
            )
            (trigger,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (TRIGGER,)
            ).fetchone()
            conn.execute("BEGIN")
            conn.execute(f'DROP TRIGGER "{TRIGGER}"')
            for start in range(0, CHANGES, PAGE):
                conn.executemany(into_journal, journal[start : start + PAGE])
                conn.executemany(into_notes, notes[start : start + PAGE])
            conn.execute(trigger)
            conn.execute("COMMIT")

        return run

    def read(self, conn: Any) -> Callable[[], None]:
        def run() -> None:
            found = conn.execute(
                "SELECT id, occurred_at, narrative FROM contact_note WHERE person_id = ? "
                "ORDER BY occurred_at DESC LIMIT ?",
                (self.person, CHANGES),
            ).fetchall()
            assert found, "the notes were written"

        return run


def _timed(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        encrypted, plain = _stores(Path(tmp))
        works = {"encrypted": Work(encrypted), "plain": Work(plain)}
        conns = {"encrypted": encrypted, "plain": plain}
        writes: dict[str, list[float]] = {"encrypted": [], "plain": []}
        reads: dict[str, list[float]] = {"encrypted": [], "plain": []}
        for round_ in range(args.rounds + 1):
            # Alternating which goes first; the first round warms both and is not kept.
            order = ("encrypted", "plain") if round_ % 2 else ("plain", "encrypted")
            for name in order:
                wrote = _timed(works[name].write(conns[name]))
                read = _timed(works[name].read(conns[name]))
                if round_:
                    writes[name].append(wrote)
                    reads[name].append(read)
        print(f"\n== the store's own work, {CHANGES:,} pulled visit notes a round")
        for name in ("encrypted", "plain"):
            print(summary(f"write a pull's rows, {name}", writes[name]))
        for name in ("encrypted", "plain"):
            print(summary(f"read the person's notes back, {name}", reads[name]))
        for label, samples in (("write", writes), ("read", reads)):
            ratio = statistics.median(samples["encrypted"]) / statistics.median(samples["plain"])
            verdict = "within budget" if ratio < RATIO_BUDGET else "OVER BUDGET"
            print(f"encrypted / plain, {label}: {ratio:.2f}x ({verdict}: < {RATIO_BUDGET}x)")
        encrypted.close()
        plain.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
