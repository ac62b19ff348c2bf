"""The facts about one demo person that every builder after the first one reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.demo.common import Row
from app.demo.directory import GpPractice, Staff, Town
from app.demo.themes import Theme


@dataclass
class Episode:
    """A reablement episode, decided before the plan and the notes (app.demo.story)
    so its goals and its sessions fall inside it."""

    id: str
    started_on: date
    planned_end_on: date
    longer_reason: str | None  # why it is planned past six weeks
    discharged_on: date | None  # left hospital into it (None: from home)
    ended_on: date | None  # None: still going on the demo's day
    outcome: str | None  # vocab.ReablementOutcome
    follow_up_on: date | None = None
    follow_up_result: str | None = None  # vocab.FollowUpResult
    goal_ids: list[str] = field(default_factory=list)


@dataclass
class Subject:
    id: str
    group: str  # older, adult, teen, baby
    sex: str
    age: int
    given: str
    preferred: str
    family: str
    origin: str
    language: str
    town: Town
    gp: GpPractice
    doctor: str
    lead: Staff | None
    level: str
    open: bool
    known_since: date  # first contact with the team
    themes: tuple[Theme, ...]
    # One source of truth for what the record says in more than one place: the
    # communication need (a key of app.demo.people.COMMUNICATION) feeds both the
    # person's communication needs and About me; an interpreter, both the
    # interpreter flag and About me; warfarin, both About me and INR tests.
    communication: str | None = None
    interpreter: bool = False
    anticoagulated: bool = False
    # The main carer, if any: "Jean", "my wife Jean"
    carer_first: str | None = None
    carer_phrase: str | None = None
    carer_is_spouse: bool = False
    goal_ids: list[str] = field(default_factory=list)
    goal_texts: list[str] = field(default_factory=list)
    alert_kinds: set[str] = field(default_factory=set)
    # Decided by app.demo.story before the plan and notes: the case's closing (the
    # last day anything happens in the record) and the reablement episode, if any.
    closed_on: date | None = None
    died_on: date | None = None
    episode: Episode | None = None
    # An MCA assessment found the person lacks capacity for a decision (so a carer
    # answers with them at reviews).
    lacks_capacity: bool = False
    # Filled by the plan builder: each goal's row (status, baseline) and the day it
    # was made, and the days the plan was reviewed (versions after the first).
    goal_rows: list[Row] = field(default_factory=list)
    goal_made: list[date] = field(default_factory=list)
    plan_reviews: list[date] = field(default_factory=list)

    @property
    def theme_keys(self) -> set[str]:
        return {t.key for t in self.themes}

    def last_day(self, as_of: date) -> date:
        """The last day the record can say anything happened: the demo's day, or the
        day the case closed, or died."""
        return min(d for d in (as_of, self.closed_on, self.died_on) if d is not None)

    @property
    def full_name(self) -> str:
        return f"{self.given} {self.family}"

    @property
    def carer_or_family(self) -> str:
        return self.carer_first or "my family"
