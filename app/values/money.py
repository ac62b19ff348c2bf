"""Money as typed and shown: "£245.50" to 24550 pence and back. Pence are whole
numbers, so an amount is never a float."""

from __future__ import annotations

import re

from app.errors import InvalidInputError

# A personal budget above this is a typing slip (the largest care packages are far
# below it).
MOST_PENCE = 1_000_000 * 100

_AMOUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")


def parse_pounds(value: str | int | None, what: str = "amount") -> int:
    """Pounds and pence as typed ("£245.50", "245.5", "1,200", "£80") in pence."""
    if isinstance(value, bool):
        raise InvalidInputError("Enter the {what} in pounds and pence, like £245.50.", what=what)
    if isinstance(value, int):
        pence = value
    else:
        typed = (value or "").strip().replace(" ", "")
        if not typed:
            raise InvalidInputError("Enter the {what}.", what=what)
        if typed.startswith("-") or typed.startswith("£-"):
            raise InvalidInputError("The {what} cannot be negative.", what=what)
        typed = typed.removeprefix("£")
        match = _AMOUNT.fullmatch(typed)
        if match is None:
            raise InvalidInputError(
                "Enter the {what} in pounds and pence, like £245.50.", what=what
            )
        pounds = int(match.group(1).replace(",", ""))
        pence = pounds * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if pence < 0:
        raise InvalidInputError("The {what} cannot be negative.", what=what)
    if pence > MOST_PENCE:
        raise InvalidInputError("The {what} is more than £1,000,000: check it.", what=what)
    return pence


def pounds(pence: int) -> str:
    """24550 -> "£245.50"; whole pounds keep their pence ("£80.00")."""
    return f"£{pence // 100:,}.{pence % 100:02d}"
