"""The coordinator's budgets on the reference caseload (5,000 people).

    .venv/bin/python bench/coordinator.py [--people 5000] [--reuse]

Prints median and p95 for: the team view's first page and its filters and sorts
(budget: 50 ms, the caseload's), the counts strip, the charts (data and PNGs),
the weekly summary PDF; and importing a 5,000-row CSV (check only, and the whole
all-or-nothing import into a fresh profile). Works on its own copy of the
foundation benchmark's demo profile (built if missing) under bench/out/.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from app.reports.team_charts import gather_charts, render_png
from app.reports.weekly_summary import render_summary
from app.services.caseload.caseload_import import import_caseload, preview
from app.services.profile.demo_profile import create_demo_profile
from app.services.team.team_caseload import TeamQuery, fetch_team
from app.services.team.team_counts import team_counts
from app.values.nhs_number import synthetic
from app.values.vocab import Role
from app.workspace import create, unlock
from bench._stats import summary, timed
from storage import profile, settings
from storage.keyvault import KdfParams
from storage.tables import StaffMember

PASSPHRASE = "benchmark passphrase, synthetic data only"
PAGE = 100  # the Team view's page (ui/team/team_model.py)
OUT = Path(__file__).resolve().parent / "out"


def team_profile(people: int, reuse: bool) -> Path:
    target = OUT / f"coordinator-{people}"
    if reuse and profile.exists(target):
        return target
    shutil.rmtree(target, ignore_errors=True)
    source = OUT / f"profile-{people}"
    if profile.exists(source):
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("backups"))
    else:
        workspace, _ = create_demo_profile(target, PASSPHRASE, people=people, seed=2026)
        workspace.close()
    return target


def sign_in_coordinator(path: Path) -> None:
    """The demo signs in a district nurse; the team tools are the coordinator's."""
    workspace = unlock(path, PASSPHRASE)
    try:
        with workspace.store.write(workspace.actor) as session:
            coordinator = session.execute(
                select(StaffMember.id)
                .where(StaffMember.role == Role.COORDINATOR.value, StaffMember.active.is_(True))
                .order_by(StaffMember.id)
                .limit(1)
            ).scalar_one()
            settings.put(session, settings.SIGNED_IN_USER, coordinator)
    finally:
        workspace.close()


def spreadsheet(rows: int, seed: int = 7) -> str:
    """A synthetic team spreadsheet: 999-range NHS numbers, British dates."""
    rng = random.Random(seed)
    lines = ["NHS number,First name,Surname,DOB,Postcode,Level of need"]
    seen: set[str] = set()
    while len(lines) <= rows:
        number = synthetic(rng).digits
        if number in seen:
            continue
        seen.add(number)
        n = len(lines)
        born = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1925, 1990)}"
        level = rng.choice(["universal", "targeted", "specialist"])
        lines.append(f"{number},Test{n},Family{n:05d},{born},DL8 3AB,{level}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    target = team_profile(args.people, args.reuse)
    sign_in_coordinator(target)
    workspace = unlock(target, PASSPHRASE)
    try:
        total, _ = fetch_team(workspace, TeamQuery(limit=1))
        print(f"team caseload: {total:,} open people")
        lead = next(p.staff_id for p in team_counts(workspace).practitioners if p.people)
        cases = [
            ("team view first page (100, by name)", TeamQuery(limit=PAGE)),
            ("filter: unallocated", TeamQuery(unallocated=True, limit=PAGE)),
            ("filter: one lead professional", TeamQuery(lead_professional_id=lead, limit=PAGE)),
            ("filter: visits overdue", TeamQuery(next_visit="overdue", limit=PAGE)),
            ("filter: plan reviews overdue", TeamQuery(plan_review="overdue", limit=PAGE)),
            ("filter: consent reviews overdue", TeamQuery(consent_review_overdue=True, limit=PAGE)),
            ("filter: risk reviews overdue", TeamQuery(risk_review_overdue=True, limit=PAGE)),
            ("filter: open conflicts", TeamQuery(with_conflicts=True, limit=PAGE)),
            ("filter: high risk, sorted by risk", TeamQuery(min_risk=15, sort="risk", limit=PAGE)),
            ("search 'smi'", TeamQuery(search="smi", limit=PAGE)),
            (
                "sort: last contact, newest first",
                TeamQuery(sort="last_contact", descending=True, limit=PAGE),
            ),
            ("sort: consent review due", TeamQuery(sort="consent_review_due", limit=PAGE)),
            ("sort: risk review due", TeamQuery(sort="risk_review_due", limit=PAGE)),
            ("sort: next visit due", TeamQuery(sort="next_visit_due", limit=PAGE)),
            ("sort: lead professional", TeamQuery(sort="lead_professional", limit=PAGE)),
        ]
        for label, query in cases:
            run = partial(fetch_team, workspace, query)
            timed(run, 3)  # warm the page cache
            print(summary(label, timed(run, 30), 50))
        print(summary("counts strip (team_counts)", timed(lambda: team_counts(workspace), 20)))
        print(summary("charts: data", timed(lambda: gather_charts(workspace), 10)))
        charts = gather_charts(workspace)
        drawn = (charts.caseload, charts.reviews, charts.contacts)
        print(summary("charts: three PNGs drawn", timed(lambda: [render_png(c) for c in drawn], 5)))
        print(summary("weekly summary PDF", timed(lambda: render_summary(workspace), 5)))
        sheet = spreadsheet(5000)
        print(
            summary(
                "import check, 5,000 rows vs 5,000 people",
                timed(lambda: preview(workspace, sheet), 5),
            )
        )
    finally:
        workspace.close()

    samples = []
    for _run in range(3):
        with tempfile.TemporaryDirectory(dir=OUT) as folder:
            fresh = create(
                Path(folder) / "p",
                PASSPHRASE,
                user_name="Benchmark coordinator",
                role=Role.COORDINATOR,
                kdf=KdfParams(time_cost=1, memory_kib=8192, parallelism=1),
            )
            try:
                start = time.perf_counter()
                report = import_caseload(fresh, sheet)
                samples.append((time.perf_counter() - start) * 1000)
                assert report.created == 5000, report.created
            finally:
                fresh.close()
    print(summary("import 5,000-row CSV (all or nothing)", samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
