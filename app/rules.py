"""The record's own rules for typed values: each parser returns a clean value or
raises InvalidInputError with one plain sentence. Used by every way in (CLI,
app, import) so a value is judged the same wherever it comes from."""

from __future__ import annotations

import re
from datetime import date, datetime

from app.errors import InvalidInputError
from app.services import clock

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y")
OLDEST_AGE_YEARS = 125


def parse_date(text: str, what: str = "date") -> date:
    cleaned = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise InvalidInputError(
        "'{text}' is not a {what} I can read: use a real date like 2026-11-22 or 22/11/2026.",
        text=text,
        what=what,
    )


def date_of_birth(text: str | date, today: date | None = None) -> date:
    today = today or clock.today()
    born = text if isinstance(text, date) else parse_date(text, "date of birth")
    if born > today:
        raise InvalidInputError("A date of birth cannot be in the future.")
    if today.year - born.year > OLDEST_AGE_YEARS:
        raise InvalidInputError(
            "That date of birth makes the person over {OLDEST_AGE_YEARS}: please check the year.",
            OLDEST_AGE_YEARS=OLDEST_AGE_YEARS,
        )
    return born


def required_name(text: str, what: str) -> str:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise InvalidInputError("The {what} cannot be empty.", what=what)
    if len(cleaned) > 120:
        raise InvalidInputError("The {what} is too long (120 characters at most).", what=what)
    return cleaned


def optional_text(text: str | None, limit: int = 200) -> str | None:
    cleaned = " ".join((text or "").split())
    if len(cleaned) > limit:
        raise InvalidInputError("That is too long ({limit} characters at most).", limit=limit)
    return cleaned or None


def postcode(text: str) -> str:
    cleaned = " ".join(text.upper().split())
    match = _POSTCODE.match(cleaned)
    if not match:
        raise InvalidInputError("'{text}' is not a UK postcode (for example DL8 3AB).", text=text)
    return f"{match.group(1)} {match.group(2)}"


def phone(text: str) -> str | None:
    cleaned = text.strip()
    if not cleaned:
        return None
    if not _PHONE.match(cleaned):
        raise InvalidInputError("'{text}' is not a telephone number.", text=text)
    return cleaned


def yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "y", "true", "1"):
        return True
    if value in ("no", "n", "false", "0"):
        return False
    raise InvalidInputError("'{text}' should be yes or no.", text=text)


def score(value: int | str, what: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInputError(
            "The {what} should be a whole number from {low} to {high}.",
            what=what,
            low=low,
            high=high,
        ) from None
    if not low <= number <= high:
        raise InvalidInputError(
            "The {what} should be from {low} to {high}.", what=what, low=low, high=high
        )
    return number
