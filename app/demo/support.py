"""Demo telecare and personal budgets, coherent with the rest of the person's record.

Telecare: anyone a mobile response officer has already been out to has a pendant alarm
(their telecare response notes need an alarm to have raised), and a few more of the
over-75s who live alone: between a third and a half of those in all; a falls detector
where falls are in the plan, a key safe where the record has an access-to-home alert
(never its code), a medication dispenser where memory or medication is. Installed
before the first response note; mostly tested on schedule, some overdue; a few still
on an analogue line. Family responds where a carer is named, the mobile response
service otherwise.

Personal budgets: where the plan says it is paid by direct payment (always one), and
some council-funded or continuing healthcare plans; mostly direct payments.

Each person's draws come from a generator seeded by their own id, so adding these rows
leaves every other builder's draws (and so the rest of the caseload) as it was.
"""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta

from app.demo.common import Row, new_id
from app.demo.directory import Directory
from app.demo.subject import Subject
from app.values.telecare import DEFAULT_TEST_EVERY_DAYS
from app.values.vocab import (
    AlertKind,
    BudgetKind,
    BudgetManagement,
    BudgetPeriod,
    ContactType,
    TelecareKind,
    TelecareResponder,
)

logger = logging.getLogger(__name__)

# Of over-75s living alone with no response note: the notes (app.demo.notes) already
# send a mobile response officer to a third or more of them, each of whom has an alarm.
ALARM_CHANCE = 0.05
OVERDUE_CHANCE = 0.25
ANALOGUE_CHANCE = 0.15
PAYS_FOR = (
    "A personal assistant three mornings a week for washing and dressing",
    "Two hours a week at the day centre, and transport there",
    "A carer's break: a sitter one afternoon a week so {carer} can go out",
    "Help with shopping and cleaning, twice a week",
    "Swimming with a support worker on Tuesdays",
)


def _lives_alone(s: Subject, person: Row) -> bool:
    said = person.get("lives_alone")
    return bool(said) if said is not None else not s.carer_is_spouse


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


