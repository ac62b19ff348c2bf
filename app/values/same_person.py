"""The rule for "is this the same person?", written once: the laptop applies it to
its own profile before registering someone (app/services/record/person_match.py)
and the team server to everyone it holds (sync/server/same_person.py), so the two
can never disagree about who is a duplicate.

The same NHS number is the same person. Without one, the same family name, date
of birth and postcode, compared the way people actually type them: accents, case,
spaces, hyphens and apostrophes do not count ("Wiśniewska-Łukasz" is
"wisniewska lukasz"). Pure: no database, so both sides can import it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

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
class Sought:
    """Who is being registered, as far as the rule needs: the NHS number's ten
    digits (None: not yet known), family name, date of birth and postcode."""

    nhs_number: str | None
    family_name: str
    date_of_birth: date
    postcode: str


def why_same(
    sought: Sought,
    *,
    nhs_number: str | None,
    family_name: str | None,
    date_of_birth: date | None,
    postcode: str | None,
) -> str | None:
    """Why someone already recorded may be `sought` (SAME_NHS_NUMBER first), or None."""
    if sought.nhs_number and nhs_number == sought.nhs_number:
        return SAME_NHS_NUMBER
    if (
        date_of_birth == sought.date_of_birth
        and match_key(family_name) == match_key(sought.family_name)
        and match_key(postcode) == match_key(sought.postcode)
    ):
        return SAME_DETAILS
    return None
