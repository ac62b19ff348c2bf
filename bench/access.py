"""Need-to-know costs on the reference caseload (5,000 people, ~100,000 notes).

    .venv/bin/python bench/access.py [--people 5000] [--reuse]

Every caseload query now marks each row as inside or outside the user's
relationship (same team, lead, visits, professional contact) in SQL; opening a
record checks access and break-glass first. Prints median and p95 against the
budgets: caseload filter/sort < 50 ms, open a record < 150 ms.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.caseload.caseload import CaseloadQuery, fetch
from app.services.need_to_know.break_glass import break_glass
from app.services.record.record import open_record
from app.workspace import unlock
from bench._profiles import PASSPHRASE, shared_profile
from bench._stats import summary, timed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    target = shared_profile(args.people, reuse=args.reuse)
    ws = unlock(target, PASSPHRASE)
    try:
        total, rows = fetch(ws, CaseloadQuery(limit=None))
        outside = [r for r in rows if r.limited]
        inside = [r for r in rows if not r.limited]
        print(f"{total} people: {len(outside)} outside the nurse's relationship")
        for label, query in [
            ("caseload first page, sorted by name", CaseloadQuery(limit=200)),
            ("caseload search 'smi' (name)", CaseloadQuery(search="smi", limit=200)),
            (
                "caseload sorted by highest risk, desc",
                CaseloadQuery(sort="risk", descending=True, limit=200),
            ),
            ("caseload filter level of need", CaseloadQuery(level_of_need="specialist", limit=200)),
        ]:
            print(summary(label, timed(partial(fetch, ws, query), 30), 50))
        person = inside[len(inside) // 2].person_id
        print(
            summary(
                "open a record (access checked)", timed(lambda: open_record(ws, person), 30), 150
            )
        )
        other = outside[0].person_id
        break_glass(ws, other, "Benchmark: synthetic break-glass reason")
        print(
            summary("open a record by break-glass", timed(lambda: open_record(ws, other), 30), 150)
        )
    finally:
        ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
