"""The demo's people hold together across every section of their record, and their
risks spread as a real community caseload's do (issue 18, item 10).

One seeded caseload, as of a fixed date (so it passes whatever day it runs), checked
person by person: title against sex and spouse, each contact's relationship against
the sex of their name, About me against sex and age, visit purposes and notes against
age and medicines, communication needs against About me, and the spread of risk.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select

from app.demo import names
from app.demo.generator import build_demo_caseload
from storage import profile
from storage.store import Store
from storage.tables import AboutMe, ContactNote, Goal, Person, PersonalContact, PlannedVisit, Risk
from tests.conftest import FAST_KDF, PASSPHRASE

AS_OF = date(2026, 11, 20)
PEOPLE = 200

MALE_WORDS = {"Husband", "Son", "Father", "Brother", "Nephew", "Grandfather"}
FEMALE_WORDS = {"Wife", "Daughter", "Mother", "Sister", "Niece", "Grandmother"}
SPOUSE_WORDS = {"Husband", "Wife"}
# What a person cannot say to the nurse, or be booked for, before they are 18.
ADULT_ONLY = (
    "INR",
    "B12 injection",
    "Catheter change",
    "Care Act review",
    "Carer's assessment",
    "bath lift",
    "Pressure area check",
)
# Each kind of communication need, and the words that name it in either place.
NEEDS = {
    "hearing": ("hearing",),
    "sight": ("large print", "macular", "blind", "eyesight"),
    "speech": ("stroke", "aphasia", "picture board"),
    "book": ("communication book",),
}
# Legal driving age in the UK is 17: no 13-year-old plans to learn to drive next.
DRIVING_AGE = 16


def _given_names(sex: str) -> set[str]:
    return {n for o in names.GIVEN.values() for g in o.values() for n in g[sex]}


FEMALE_NAMES = _given_names("female") - _given_names("male")
MALE_NAMES = _given_names("male") - _given_names("female")


@dataclass
class Seen:
    person: Person
    age: int
    about: AboutMe | None = None
    contacts: list[PersonalContact] = field(default_factory=list)
    visits: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    highest_risk: int = 0

    @property
    def about_text(self) -> str:
        a = self.about
        if a is None:
            return ""
        return " ".join(
            (
                a.most_important,
                a.important_people,
                a.how_i_communicate,
                a.my_wellness,
                a.please_do_and_dont,
                a.how_and_when_to_support_me,
                a.also_worth_knowing,
            )
        )


def _age(born: date) -> int:
    return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Seen]]:
    store: Store = profile.create(
        tmp_path_factory.mktemp("coherent") / "p", PASSPHRASE, kdf=FAST_KDF
    )
    try:
        build_demo_caseload(store, people=PEOPLE, seed=2026, as_of=AS_OF, notes_per_person=6)
        with store.read() as session:
            seen = {
                p.id: Seen(p, _age(p.date_of_birth))
                for p in session.execute(select(Person)).scalars()
            }
            for a in session.execute(select(AboutMe)).scalars():
                seen[a.person_id].about = a
            for c in session.execute(select(PersonalContact)).scalars():
                seen[c.person_id].contacts.append(c)
            for pid, purpose in session.execute(
                select(PlannedVisit.person_id, PlannedVisit.purpose)
            ):
                seen[pid].visits.append(purpose or "")
            for pid, text in session.execute(select(ContactNote.person_id, ContactNote.narrative)):
                seen[pid].notes.append(text)
            for pid, text in session.execute(select(Goal.person_id, Goal.statement)):
                seen[pid].goals.append(text)
            active = select(Risk.person_id, Risk.likelihood, Risk.impact).where(
                Risk.status == "active"
            )
            for pid, likelihood, impact in session.execute(active):
                seen[pid].highest_risk = max(seen[pid].highest_risk, likelihood * impact)
            session.expunge_all()
        yield list(seen.values())
    finally:
        store.close()


def _fail(problems: list[str], total: int) -> str:
    return f"{len(problems)} problems among {total} people: " + "; ".join(problems[:8])


def test_titles_agree_with_sex_age_and_spouse(people: list[Seen]) -> None:
    problems = []
    for s in people:
        p, title = s.person, s.person.title
        spouse = [c.relationship for c in s.contacts if c.relationship in SPOUSE_WORDS]
        if s.age < 18 and title is not None:
            problems.append(f"{title} aged {s.age}")
        if p.sex == "male" and title not in (None, "Mr", "Dr"):
            problems.append(f"a man titled {title}")
        if p.sex == "female" and title == "Mr":
            problems.append("a woman titled Mr")
        if title in ("Miss", "Ms") and spouse:
            problems.append(f"{title} with a {spouse[0].lower()}")
        mentions = re.findall(r"\bmy (husband|wife)\b", s.about_text, re.IGNORECASE)
        if mentions and not spouse:
            problems.append(f"About me names 'my {mentions[0]}' but no spouse is recorded")
    assert not problems, _fail(problems, len(people))


def test_each_relationship_agrees_with_the_contacts_name(people: list[Seen]) -> None:
    problems = []
    checked = 0
    for s in people:
        for c in s.contacts:
            first = c.name.split()[0]
            if c.relationship in MALE_WORDS:
                checked += 1
                if first in FEMALE_NAMES:
                    problems.append(f"{c.relationship} called {first}")
            elif c.relationship in FEMALE_WORDS:
                checked += 1
                if first in MALE_NAMES:
                    problems.append(f"{c.relationship} called {first}")
    assert checked > PEOPLE // 4
    assert not problems, _fail(problems, len(people))


def test_about_me_and_goals_fit_the_persons_sex_and_age(people: list[Seen]) -> None:
    problems = []
    for s in people:
        if "the WI" in s.about_text and s.person.sex != "female":
            problems.append(f"a {s.person.sex} with friends from the WI")
        if s.age < DRIVING_AGE and any("learn to drive" in g for g in s.goals):
            problems.append(f"learning to drive aged {s.age}")
        if s.age < 60 and "grandchildren" in s.about_text:
            problems.append(f"grandchildren aged {s.age}")
    assert not problems, _fail(problems, len(people))


def test_visits_and_notes_fit_the_persons_age_and_medicines(people: list[Seen]) -> None:
    problems = []
    for s in people:
        booked = s.visits + s.notes
        if s.age < 18:
            problems += [
                f"'{w}' for a {s.age}-year-old" for w in ADULT_ONLY for b in booked if w in b
            ]
        inr = [b for b in booked if "INR" in b]
        if inr and "warfarin" not in s.about_text:
            problems.append(f"an INR test for someone not on warfarin (aged {s.age})")
        has_carer = any(c.is_main_carer for c in s.contacts)
        if "Carer's assessment" in s.visits and not has_carer:
            problems.append("a carer's assessment booked with no carer")
    assert not problems, _fail(problems, len(people))


def test_communication_needs_agree_with_about_me(people: list[Seen]) -> None:
    problems = []
    with_needs = 0
    for s in people:
        needs = (s.person.communication_needs or "").lower()
        told = (s.about.how_i_communicate if s.about else "").lower()
        with_needs += bool(needs)
        for kind, words in NEEDS.items():
            in_needs = any(w in needs for w in words)
            in_about = any(w in told for w in words)
            if in_needs != in_about:
                where = "communication needs" if in_needs else "About me"
                problems.append(f"{kind} only in {where}")
        if s.person.large_print and not any(w in needs for w in NEEDS["sight"]):
            problems.append("large print with no sight need")
        if "interpreter" in told and not s.person.interpreter_needed:
            problems.append("asks for an interpreter in About me; none recorded as needed")
        if s.person.interpreter_needed and s.person.language in ("English", None):
            problems.append("an interpreter for an English speaker")
    assert with_needs >= PEOPLE // 20
    assert not problems, _fail(problems, len(people))


def test_risk_spreads_like_a_community_caseload(people: list[Seen]) -> None:
    """Most people low, some medium, few high: the plan's bands (app.reports.plan_content:
    high at likelihood x impact 15 or more, medium from 8)."""
    bands = Counter(
        "high" if s.highest_risk >= 15 else "medium" if s.highest_risk >= 8 else "low"
        for s in people
    )
    share = {band: bands[band] / len(people) for band in ("low", "medium", "high")}
    assert share["low"] >= 0.5, share
    assert 0.15 <= share["medium"] <= 0.4, share
    assert 0.03 <= share["high"] <= 0.15, share
