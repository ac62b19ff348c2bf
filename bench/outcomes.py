"""The outcome report on the reference caseload (5,000 people): reading the facts
from the encrypted store (`laptop_facts`) and computing the report (`compute`, small
numbers suppressed), budget 1 s together.

    setpriv --bounding-set -ipc_lock --inh-caps -ipc_lock \\
        .venv/bin/python bench/outcomes.py [--people 5000] [--reuse] [--runs 15]

Works on a scratch copy of the shared demo profile (bench/out/access-N). Unless the
demo already holds them, it plants a reablement episode, two goal reviews, two
hospital events, a referral and eight experience answers for every person
(synthetic, seeded), so every query reads real rows.

Measured 5 December 2026 (2 shared cores): facts + compute 556 ms median / 563 ms p95
(facts alone 473 / 579), with CI starting beside it. The code before the index on the
agreed review date, Core reads and the collector pause, timed in the same process on
the same profile under a load of about 4: 2,394 / 2,534 ms against 1,354 / 1,586 ms
(CPU 1,116 against 658 ms), the two reports identical.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from app.reports.outcomes.laptop_facts import laptop_facts
from app.reports.outcomes.measures import compute
from app.services import clock
from app.values import vocab
from app.workspace import Workspace, unlock
from bench._profiles import PASSPHRASE, scratch_copy, shared_profile
from bench._stats import summary, timed
from storage.bulk import insert_rows
from storage.tables import (
    ExperienceAnswer,
    Goal,
    GoalReview,
    HospitalEvent,
    Person,
    ReablementEpisode,
    Referral,
)

BUDGET_MS = 1000


def plant(workspace: Workspace, seed: int = 19) -> None:
    rng = random.Random(seed)
    today = clock.today()
    with workspace.store.write(workspace.actor) as s:
        if s.scalar(select(func.count()).select_from(ReablementEpisode)):
            return
        people = list(s.scalars(select(Person.id)))
        goals = dict(s.execute(select(Goal.person_id, Goal.id)).all())
        me = workspace.actor.user_id
        episodes, reviews, events, referrals, answers = [], [], [], [], []
        for pid in people:
            start = today - timedelta(days=rng.randint(20, 300))
            ended = start + timedelta(days=rng.randint(10, 42))
            done = ended < today
            left = start - timedelta(days=rng.randint(0, 3))
            check = done and left + timedelta(days=91) <= today
            episodes.append(
                {
                    "person_id": pid,
                    "started_on": start,
                    "planned_end_on": start + timedelta(days=42),
                    "discharged_on": left,
                    "ended_on": ended if done else None,
                    "outcome": rng.choice(list(vocab.ReablementOutcome)).value if done else None,
                    "follow_up_on": left + timedelta(days=91) if check else None,
                    "follow_up_result": rng.choice(list(vocab.FollowUpResult)).value
                    if check
                    else None,
                }
            )
            if pid in goals:
                for n in range(2):
                    reviews.append(
                        {
                            "person_id": pid,
                            "goal_id": goals[pid],
                            "reviewed_on": start + timedelta(days=20 * (n + 1)),
                            "result": rng.choice(list(vocab.GoalResult)).value,
                            "gas_score": rng.randint(-2, 2),
                            "reviewed_by_id": me,
                        }
                    )
            for _ in range(2):
                events.append(
                    {
                        "person_id": pid,
                        "kind": rng.choice(list(vocab.HospitalEventKind)).value,
                        "occurred_on": start - timedelta(days=rng.randint(-200, 300)),
                        "entered_in_error": False,
                    }
                )
            referrals.append(
                {"person_id": pid, "source": "gp", "urgency": "routine", "received_on": start}
            )
            for statement in vocab.ExperienceStatement:
                answers.append(
                    {
                        "person_id": pid,
                        "asked_on": ended,
                        "statement": statement.value,
                        "answer": rng.choice(list(vocab.ExperienceAnswer)).value,
                        "answered_by": "person",
                        "asked_by_id": me,
                    }
                )
        insert_rows(s, ReablementEpisode, episodes)
        insert_rows(s, GoalReview, reviews)
        insert_rows(s, HospitalEvent, events)
        insert_rows(s, Referral, referrals)
        insert_rows(s, ExperienceAnswer, answers)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    target = scratch_copy(shared_profile(args.people, reuse=args.reuse), "outcomes")
    workspace = unlock(target, PASSPHRASE)
    try:
        plant(workspace)
        today = clock.today()
        start, end = date(today.year - 1, today.month, 1), today

        def facts() -> object:
            with workspace.store.read() as s:
                return laptop_facts(s, None, today)

        def both() -> object:
            with workspace.store.read() as s:
                found = laptop_facts(s, None, today)
            return compute(found, start, end, scope="Bench team")

        with workspace.store.read() as s:
            f = laptop_facts(s, None, today)
        print(
            f"facts: {len(f.people):,} people, {len(f.referrals):,} referrals,"
            f" {len(f.episodes):,} episodes, {len(f.goal_reviews):,} goal reviews,"
            f" {len(f.hospital):,} hospital events, {len(f.plan_reviews):,} plan reviews,"
            f" {len(f.experience):,} experience answers"
        )
        print(summary("laptop_facts", timed(facts, args.runs)))
        print(summary("laptop_facts + compute", timed(both, args.runs), BUDGET_MS))
    finally:
        workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
