"""Goal reviews (with goal attainment scaling) and the person's experience of their
care, asked at plan reviews.

Every goal the plan marks achieved, partly achieved, not achieved or discontinued has
a review with that result (some an earlier "partly" one too), signed by a member of
the team: the therapist who ran the reablement episode for its goals (reviewed when it
ended), otherwise the lead professional (or the district nurse). Goals the episode
worked on are all scaled (reablement teams commonly use goal attainment scaling,
Turner-Stokes 2009), and some others.

Experience: about half the people whose plan has been reviewed answered the National
Voices "I" statements at their latest review, mostly positively (as in the surveys
that use them, with "I tell my story once" the weakest); a carer answers, or answers
with them, for a child, or for someone whose capacity is in question.

Each person's reviews come from its own `random.Random`, seeded by the person's id.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from app.demo.common import Row, new_id
from app.demo.directory import Directory, Staff
from app.demo.subject import Subject
from app.values.vocab import AnsweredBy, GoalResult, GoalStatus, Role
from app.values.vocab import ExperienceAnswer as A
from app.values.vocab import ExperienceStatement as Q

RESULT: Final = {
    GoalStatus.ACHIEVED.value: GoalResult.ACHIEVED.value,
    GoalStatus.PARTIALLY_ACHIEVED.value: GoalResult.PARTLY.value,
    GoalStatus.NOT_ACHIEVED.value: GoalResult.NOT_ACHIEVED.value,
    GoalStatus.DISCONTINUED.value: GoalResult.NO_LONGER_WANTED.value,
}
# Goal attainment scaling: 0 is the outcome expected, +1/+2 better than expected,
# -1 some progress (partly), the baseline (or -2, worse) when not achieved.
ACHIEVED_SCORES: Final = ((0, 60), (1, 30), (2, 10))
GAS_CHANCE: Final = 0.3  # goals outside reablement given a baseline
INTERIM_CHANCE: Final = 0.3
INTERIM_COMMENT: Final = (
    "Getting there: some progress since the plan was made",
    "Partly: managing on good days",
)
EXPERIENCE_CHANCE: Final = 0.45
ANSWERS: Final = (A.YES_DEFINITELY.value, A.YES_SOMEWHAT.value, A.NO.value, A.NOT_SURE.value)
# Answer weights (yes definitely, yes somewhat, no, not sure) per statement.
USUAL: Final = (55, 30, 7, 8)
WEIGHTS: Final[dict[str, tuple[int, int, int, int]]] = {
    Q.TELL_STORY_ONCE.value: (35, 35, 20, 10),
    Q.TEAM_TALKS.value: (45, 35, 8, 12),
}
KNOWS_LEAD: Final = (70, 20, 4, 6)
NO_LEAD: Final = (10, 20, 50, 20)
UNHAPPY: Final = (20, 35, 30, 15)  # one person in seven or so is not well served


class ReviewBuilder:
    def __init__(self, d: Directory, as_of: date) -> None:
        self.d, self.as_of = d, as_of
        self.therapists = d.by_role(Role.OCCUPATIONAL_THERAPIST.value) + d.by_role(
            Role.PHYSIOTHERAPIST.value
        )

    def build(self, s: Subject, batch: dict[str, list[Row]]) -> None:
        rng = random.Random(f"reviews-{s.id}")
        self._goals(rng, s, batch["goal_review"])
        self._experience(rng, s, batch["experience_answer"])

    def _goals(self, rng: random.Random, s: Subject, out: list[Row]) -> None:
        last = s.last_day(self.as_of)
        e = s.episode
        lead = s.lead or self.d.nurse
        for row, made in zip(s.goal_rows, s.goal_made, strict=True):
            linked = e is not None and row["reablement_episode_id"] == e.id
            if linked or (s.group in ("older", "adult") and rng.random() < GAS_CHANCE):
                row["gas_baseline"] = -2 if rng.random() < 0.3 else -1
            result = RESULT.get(str(row["status"]))
            if result is None:
                continue
            if linked and e is not None and e.ended_on is not None:
                on = min(last, e.ended_on + timedelta(days=rng.randrange(4)))
                reviewer = rng.choice(self.therapists)
            else:
                on = _later_day(rng, made + timedelta(days=14), last)
                reviewer = lead
            room = (on - made).days
            if result in RESULT_WITH_INTERIM and room >= 28 and rng.random() < INTERIM_CHANCE:
                # An earlier review on the way: partly there.
                middle = made + timedelta(days=rng.randrange(14, room - 7))
                comment = rng.choice(INTERIM_COMMENT)
                out.append(_review(rng, s, row, middle, GoalResult.PARTLY.value, reviewer, comment))
            # The final review says what the goal's outcome says.
            comment = str(row["outcome"] or rng.choice(INTERIM_COMMENT))
            out.append(_review(rng, s, row, on, result, reviewer, comment))

    def _experience(self, rng: random.Random, s: Subject, out: list[Row]) -> None:
        if not s.plan_reviews or rng.random() >= EXPERIENCE_CHANCE:
            return
        asked = [s.plan_reviews[-1]]
        if len(s.plan_reviews) > 1 and rng.random() < 0.25:
            asked.insert(0, rng.choice(s.plan_reviews[:-1]))
        asker = s.lead or self.d.nurse
        by = _answered_by(rng, s)
        unhappy = rng.random() < 0.15
        for on in asked:
            statements = [q.value for q in Q]
            if rng.random() < 0.4:
                statements = rng.sample(statements, rng.randrange(4, 8))
            for statement in statements:
                weights = UNHAPPY if unhappy else WEIGHTS.get(statement, USUAL)
                if statement == Q.KNOW_COORDINATOR.value:
                    weights = KNOWS_LEAD if s.lead is not None else NO_LEAD
                out.append(
                    {
                        "id": new_id(rng),
                        "person_id": s.id,
                        "asked_on": on,
                        "statement": statement,
                        "answer": rng.choices(ANSWERS, weights)[0],
                        "answered_by": by,
                        "asked_by_id": asker.id,
                    }
                )


RESULT_WITH_INTERIM: Final = frozenset({GoalResult.ACHIEVED.value, GoalResult.PARTLY.value})


def _review(
    rng: random.Random,
    s: Subject,
    goal: Row,
    on: date,
    result: str,
    reviewer: Staff,
    comment: str,
) -> Row:
    baseline = goal.get("gas_baseline")
    return {
        "id": new_id(rng),
        "person_id": s.id,
        "goal_id": goal["id"],
        "reviewed_on": on,
        "result": result,
        "gas_score": _gas(rng, result, baseline) if isinstance(baseline, int) else None,
        "comment": comment,
        "reviewed_by_id": reviewer.id,
    }


def _gas(rng: random.Random, result: str, baseline: int) -> int | None:
    if result == GoalResult.ACHIEVED.value:
        return rng.choices([v for v, _ in ACHIEVED_SCORES], [w for _, w in ACHIEVED_SCORES])[0]
    if result == GoalResult.PARTLY.value:
        return -1
    if result == GoalResult.NOT_ACHIEVED.value:
        return baseline if rng.random() < 0.7 else -2
    return None  # no longer wanted: not scored


def _answered_by(rng: random.Random, s: Subject) -> str:
    """A parent for a baby; a young teenager with their parent; a carer (or with the
    person) when capacity is in question; otherwise mostly the person."""
    if s.group == "baby":
        return AnsweredBy.CARER.value
    if s.group == "teen" and s.age < 16:
        return AnsweredBy.TOGETHER.value
    if s.carer_first is None:
        return AnsweredBy.PERSON.value
    if s.lacks_capacity or "memory" in s.theme_keys:
        return rng.choice((AnsweredBy.CARER.value, AnsweredBy.TOGETHER.value))
    return AnsweredBy.PERSON.value if rng.random() < 0.6 else AnsweredBy.TOGETHER.value


def _later_day(rng: random.Random, earliest: date, last: date) -> date:
    """A day from `earliest` to `last`, leaning late (reviews follow the work)."""
    span = (last - earliest).days
    if span <= 0:
        return last
    return earliest + timedelta(days=round(span * rng.random() ** 0.6))
