"""The facts about one demo person that every builder after the first one reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.demo.directory import GpPractice, Staff, Town
from app.demo.themes import Theme


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

    @property
    def theme_keys(self) -> set[str]:
        return {t.key for t in self.themes}

    @property
    def full_name(self) -> str:
        return f"{self.given} {self.family}"

    @property
    def carer_or_family(self) -> str:
        return self.carer_first or "my family"