class SupportBuilder:
    def __init__(self, d: Directory, as_of: date) -> None:
        self.d, self.as_of = d, as_of

    def build(self, s: Subject, batch: dict[str, list[Row]]) -> None:
        rng = random.Random(f"support:{s.id}")
        person = next(p for p in reversed(batch["person"]) if p["id"] == s.id)
        self._telecare(rng, s, person, batch)
        self._budget(rng, s, batch)

    # -- telecare ---------------------------------------------------------------------

    def _telecare(
        self, rng: random.Random, s: Subject, person: Row, batch: dict[str, list[Row]]
    ) -> None:
        responses = sorted(
            n["occurred_at"].date()  # type: ignore[attr-defined]
            for n in batch["contact_note"]
            if n["person_id"] == s.id and n["contact_type"] == ContactType.TELECARE_RESPONSE.value
        )
        alone_and_old = s.age >= 75 and _lives_alone(s, person)
        if not responses and not (alone_and_old and rng.random() < ALARM_CHANCE):
            return
        last = s.last_day(self.as_of)
        born: date = person["date_of_birth"]  # type: ignore[assignment]
        latest = min(responses[0] if responses else last, last) - timedelta(days=7)
        # Never before they were born (a child whom a response officer visited has one).
        installed = max(latest - _days(rng, 0, 900), born + timedelta(days=1))
        if installed > latest:
            return
        themes = s.theme_keys
        kinds = [TelecareKind.PENDANT_ALARM.value]
        if "mobility" in themes or "falls" in {r for t in s.themes for r in t.risks}:
            kinds.append(TelecareKind.FALLS_DETECTOR.value)
        if AlertKind.ACCESS_TO_HOME.value in s.alert_kinds:
            kinds.append(TelecareKind.KEY_SAFE.value)
        if themes & {"memory", "medication"} and rng.random() < 0.5:
            kinds.append(TelecareKind.MEDICATION_DISPENSER.value)
        if "memory" in themes and rng.random() < 0.4:
            kinds.append(TelecareKind.DOOR_SENSOR.value)
        family = s.carer_first is not None and rng.random() < 0.6
        analogue = rng.random() < ANALOGUE_CHANCE
        for kind in kinds:
            batch["telecare_item"].append(
                self._item(rng, s, kind, installed, last, family, analogue)
            )

    def _item(
        self,
        rng: random.Random,
        s: Subject,
        kind: str,
        installed: date,
        last: date,
        family: bool,
        analogue: bool,
    ) -> Row:
        every = DEFAULT_TEST_EVERY_DAYS
        since = (last - installed).days
        if kind == TelecareKind.KEY_SAFE.value:
            tested = None  # nothing to test: checked when the code is changed
        elif rng.random() < OVERDUE_CHANCE and since > every + 10:
            tested = last - _days(rng, every + 5, min(since, every + 200))
        elif since > 30:
            tested = last - _days(rng, 1, min(since, every - 10))
        else:
            tested = None
        telecare = self.d.orgs["telecare"]
        if family:
            responder, detail = TelecareResponder.FAMILY.value, s.carer_phrase or s.carer_first
        else:
            responder = TelecareResponder.MOBILE_RESPONSE.value
            detail = f"Carephone mobile response, {telecare.phone}"
        return {
            "id": new_id(rng),
            "person_id": s.id,
            "kind": kind,
            "description": None if kind != TelecareKind.KEY_SAFE.value else "By the back door",
            "installed_on": installed,
            "last_tested_on": tested if tested is None or tested >= installed else installed,
            "test_every_days": every,
            "responder": responder,
            "responder_detail": detail,
            "analogue_line": None if kind == TelecareKind.KEY_SAFE.value else analogue,
            # Taken out after they died; a discharged case keeps its alarm.
            "removed_on": s.died_on if s.died_on and s.died_on >= installed else None,
        }

    # -- the personal budget ----------------------------------------------------------

    def _budget(self, rng: random.Random, s: Subject, batch: dict[str, list[Row]]) -> None:
        plan = next((p for p in batch["care_plan"] if p["person_id"] == s.id), None)
        funding = plan.get("funding_source") if plan else None
        if funding == "Direct payment":
            kind, how = BudgetKind.PERSONAL_BUDGET, BudgetManagement.DIRECT_PAYMENT
        elif funding == "Council-funded (Care Act)" and rng.random() < 0.35:
            kind = BudgetKind.PERSONAL_BUDGET
            how = rng.choice(
                [
                    BudgetManagement.MANAGED_ACCOUNT,
                    BudgetManagement.DIRECT_PAYMENT,
                    BudgetManagement.INDIVIDUAL_SERVICE_FUND,
                ]
            )
        elif funding == "NHS Continuing Healthcare" and rng.random() < 0.4:
            kind, how = BudgetKind.PERSONAL_HEALTH_BUDGET, BudgetManagement.DIRECT_PAYMENT
        else:
            return
        last = s.last_day(self.as_of)
        started = max(s.known_since, last - _days(rng, 30, 700))
        if started > last:
            return
        weekly = rng.randrange(80, 600) * 100 + rng.choice((0, 50))
        wanted = rng.choice(PAYS_FOR)
        if "{carer}" in wanted and s.carer_first is None:
            wanted = PAYS_FOR[0]  # a carer's break needs a carer
        pays_for = wanted.format(carer=s.carer_first)
        batch["personal_budget"].append(
            {
                "id": new_id(rng),
                "person_id": s.id,
                "kind": kind.value,
                "amount_pence": weekly,
                "period": BudgetPeriod.WEEK.value,
                "managed_as": how.value,
                "pays_for": pays_for,
                "started_on": started,
                "ended_on": None if s.open else last,
            }
        )
