"""The priority list on the reference caseload (5,000 people): every factor's signal read
from the encrypted store, each person scored and explained, the list ranked. Budget
< 200 ms (issue 20), timed as a coordinator sees it (the whole team) and with the
team's weights changed (the weights dialog's preview).

    setpriv --bounding-set -ipc_lock --inh-caps -ipc_lock \\
        .venv/bin/python bench/priority.py [--people 5000] [--reuse] [--runs 15]

Works on a scratch copy of the shared demo profile (bench/out/access-N) with the
outcome benchmark's planted hospital events (bench/outcomes.plant: two events a
person, synthetic and seeded), so the hospital factors read real rows.

Measured 5 December 2026 (2 shared cores, load about 2): 177 ms median / 185 ms p95
with the team's weights, 174 / 182 with weights changed (4,183 open people, 2,559
carer-strain checks). Before: 375 ms (joins per person, a GROUP BY in the store,
ORM rows, frozen dataclasses): with SQLCipher's memory security on, each value handed
back and each row looked up costs; each table's wanted rows are read whole instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.priority.priority_list import priority_list
from app.workspace import unlock
from bench._profiles import PASSPHRASE, scratch_copy, shared_profile
from bench._stats import summary, timed
from bench.outcomes import plant
from storage.tables import StaffMember

BUDGET_MS = 200


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    target = scratch_copy(shared_profile(args.people, reuse=args.reuse), "priority")
    workspace = unlock(target, PASSPHRASE)
    try:
        plant(workspace)
        with workspace.store.write(workspace.actor) as s:
            me = s.get(StaffMember, workspace.actor.user_id)
            assert me is not None
            me.role = "coordinator"
        found = priority_list(workspace)
        scored = sum(1 for r in found.rows if r.scored.score)
        print(
            f"{len(found.rows):,} people listed, {scored:,} with a score;"
            f" top score {found.rows[0].scored.score if found.rows else 0}"
        )
        print(
            summary(
                "priority list (team weights)",
                timed(lambda: priority_list(workspace), args.runs),
                BUDGET_MS,
            )
        )
        changed = {"no_contact": 5, "falls": 4, "lives_alone": 0}
        print(
            summary(
                "priority list (weights changed)",
                timed(lambda: priority_list(workspace, weights=changed), args.runs),
                BUDGET_MS,
            )
        )
    finally:
        workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
