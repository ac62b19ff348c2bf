"""How many bytes a real push batch is: what the server's body limit is set against.

    .venv/bin/python bench/push_body.py [--people 200] [--seed 7]

Builds a demo profile (the synthetic caseload `onerecord demo` makes: people, notes,
plans, goals, alerts, audit events), then walks its whole outbox the way a laptop's
first push does (sync/client/outbox.py), in batches of the client's default (1,000)
and of the protocol's maximum (MAX_PUSH_BATCH, 2,000), and reports the largest and
median body in bytes, beside the server's limit (sync/server/limits.py) and the
laptop's batch cut (MAX_PUSH_BYTES). Then one batch of 2,000 visit notes at the
longest a note may be (20,000 characters), to show where the laptop cuts it.
Synthetic data only; nothing is sent anywhere.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Connection

from app.services.care.notes import MAX_NOTE_CHARS
from app.services.profile.demo_profile import create_demo_profile
from storage.keyvault import KdfParams
from sync.client import outbox
from sync.protocol import MAX_PUSH_BATCH, MAX_PUSH_BYTES
from sync.server.limits import MAX_PUSH_BODY_BYTES

KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
PASSPHRASE = "bench only, not a secret passphrase"


def batch_sizes(conn: Connection, per_batch: int) -> list[int]:
    """The body size of every batch of the outbox, oldest first, without marking
    anything sent (the rows are walked by their journal order instead)."""
    sizes: list[int] = []
    rows = conn.exec_driver_sql(
        f"SELECT entity, {outbox._WIRE} FROM change_journal ORDER BY seq"  # noqa: S608
    ).all()
    wire = [w.encode() for entity, w in rows if entity not in outbox.DIRECTORY]
    for start in range(0, len(wire), per_batch):
        chunk = wire[start : start + per_batch]
        sizes.append(len(b'{"changes":[') + sum(len(c) for c in chunk) + len(chunk) + 1)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ws, summary = create_demo_profile(
            Path(folder) / "demo", PASSPHRASE, people=args.people, seed=args.seed, kdf=KDF
        )
        with ws.store.engine.connect() as conn:
            print(f"demo profile: {summary.people:,} people")
            for per_batch in (1000, MAX_PUSH_BATCH):
                sizes = batch_sizes(conn, per_batch)
                print(
                    f"batches of {per_batch:,}: {len(sizes)} batches, largest "
                    f"{max(sizes):,} bytes, median {int(statistics.median(sizes)):,} bytes"
                )
        ws.close()
    longest_note = len(f'{{"narrative":"{"x" * MAX_NOTE_CHARS}"}}') + 400
    print(
        f"{MAX_PUSH_BATCH:,} notes of {MAX_NOTE_CHARS:,} characters: about "
        f"{MAX_PUSH_BATCH * longest_note:,} bytes, cut by the laptop at "
        f"{MAX_PUSH_BYTES:,} bytes (every {MAX_PUSH_BYTES // longest_note + 1} notes)"
    )
    print(f"server limit for a push body: {MAX_PUSH_BODY_BYTES:,} bytes")


if __name__ == "__main__":
    main()
