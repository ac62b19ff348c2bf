"""Is this person already known? Before anyone is registered, the laptop looks for
the same person: by NHS number, or else by family name, date of birth and postcode,
compared the way people actually type them (accents, case, spaces, hyphens and
apostrophes do not count: "Wiśniewska-Łukasz" is "wisniewska lukasz").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.tables import Person

SAME_NHS_NUMBER = "the same NHS number"
SAME_DETAILS = "the same family name, date of birth and postcode"

# Letters that do not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})


def match_key(text: str | None) -> str:
    """Letters and digits only, without accents, in one case."""
    folded = (text or "").casefold().translate(_LETTERS)
    plain = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in plain if ch.isalnum())


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
    if nhs_number:
        for person in session.execute(
            select(Person).where(Person.nhs_number == nhs_number)
        ).scalars():
            found[person.id] = _match(person, SAME_NHS_NUMBER)
    family, place = match_key(family_name), match_key(postcode)
    # Date of birth narrows it to a handful; names and postcodes are compared folded.
    for person in session.execute(
        select(Person).where(Person.date_of_birth == date_of_birth)
    ).scalars():
        if person.id in found:
            continue
        if match_key(person.family_name) == family and match_key(person.postcode) == place:
            found[person.id] = _match(person, SAME_DETAILS)
    return list(found.values())


def _match(person: Person, why: str) -> PossibleMatch:
    return PossibleMatch(
        person_id=person.id,
        name=f"{person.given_name} {person.family_name}",
        date_of_birth=person.date_of_birth,
        postcode=person.postcode,
        nhs_number=person.nhs_number,
        why=why,
    )
