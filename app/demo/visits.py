"""Planned visits: the weeks ahead for everyone open, some overdue, and the
signed-in nurse's round for today."""

from __future__ import annotations

import json
import random
import uuid
from datetime import date, datetime, timedelta
from typing import Final

from app.demo.common import Row, local_dt, new_id, weekday_on_or_before
from app.demo.directory import Directory, Staff
from app.demo.subject import Subject

NURSE_PURPOSES: Final = (
    "Wound review",
    "Pressure area check",
    "Post-discharge review",
    "B12 injection",
    "Catheter change",
    "Care plan review",
    "Medication review with family",
)
# Only for someone on warfarin (Subject.anticoagulated, said in their About me).
INR: Final = "INR blood test"
THEME_PURPOSES: Final = {
    "skin": "Leg ulcer dressing and compression",
    "diabetes": "Insulin and blood sugar check",
    "end_of_life": "Symptom review and syringe driver check",
    "breathing": "Breathing review and oxygen check",
    "feeding": "Baby weight and feeding review",
    "type1": "Blood sugar and insulin review with {name}",
}
# Under 18: no adult services (Care Act reviews, carers' assessments of the person's
# carer, pressure care, bath lifts): a child's or young person's reviews instead.
YOUNG_PURPOSES: Final = {
    "community_nurse": ("Health review with the family", "Care plan review"),
    "social_worker": ("Family support review", "Care plan review with family"),
    "occupational_therapist": ("Home and school equipment review",),
    "physiotherapist": ("Mobility review",),
    "support_worker": ("Welfare check",),
}
CARER_ONLY: Final = "Carer's assessment"
ROLE_PURPOSES: Final = {
    "social_worker": ("Care Act review", "Carer's assessment", "Care plan review with family"),
    "occupational_therapist": ("Equipment check: bath lift", "Home environment assessment"),
    "physiotherapist": ("Strength and balance session", "Mobility review"),
    "support_worker": ("Community connector visit", "Welfare check"),
}
# Local start times for the nurse's round today (a realistic morning and afternoon).
ROUND: Final = (
    (8, 45),
    (9, 30),
    (10, 15),
    (11, 0),
    (11, 45),
    (13, 15),
    (14, 0),
    (14, 45),
    (15, 30),
    (16, 15),
)


class VisitPlanner:
    """`now`, when given, is when the demo is made on its `as_of` day: a slot of today's
    round that has already begun is a visit done (with its note), never one planned in
    the past. Ids and notes for those come from the visit's id, not the seeded generator,
    so the hour a demo is made changes nothing else in it."""

    def __init__(
        self, rng: random.Random, d: Directory, as_of: date, now: datetime | None = None
    ) -> None:
        self.rng, self.d, self.as_of, self.now = rng, d, as_of, now
        self.today_left = rng.randrange(5, 9)
        self.overdue_left = rng.randrange(2, 4)
        self.slots = sorted(rng.sample(ROUND, self.today_left))

    def _purpose(self, s: Subject, staff: Staff) -> str:
        rng = self.rng
        if staff.role == "community_nurse":
            if s.anticoagulated and rng.random() < 0.4:
                return INR
            for t in s.themes:
                if t.key in THEME_PURPOSES and rng.random() < 0.7:
                    return THEME_PURPOSES[t.key].format(name=s.preferred)
        if s.age < 18:
            return rng.choice(YOUNG_PURPOSES.get(staff.role, ("Review visit",)))
        if staff.role == "community_nurse":
            return rng.choice(NURSE_PURPOSES)
        pool = ROLE_PURPOSES.get(staff.role, ("Review visit",))
        return rng.choice([p for p in pool if s.carer_first or p != CARER_ONLY])

    def _row(self, s: Subject, staff: Staff, day: date, hour: int, minute: int) -> Row:
        return {
            "id": new_id(self.rng),
            "person_id": s.id,
            "due_at": local_dt(day, hour, minute),
            "assigned_to_id": staff.id,
            "purpose": self._purpose(s, staff),
            "status": "planned",
            "done_note_id": None,
        }

    def build(self, s: Subject, batch: dict[str, list[Row]], *, remaining: int) -> None:
        """`remaining` counts the people still to come, so today's round always fills."""
        if not s.open:
            return
        rng, as_of = self.rng, self.as_of
        rows = batch["planned_visit"]
        staff = s.lead or self.d.nurse
        nurse = self.d.nurse
        mine = s.lead is nurse
        if self.today_left and (mine or rng.random() < 0.1 or remaining <= self.today_left):
            hour, minute = self.slots[-self.today_left]
            self.today_left -= 1
            visit = self._row(s, nurse, as_of, hour, minute)
            rows.append(visit)
            if self.now is not None and visit["due_at"] <= self.now:  # type: ignore[operator]
                self._done_earlier_today(s, nurse, visit, batch)
        elif self.overdue_left and mine and rng.random() < 0.3:
            self.overdue_left -= 1
            day = weekday_on_or_before(as_of - timedelta(days=rng.randrange(1, 10)))
            rows.append(self._row(s, nurse, day, rng.randrange(9, 16), 0))
        elif rng.random() < 0.04:
            day = weekday_on_or_before(as_of - timedelta(days=rng.randrange(1, 15)))
            rows.append(self._row(s, staff, day, rng.randrange(9, 16), 0))
        for _ in range(rng.choices((0, 1, 2), (35, 45, 20))[0]):
            day = weekday_on_or_before(as_of + timedelta(days=rng.randrange(3, 30)))
            rows.append(self._row(s, staff, day, rng.randrange(9, 17), rng.choice((0, 15, 30))))

    def _done_earlier_today(
        self, s: Subject, nurse: Staff, visit: Row, batch: dict[str, list[Row]]
    ) -> None:
        """A round visit whose time has passed: done, with the nurse's note written after it."""
        due = visit["due_at"]
        assert isinstance(due, datetime)
        assert self.now is not None
        note_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"onerecord-demo-visit:{visit['id']}"))
        recorded = min(due + timedelta(minutes=40), self.now)
        batch["contact_note"].append(
            {
                "id": note_id,
                "person_id": s.id,
                "contact_type": "home_visit",
                "occurred_at": due,
                "location": "Home",
                "narrative": f"{visit['purpose']} done as planned. Plan carried forward; "
                "no changes today.",
                "outcome": "completed",
                "author_id": nurse.id,
                "author_role": nurse.role,
                "organisation_id": nurse.org.id,
                "linked_goal_ids": json.dumps([]),
                "amends_id": None,
                "sensitive": False,
                "recorded_at": recorded,
            }
        )
        visit["status"] = "done"
        visit["done_note_id"] = note_id
