"""Is this person already known? Before anyone is registered, the laptop looks for
the same person in its own profile: by NHS number, or else by family name, date of
birth and postcode, compared the way people actually type them. The rule itself is
app/values/same_person.py, which the team server applies too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.values.same_person import SAME_DETAILS, SAME_NHS_NUMBER, Sought, match_key, why_same
from storage.tables import Person

__all__ = ["SAME_DETAILS", "SAME_NHS_NUMBER", "PossibleMatch", "match_key", "possible_matches"]


@dataclass(frozen=True)
class PossibleMatch:
    """Someone already in this profile who may be the person being registered."""

    person_id: str
    name: str
    date_of_birth: date
    postcode: str
    nhs_number: str | None
    why: str

    def describe(self) -> str:
        born = f"{self.date_of_birth.day} {self.date_of_birth:%B %Y}"
        return f"{self.name}, born {born}, {self.postcode or 'no postcode'}"


def possible_matches(
    session: Session,
    *,
    nhs_number: str | None,
    family_name: str,
    date_of_birth: date,
    postcode: str,
) -> list[PossibleMatch]:
    """Everyone who may be this person: the same NHS number first, then the same
    family name, date of birth and postcode."""
    found: dict[str, PossibleMatch] = {}
    sought = Sought(nhs_number, family_name, date_of_birth, postcode)
    # The NHS number finds its one person; the date of birth narrows the rest to a
    # handful, whose names and postcodes the rule compares folded.
    candidates = select(Person).where(Person.date_of_birth == date_of_birth)
    if nhs_number:
        candidates = select(Person).where(
            (Person.nhs_number == nhs_number) | (Person.date_of_birth == date_of_birth)
        )
    for person in session.execute(candidates).scalars():
        why = why_same(
            sought,
            nhs_number=person.nhs_number,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            postcode=person.postcode,
        )
        if why is not None:
            found[person.id] = _match(person, why)
    # The same NHS number first: the callers refuse on it before anything else.
    return sorted(found.values(), key=lambda m: m.why != SAME_NHS_NUMBER)


def _match(person: Person, why: str) -> PossibleMatch:
    return PossibleMatch(
        person_id=person.id,
        name=f"{person.given_name} {person.family_name}",
        date_of_birth=person.date_of_birth,
        postcode=person.postcode,
        nhs_number=person.nhs_number,
        why=why,
    )
