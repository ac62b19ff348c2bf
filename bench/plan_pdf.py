"""Care plan PDF budget (< 500 ms) on the reference caseload.

    .venv/bin/python bench/plan_pdf.py [--people 5000] [--runs 40]

Uses bench/out/profile-N, built by bench/foundation.py (run that first). Times the
whole render as the Print action does it (read the plan in one session, lay it out,
build the PDF in memory) for a spread of people, in normal and large print, and
separately the FHIR export of one person. Synthetic data only.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from app.reports.fhir import export_fhir
from app.reports.printing import render_plan
from app.workspace import unlock
from bench._stats import summary, timed
from storage import profile
from storage.tables import Goal, Person

PASSPHRASE = "benchmark passphrase, synthetic data only"
BUDGET_MS = 500


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    target = Path(__file__).resolve().parent / "out" / f"profile-{args.people}"
    if not profile.exists(target):
        print(f"No profile in {target}: run bench/foundation.py --people {args.people} first.")
        return 1
    workspace = unlock(target, PASSPHRASE)
    try:
        with workspace.store.read() as session:
            numbers = list(
                session.execute(select(Person.nhs_number).where(Person.nhs_number.is_not(None)))
                .scalars()
                .all()
            )
            # The person with the most goals: the longest plan on the caseload.
            busiest = session.execute(
                select(Person.nhs_number)
                .join(Goal, Goal.person_id == Person.id)
                .group_by(Person.id)
                .order_by(func.count(Goal.id).desc())
                .limit(1)
            ).scalar_one()
        rng = random.Random(2026)
        sample = [n for n in rng.sample(numbers, min(args.runs, len(numbers))) if n]
        render_plan(workspace, sample[0])  # fonts registered, caches warm: as in the app

        def spread(large: bool) -> list[float]:
            times: list[float] = []
            for nhs in sample:
                times += timed(lambda nhs=nhs: render_plan(workspace, nhs, large_print=large), 1)
            return times

        pages = [render_plan(workspace, n).pages for n in sample[:10]]
        print(f"caseload: {len(numbers):,} people; sample of {len(sample)}; pages {pages}")
        print(summary("care plan PDF (normal print, spread)", spread(False), BUDGET_MS))
        print(summary("care plan PDF (large print, spread)", spread(True), BUDGET_MS))
        longest = render_plan(workspace, busiest, large_print=True)
        print(f"longest plan: {longest.pages} pages in large print")
        print(
            summary(
                "care plan PDF (longest plan, large print)",
                timed(lambda: render_plan(workspace, busiest, large_print=True), 10),
                BUDGET_MS,
            )
        )
        export_fhir(workspace, sample[0])
        print(
            summary(
                "FHIR R4 export, one person (validated)",
                timed(lambda: export_fhir(workspace, rng.choice(sample)), 10),
            )
        )
    finally:
        workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
