"""The personalised care and support plan: strengths, needs, goals, actions,
the plan itself with its agreed versions, and the contingency plan."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from itertools import pairwise
from typing import Final

from app.demo.common import Row, local_dt, new_id, start_of_day_utc
from app.demo.directory import Directory
from app.demo.subject import Episode, Subject
from app.demo.themes import THEMES, Theme
from app.demo.themes_young import GENERAL_GOALS
from app.demo.voice import strengths
from app.values.vocab import ActionStatus, GoalStatus, Role
from app.values.vocab import ReablementOutcome as O

LEARNER_AGE: Final = 16  # a provisional driving licence is for 16 and over (driving at 17)
GOAL_COUNTS: Final = (2, 3, 4, 4, 5, 6)
# Of plans agreed again, how many were re-agreed by their review date (a locality
# team reviewing most plans on time, some late when visits were missed).
REVIEWED_ON_TIME: Final = 0.8
IMPORTANCE_WEIGHTS: Final = (1, 1, 2, 3, 5, 7, 9, 10, 9, 8)
GOAL_STATUSES: Final = (
    (GoalStatus.IN_PROGRESS.value, 55),
    (GoalStatus.NOT_STARTED.value, 15),
    (GoalStatus.ACHIEVED.value, 15),
    (GoalStatus.PARTIALLY_ACHIEVED.value, 8),
    (GoalStatus.NOT_ACHIEVED.value, 3),
    (GoalStatus.DISCONTINUED.value, 4),
)
OUTCOMES: Final = {
    GoalStatus.ACHIEVED.value: (
        "Achieved: managing this on my own now",
        "Achieved, with a bit of help from family",
    ),
    GoalStatus.PARTIALLY_ACHIEVED.value: (
        "Partly: I can do it on a good day",
        "Getting there: halfway to where I want to be",
    ),
    GoalStatus.NOT_ACHIEVED.value: ("Not achieved: my health got worse",),
    GoalStatus.DISCONTINUED.value: ("No longer what I want",),
}
# What reablement works on: getting back the everyday things, in the person's words
# (theme key for the actions that go with each).
REABLEMENT_GOALS: Final = (
    ("I want to get washed and dressed on my own", "personal_care"),
    ("I want to make my own breakfast and a hot drink again", "personal_care"),
    ("I want to get to the toilet on my own, day and night", "personal_care"),
    ("I want to get in and out of bed without help", "mobility"),
    ("I want to walk round the house without holding on to the furniture", "mobility"),
    ("I want to get out to the garden and back on my own", "mobility"),
)
REABLEMENT_THEMES: Final = frozenset({"mobility", "personal_care"})
THEME_BY_KEY: Final = {t.key: t for t in THEMES}
# A goal the episode worked on ends as the episode did (open episodes: in progress).
LINKED_STATUS: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    O.INDEPENDENT.value: (
        (GoalStatus.ACHIEVED.value, 85),
        (GoalStatus.PARTIALLY_ACHIEVED.value, 15),
    ),
    O.REDUCED_SUPPORT.value: (
        (GoalStatus.ACHIEVED.value, 50),
        (GoalStatus.PARTIALLY_ACHIEVED.value, 50),
    ),
    O.ONGOING_SUPPORT.value: (
        (GoalStatus.PARTIALLY_ACHIEVED.value, 50),
        (GoalStatus.NOT_ACHIEVED.value, 25),
        (GoalStatus.IN_PROGRESS.value, 25),
    ),
    O.READMITTED.value: (
        (GoalStatus.NOT_ACHIEVED.value, 60),
        (GoalStatus.PARTIALLY_ACHIEVED.value, 20),
        (GoalStatus.DISCONTINUED.value, 20),
    ),
    O.RESIDENTIAL_CARE.value: (
        (GoalStatus.DISCONTINUED.value, 70),
        (GoalStatus.NOT_ACHIEVED.value, 30),
    ),
    O.DIED.value: ((GoalStatus.NOT_ACHIEVED.value, 1),),
    O.DECLINED.value: ((GoalStatus.DISCONTINUED.value, 80), (GoalStatus.NOT_ACHIEVED.value, 20)),
}
TIMINGS: Final = (
    "Tuesdays and Fridays",
    "Daily, morning and teatime",
    "Weekly",
    "Fortnightly",
    "Within 2 weeks",
    "By the end of the month",
    "Every morning",
    "Monday to Friday for 6 weeks",
    "Thursdays",
    "At the next review",
)
STRATEGIES: Final = (
    "Break it into small steps and celebrate each one",
    "Use the written reminder on the fridge",
    "Try it on good days first",
    None,
    None,
    None,
)
FUNDING: Final = (
    "Council-funded (Care Act)",
    "Self-funded",
    "Direct payment",
    "NHS Continuing Healthcare",
    "Reablement (free for up to 6 weeks)",
    None,
)


def _linked_status(rng: random.Random, e: Episode) -> str:
    if e.outcome is None:
        return GoalStatus.IN_PROGRESS.value
    table = LINKED_STATUS[e.outcome]
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


class PlanBuilder:
    def __init__(self, rng: random.Random, d: Directory, as_of: date) -> None:
        self.rng, self.d, self.as_of = rng, d, as_of
        telecare, council = d.orgs["telecare"], d.orgs["council"]
        self.fixed: dict[str, tuple[str, str, str | None, str | None]] = {
            "reablement": (
                "Reablement team",
                "Reablement support workers",
                council.id,
                d.team_phone,
            ),
            "voluntary": (
                d.orgs["voluntary"].name,
                "Befriending and handyperson service",
                d.orgs["voluntary"].id,
                d.orgs["voluntary"].phone,
            ),
            "telecare": ("Carephone", "Telecare and mobile response", telecare.id, telecare.phone),
        }
        self.by_title = {
            "matron": d.by_title("Community matron"),
            "connector": d.by_title("Community connector"),
            "mh": d.by_title("Community mental health nurse"),
        }
        self.roles = {
            "nurse": Role.COMMUNITY_NURSE.value,
            "sw": Role.SOCIAL_WORKER.value,
            "ot": Role.OCCUPATIONAL_THERAPIST.value,
            "physio": Role.PHYSIOTHERAPIST.value,
        }

    def _who(self, agency: str, s: Subject) -> tuple[str, str | None, str | None, str | None]:
        if agency in self.fixed:
            return self.fixed[agency]
        if agency == "gp":
            return s.doctor, "GP", s.gp.org.id, s.gp.org.phone
        if agency == "practice_nurse":
            return "Practice nurse", "Practice nurse", s.gp.org.id, s.gp.org.phone
        if agency == "carer" and s.carer_first:
            return s.carer_first, "Carer", None, None
        if agency in ("self", "carer"):
            return ("Mum", "Parent", None, None) if s.group == "baby" else ("Me", None, None, None)
        staff = self.by_title.get(agency)
        if staff is None:
            role = self.roles[agency]
            lead = s.lead
            staff = (
                lead
                if lead is not None and lead.role == role
                else self.rng.choice(self.d.by_role(role))
            )
        return staff.name, staff.job_title, staff.org.id, staff.phone

    def build(self, s: Subject, batch: dict[str, list[Row]]) -> None:
        rng = self.rng
        fill = {"carer": s.carer_or_family, "town": s.town.name}
        for text in strengths(rng, s):
            batch["strength"].append({"id": new_id(rng), "person_id": s.id, "description": text})
        need_ids: dict[str, str] = {}
        for theme in s.themes:
            text, outcome = rng.choice(theme.needs)
            need_ids[theme.key] = new_id(rng)
            batch["need"].append(
                {
                    "id": need_ids[theme.key],
                    "person_id": s.id,
                    "description": text.format(**fill),
                    "care_act_outcome": outcome,
                }
            )
        snapshot: list[dict[str, object]] = []
        e = s.episode
        for theme, statement in self._pick_goals(s):
            linked = e if e is not None and theme.key in REABLEMENT_THEMES else None
            snapshot.append(self._goal(s, theme, statement, need_ids, fill, batch, linked))
        self._plan(s, snapshot, batch)

    def _pick_goals(self, s: Subject) -> list[tuple[Theme, str]]:
        rng = self.rng
        named = s.carer_first is not None
        themed = [(t, g) for t in s.themes for g in t.goals if named or "{carer}" not in g]
        general = [
            (rng.choice(s.themes), g)
            for g in GENERAL_GOALS[s.group]
            if (named or "{carer}" not in g) and (s.age >= LEARNER_AGE or "drive" not in g)
        ]
        rng.shuffle(themed)
        rng.shuffle(general)
        picked: list[tuple[Theme, str]] = []
        seen: set[str] = set()
        for theme, g in themed[:3] + general[:1] + themed[3:] + general[1:]:
            if g not in seen:
                seen.add(g)
                picked.append((theme, g))
        picked = picked[: rng.choice(GOAL_COUNTS)]
        if s.episode is not None:
            # Reablement's own goals first: one or two everyday things to get back.
            own = [
                (THEME_BY_KEY[key], g)
                for g, key in rng.sample(REABLEMENT_GOALS, rng.choice((1, 2, 2)))
                if g not in seen
            ]
            picked = own + picked[: max(1, len(picked) - len(own))]
        return picked

    def _goal(
        self,
        s: Subject,
        theme: Theme,
        statement: str,
        need_ids: dict[str, str],
        fill: dict[str, str],
        batch: dict[str, list[Row]],
        episode: Episode | None = None,
    ) -> dict[str, object]:
        rng, as_of = self.rng, self.as_of
        gid = new_id(rng)
        text = statement.format(**fill)
        status = rng.choices([v for v, _ in GOAL_STATUSES], [w for _, w in GOAL_STATUSES])[0]
        if episode is not None:
            status = _linked_status(rng, episode)
            episode.goal_ids.append(gid)
        outcomes = OUTCOMES.get(status)
        need_id = need_ids.get(theme.key) if rng.random() < 0.85 else None
        importance = rng.choices(range(1, 11), IMPORTANCE_WEIGHTS)[0]
        target = as_of + timedelta(days=rng.randrange(-60, 180))
        if status == GoalStatus.NOT_STARTED.value and target <= as_of:
            # A goal not started yet usually aims ahead (a past target would read as
            # overdue, app/values/overdue.py): mirror it forward (no new draw).
            target = as_of + (as_of - target) + timedelta(days=7)
        if episode is not None:
            target = episode.planned_end_on  # the episode's six weeks (or its longer plan)
        row: Row = {
            "id": gid,
            "person_id": s.id,
            "need_id": need_id,
            "statement": text,
            "importance": importance,
            "status": status,
            "target_date": target,
            "outcome": rng.choice(outcomes) if outcomes else None,
            "reablement_episode_id": episode.id if episode is not None else None,
        }
        batch["goal"].append(row)
        s.goal_rows.append(row)
        s.goal_ids.append(gid)
        s.goal_texts.append(text)
        actions = []
        for what, agency in rng.sample(
            theme.actions, min(len(theme.actions), rng.choice((1, 2, 2, 3)))
        ):
            name, role, org_id, contact = self._who(agency, s)
            done = status == GoalStatus.ACHIEVED.value or rng.random() < 0.25
            what_text = what.format(**fill)
            updated = max(s.known_since, as_of - timedelta(days=rng.randrange(1, 200)))
            batch["plan_action"].append(
                {
                    "id": new_id(rng),
                    "person_id": s.id,
                    "goal_id": gid,
                    "what": what_text,
                    "who_name": name,
                    "who_role": role,
                    "who_organisation_id": org_id,
                    "who_contact": contact,
                    "timing": rng.choice(TIMINGS),
                    "due_on": as_of + timedelta(days=rng.randrange(-30, 90)),
                    "status": ActionStatus.DONE.value
                    if done
                    else rng.choice(
                        (
                            ActionStatus.PLANNED.value,
                            ActionStatus.IN_PROGRESS.value,
                            ActionStatus.IN_PROGRESS.value,
                        )
                    ),
                    "confidence": None if rng.random() < 0.1 else rng.randrange(4, 11),
                    "strategies": rng.choice(STRATEGIES),
                    "review_on": as_of + timedelta(days=rng.randrange(14, 120))
                    if rng.random() < 0.5
                    else None,
                    "last_updated": local_dt(updated, rng.randrange(9, 17), rng.randrange(60)),
                }
            )
            actions.append({"what": what_text, "who": name})
        return {"id": gid, "statement": text, "actions": actions}

    def _plan(
        self, s: Subject, goals: list[dict[str, object]], batch: dict[str, list[Row]]
    ) -> None:
        rng, as_of = self.rng, self.as_of
        plan_id = new_id(rng)
        version = 0 if rng.random() < 0.1 else rng.choices((1, 2, 3, 4), (40, 30, 15, 5))[0]
        if s.group == "baby" or (s.group == "teen" and s.age < 16):
            who, role = f"{s.carer_first or 'Parent'}", "parent"
        elif s.carer_first and rng.random() < 0.25:
            who, role = s.carer_first, "carer"
        else:
            who, role = s.full_name, "the person"
        last = s.last_day(as_of)  # no plan agreed after the case closed
        first = min(last, s.known_since + timedelta(days=rng.randrange(7, 30)))
        span = max(0, (last - first).days)
        days = sorted(rng.randrange(span + 1) for _ in range(version - 1))
        agreed = [first] + [first + timedelta(days=d) for d in days]
        s.plan_reviews = agreed[1:version]
        self._made(s, goals, agreed[:version] or [first])
        review_due = as_of + timedelta(days=rng.randrange(-30, 121))
        dues = self._dues(random.Random(plan_id), agreed[:version], review_due)
        for k, (on, due) in enumerate(zip(agreed[:version], dues, strict=True), start=1):
            shown = goals[: max(1, -(-len(goals) * k // version))]
            frozen = {
                "version": k,
                "agreed_on": on.isoformat(),
                "agreed_with_name": who,
                "agreed_with_role": role,
                "review_due": due.isoformat(),
                "goals": shown,
            }
            batch["care_plan_version"].append(
                {
                    "id": new_id(rng),
                    "plan_id": plan_id,
                    "person_id": s.id,
                    "version": k,
                    "agreed_on": on,
                    "agreed_with_name": who,
                    "agreed_with_role": role,
                    # As agree_plan freezes it: the same keys, sorted.
                    "snapshot": json.dumps(frozen, ensure_ascii=False, sort_keys=True),
                }
            )
        batch["care_plan"].append(
            {
                "id": plan_id,
                "person_id": s.id,
                "version": version,
                "status": "draft" if version == 0 or rng.random() < 0.3 else "agreed",
                "agreed_on": agreed[version - 1] if version else None,
                "agreed_with_name": who if version else None,
                "agreed_with_role": role if version else None,
                "review_due": review_due,
                "review_owner_id": s.lead.id if s.lead else None,
                "funding_source": rng.choice(FUNDING),
            }
        )

    def _dues(self, rng: random.Random, agreed: list[date], current: date) -> list[date]:
        """The review date each version was agreed with. A version re-agreed later was
        reviewed then: mostly on or before its review date (REVIEWED_ON_TIME), else
        up to six weeks late. The last version's is the plan's review date now, or,
        where that is not after the day it was agreed, twelve weeks on. `rng` is the
        plan's own (seeded by its id), so the demo's other draws are as they were."""
        dues: list[date] = []
        for on, following in pairwise(agreed):
            if rng.random() < REVIEWED_ON_TIME:
                due = following + timedelta(days=rng.randrange(0, 29))
            else:
                due = following - timedelta(days=rng.randrange(1, 43))
            dues.append(max(due, on + timedelta(days=1)))
        if agreed:
            dues.append(current if current > agreed[-1] else agreed[-1] + timedelta(weeks=12))
        return dues

    def _made(self, s: Subject, goals: list[dict[str, object]], agreed: list[date]) -> None:
        """When each goal was made (its row's recorded_at): the first agreed version
        that shows it, or the start of the reablement episode that set it; reviews
        come after it."""
        count, versions = len(goals), len(agreed)
        e = s.episode
        for index, row in enumerate(s.goal_rows):
            k = next(k for k in range(1, versions + 1) if -(-count * k // versions) > index)
            made = agreed[k - 1]
            if e is not None and row["reablement_episode_id"] == e.id:
                made = min(made, e.started_on)
            s.goal_made.append(made)
            row["recorded_at"] = (
                start_of_day_utc(made) if made >= self.as_of else local_dt(made, 9 + index % 8)
            )
