"""Years of contact notes from every agency: who wrote them, when, and what they say."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Final

from app.demo import narratives as text
from app.demo.common import LONDON, Row, local_dt, new_id, start_of_day_utc
from app.demo.directory import Directory, Staff
from app.demo.subject import Episode, Subject
from app.values.vocab import ContactType as CT

TEXT_KEY: Final = {
    "District nurse": "nurse",
    "Community staff nurse": "nurse",
    "Community matron": "nurse",
    "Out-of-hours district nurse": "ooh",
    "Community mental health nurse": "cpn",
    "Practice nurse": "practice_nurse",
    "Social worker": "sw",
    "Occupational therapist": "ot",
    "Community physiotherapist": "physio",
    "Reablement support worker": "reablement",
    "Community connector": "connector",
    "Befriending coordinator": "befriender",
    "Mobile response officer": "telecare",
    "Integrated care coordinator": "coordinator",
    "Information governance lead": "ig",
}
HV, PC, MDT = CT.HOME_VISIT.value, CT.PHONE_CALL.value, CT.MDT_MEETING.value
TYPE_MIX: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    "nurse": (
        (HV, 60),
        (PC, 20),
        (CT.DISCHARGE_FOLLOW_UP.value, 8),
        (MDT, 5),
        (CT.CLINIC.value, 5),
        (CT.VIDEO_CALL.value, 2),
    ),
    "ooh": ((CT.OUT_OF_HOURS_VISIT.value, 85), (PC, 15)),
    "cpn": ((HV, 60), (PC, 30), (CT.VIDEO_CALL.value, 10)),
    "practice_nurse": ((CT.CLINIC.value, 70), (PC, 30)),
    "sw": ((HV, 45), (PC, 35), (MDT, 12), (CT.VIDEO_CALL.value, 8)),
    "ot": ((HV, 80), (PC, 20)),
    "physio": ((HV, 75), (CT.CLINIC.value, 15), (PC, 10)),
    "reablement": ((CT.REABLEMENT_SESSION.value, 100),),
    "connector": ((HV, 40), (PC, 60)),
    "befriender": ((HV, 50), (PC, 50)),
    "telecare": ((CT.TELECARE_RESPONSE.value, 100),),
    "coordinator": ((MDT, 60), (PC, 40)),
    "ig": ((PC, 100),),  # never weighted as an author: the IG lead writes no notes
}
LOCATION: Final = {
    HV: "Home",
    PC: "Telephone",
    MDT: "Team base",
    CT.VIDEO_CALL.value: "Video call",
    CT.CLINIC.value: "GP surgery",
}
LEVEL_WEIGHT: Final = {"universal": 0.6, "targeted": 0.9, "specialist": 1.3}
MEAN_LEVEL_WEIGHT: Final = 0.15 * 0.6 + 0.45 * 0.9 + 0.4 * 1.3
TELECARE_HOURS: Final = (0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 15, 18, 20, 21, 22, 23)


# A note marked sensitive: visible to its author, the lead professional and the
# author's profession only (app.services.need_to_know.access_policy).
IN_CONFIDENCE = (
    "{name} told me in confidence about a family matter they want kept to the "
    "professionals who need to know. Discussed support; no risk to others identified."
)


class NoteBuilder:
    def __init__(self, rng: random.Random, d: Directory, as_of: date, per_person: float) -> None:
        self.rng, self.d, self.as_of, self.per_person = rng, d, as_of, per_person
        self.kinds: dict[str, tuple[str, list[str], list[int]]] = {}
        for staff in d.staff:
            key = TEXT_KEY[staff.job_title]
            mix = TYPE_MIX[key]
            self.kinds[staff.id] = (key, [t for t, _ in mix], list(accumulate(w for _, w in mix)))
        self.reablers = [s for s in d.staff if s.job_title == "Reablement support worker"]
        self.ot = d.by_title("Occupational therapist")
        self.cutoff = start_of_day_utc(as_of)
        # The demo's first social worker's note is a disclosure marked sensitive, so
        # even a small demo shows a restricted note.
        self.sensitive_made = False
        self.floor = as_of  # the first day the current person's notes may fall on
        self.until = as_of  # and the last (the day before the demo's, or the case closed)

    def _authors(self, s: Subject) -> tuple[list[Staff], list[float]]:
        d = self.d
        themes = {t.key for t in s.themes}
        weights: dict[str, float] = {}
        for staff in d.staff:
            key = TEXT_KEY[staff.job_title]
            w = {
                "nurse": 1.5,
                "sw": 1.5,
                "ot": 1.0,
                "physio": 0.8,
                "coordinator": 0.4,
                "connector": 0.6,
                "practice_nurse": 0.5,
                "ooh": 0.8,
                "telecare": 0.7,
                "befriender": 0.5,
                "cpn": 0.0,
                "reablement": 0.0,
                "ig": 0.0,
            }[key]
            if key == "cpn" and themes & {"memory", "mental_health", "family"}:
                w = 3.0
            if key in ("telecare", "befriender", "ooh") and s.group != "older":
                w *= 0.2
            if key in ("ot", "physio") and s.group in ("teen", "baby"):
                w *= 0.1
            weights[staff.id] = w
        if s.lead is not None:
            weights[s.lead.id] = weights.get(s.lead.id, 0) + 6.0
        authors = [x for x in d.staff if weights[x.id] > 0]
        return authors, list(accumulate(weights[x.id] for x in authors))

    def build(self, s: Subject, batch: dict[str, list[Row]]) -> None:
        rng, as_of = self.rng, self.as_of
        jitter = rng.uniform(0.4, 1.6) * LEVEL_WEIGHT[s.level] / MEAN_LEVEL_WEIGHT
        count = int(self.per_person * jitter + rng.random())
        if count <= 0:
            return
        end = s.last_day(as_of - timedelta(days=1))  # nothing after the case closed
        start = min(s.known_since, end)
        self.floor, self.until = start, end
        span = (end - start).days
        notes = batch["contact_note"]
        first = len(notes)
        authors, cum = self._authors(s)
        fill = {
            "name": s.preferred,
            "carer": s.carer_first or "the family",
            "gp": s.doctor,
            "town": s.town.name,
            "goal": "",
            "week": "1",
        }
        e = s.episode
        if e is not None:
            count -= self._reablement(s, e, end, count, fill, notes)
        # The first contact after the referral is on the day they joined (unless the
        # reablement episode's first visit already is).
        opening = e is None or e.started_on > start
        for _ in range(count):
            if opening:
                author = s.lead or self.d.nurse
                key, kind, day = self.kinds[author.id][0], HV, start
                opening = False
            else:
                author = rng.choices(authors, cum_weights=cum)[0]
                key, types, tcum = self.kinds[author.id]
                kind = rng.choices(types, cum_weights=tcum)[0]
                day = end - timedelta(days=int(span * rng.random() ** 1.4))
            notes.append(self._note(s, author, key, kind, day, fill))
        if len(notes) - first > 12 and rng.random() < 0.05:
            self._correction(s, notes[rng.randrange(first, len(notes))], fill, notes)

    def _reablement(
        self, s: Subject, e: Episode, end: date, count: int, fill: dict[str, str], notes: list[Row]
    ) -> int:
        """The episode's first visit (the nurse's discharge follow-up, or the OT's
        assessment at home) and its sessions, all inside the episode."""
        rng = self.rng
        begin = e.started_on
        last = min(e.ended_on or end, end)
        if e.discharged_on is not None:
            lead = s.lead if s.lead is not None and s.lead.role == "community_nurse" else None
            who, key, kind = lead or self.d.nurse, "nurse", CT.DISCHARGE_FOLLOW_UP.value
        else:
            who, key, kind = self.ot, "ot", HV
        floor, self.floor = self.floor, begin  # a weekend start moves on, never back
        notes.append(self._note(s, who, key, kind, begin, fill))
        self.floor = floor
        days = (last - begin).days
        sessions = min(max(1, count // 3), 10 + rng.randrange(8), days)
        for offset in sorted(rng.sample(range(1, days + 1), max(0, sessions))):
            fill["week"] = str((offset - 1) // 7 + 1)
            day = begin + timedelta(days=offset)
            notes.append(
                self._note(
                    s,
                    rng.choice(self.reablers),
                    "reablement",
                    CT.REABLEMENT_SESSION.value,
                    day,
                    fill,
                )
            )
        return max(0, sessions) + 1

    def _when(self, kind: str, day: date) -> datetime:
        rng = self.rng
        if kind == CT.TELECARE_RESPONSE.value:
            return local_dt(day, rng.choice(TELECARE_HOURS), rng.randrange(60))
        if kind == CT.REABLEMENT_SESSION.value:
            return local_dt(day, rng.choice((7, 8, 9, 12, 13, 16, 17, 18)), rng.randrange(60))
        if kind == CT.OUT_OF_HOURS_VISIT.value:
            # the 7-day service: weekends in the day, weekday evenings
            weekend = day + timedelta(days=5 - day.weekday() + rng.randrange(2))
            if day.weekday() < 5 and rng.random() < 0.5 and weekend <= self.until:
                day = weekend
            if day.weekday() >= 5:
                return local_dt(day, rng.randrange(9, 21), rng.randrange(60))
            return local_dt(day, rng.randrange(18, 23), rng.randrange(60))
        if day.weekday() >= 5:  # office hours: a weekday in the same week, or the next
            earlier = day - timedelta(days=day.weekday() - 4 + rng.randrange(5))
            monday = day + timedelta(days=7 - day.weekday())
            day = earlier if earlier >= self.floor else monday if monday <= self.until else day
        if kind == MDT:
            return local_dt(day, rng.randrange(9, 15), rng.choice((0, 30)))
        return local_dt(day, rng.randrange(8, 18), rng.randrange(60))

    def _opening(self, s: Subject, kind: str, occurred: datetime) -> str:
        rng = self.rng
        if kind == CT.OUT_OF_HOURS_VISIT.value and occurred.astimezone(LONDON).weekday() >= 5:
            return rng.choice(text.WEEKEND_OPENINGS)
        if kind == HV and "access_to_home" in s.alert_kinds and rng.random() < 0.3:
            return text.KEY_SAFE_OPENING
        return rng.choice(text.OPENINGS[kind])

    def _note(
        self, s: Subject, author: Staff, key: str, kind: str, day: date, fill: dict[str, str]
    ) -> Row:
        rng = self.rng
        themes = s.theme_keys
        occurred = self._when(kind, day)
        linked: list[str] = []
        outcome = "completed"
        sensitive = False
        if kind == HV and rng.random() < 0.03:
            narrative = _sentence(text.NO_ACCESS, fill)
            outcome = "no_access"
        elif key == "sw" and "safeguarding" in s.alert_kinds and rng.random() < 0.2:
            narrative, sensitive = _sentence(text.SAFEGUARDING, fill), True
        else:
            parts = [self._opening(s, kind, occurred), rng.choice(text.BODIES[key])]
            if key == "cpn" and "memory" in themes and rng.random() < 0.7:
                parts[1] = rng.choice(text.BODIES["cpn_memory"])
            elif key in ("nurse", "sw") and s.group in ("teen", "baby"):
                parts[1] = rng.choice(text.BODIES[key + "_young"])
            elif "INR" in parts[1] and not s.anticoagulated:
                # Bloods for INR only for someone on warfarin (said in their About me).
                parts[1] = rng.choice([b for b in text.BODIES[key] if "INR" not in b])
            roll = rng.random()
            if roll < 0.4 and s.themes:
                parts.append(rng.choice(text.THEME_DETAIL[rng.choice(s.themes).key]))
            e = s.episode
            if kind == CT.REABLEMENT_SESSION.value and e is not None and e.goal_ids:
                # A session works on the episode's goals.
                if rng.random() < 0.7:
                    g = s.goal_ids.index(rng.choice(e.goal_ids))
                    fill["goal"] = s.goal_texts[g]
                    parts.append(rng.choice(text.GOAL_LINES))
                    linked.append(s.goal_ids[g])
            elif s.goal_ids and rng.random() < 0.35:
                g = rng.randrange(len(s.goal_ids))
                fill["goal"] = s.goal_texts[g]
                parts.append(rng.choice(text.GOAL_LINES))
                linked.append(s.goal_ids[g])
            if roll > 0.45:
                parts.append(rng.choice(text.CLOSINGS.get(kind, text.CLOSINGS["default"])))
            narrative = " ".join(_sentence(p, fill) for p in parts)
            if kind == MDT or rng.random() < 0.04:
                outcome = rng.choice(("follow_up_planned", "referred_on", "completed"))
            if key == "sw" and not self.sensitive_made:
                # Replaced after the draws above, so every other demo value stays as it was.
                narrative, sensitive, linked = _sentence(IN_CONFIDENCE, fill), True, []
                self.sensitive_made = True
        delay = rng.random()
        minutes = (
            rng.randrange(5, 60)
            if delay < 0.6
            else rng.randrange(60, 480)
            if delay < 0.9
            else rng.randrange(900, 2800)
        )
        recorded = occurred + timedelta(minutes=minutes)
        if recorded >= self.cutoff:
            recorded = occurred + timedelta(minutes=10)
        return {
            "id": new_id(rng),
            "person_id": s.id,
            "contact_type": kind,
            "occurred_at": occurred,
            "location": LOCATION.get(kind, "Home"),
            "narrative": narrative,
            "outcome": outcome,
            "author_id": author.id,
            "author_role": author.role,
            "organisation_id": author.org.id,
            "linked_goal_ids": json.dumps(linked),
            "amends_id": None,
            "sensitive": sensitive,
            "recorded_at": recorded,
        }

    def _correction(
        self, s: Subject, original: Row, fill: dict[str, str], notes: list[Row]
    ) -> None:
        rng = self.rng
        occurred = original["occurred_at"]
        assert isinstance(occurred, datetime)
        when = occurred.astimezone(LONDON).strftime("%d/%m/%Y")
        note = dict(
            original,
            id=new_id(rng),
            amends_id=original["id"],
            outcome="completed",
            linked_goal_ids="[]",
            sensitive=False,
            narrative=_sentence(rng.choice(text.CORRECTION), dict(fill, when=when)),
        )
        note["recorded_at"] = min(
            occurred + timedelta(days=rng.randrange(1, 4)), self.cutoff - timedelta(minutes=5)
        )
        notes.append(note)


def _sentence(template: str, fill: dict[str, str]) -> str:
    filled = template.format(**fill)
    return filled[:1].upper() + filled[1:]
