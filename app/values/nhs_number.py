"""The NHS number: the one identifier shared across health and social care."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import nhs_number as nhs_lib

from app.errors import InvalidInputError

_SEPARATORS = re.compile(r"[\s-]")
TEST_RANGE_PREFIX = "999"

# UK Core NHS number verification status (NHS number status indicator).
VERIFICATION_STATUS = {
    "01": "Number present and verified",
    "02": "Number present but not traced",
    "03": "Trace required",
    "04": "Trace attempted - no match or multiple match found",
    "05": "Trace needs to be resolved (NHS number or patient detail conflict)",
    "06": "Trace in progress",
    "07": "Number not present and trace not required",
    "08": "Trace postponed (baby under six weeks old)",
}


def check_digit(first_nine: str) -> int:
    """Modulus 11 over the first nine digits; 10 means no valid number has these digits."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else check


@dataclass(frozen=True, order=True)
class NhsNumber:
    digits: str

    @classmethod
    def parse(cls, text: str) -> NhsNumber:
        """Accept `999 123 4560`, `999-123-4560` or `9991234560`; explain any mistake plainly."""
        cleaned = _SEPARATORS.sub("", text or "")
        if not cleaned:
            raise InvalidInputError("Enter an NHS number.")
        if not cleaned.isdigit():
            raise InvalidInputError("An NHS number has only digits (and optional spaces).")
        if len(cleaned) != 10:
            raise InvalidInputError(
                "An NHS number has 10 digits; that one has {cleaned}.", cleaned=len(cleaned)
            )
        if len(set(cleaned)) == 1:
            raise InvalidInputError(
                "That NHS number is a placeholder (all one digit), not a real one."
            )
        check = check_digit(cleaned[:9])
        if check == 10:
            raise InvalidInputError(
                "That is not a valid NHS number: no number can have those first nine digits."
            )
        if check != int(cleaned[9]):
            raise InvalidInputError(
                "That NHS number's check digit is wrong: please check it was typed correctly."
            )
        # A second opinion from the maintained library, so a rule we missed still fails.
        if not nhs_lib.is_valid(cleaned):
            raise InvalidInputError("That is not a valid NHS number.")
        return cls(cleaned)

    @property
    def formatted(self) -> str:
        return f"{self.digits[:3]} {self.digits[3:6]} {self.digits[6:]}"

    @property
    def is_test_number(self) -> bool:
        return self.digits.startswith(TEST_RANGE_PREFIX)

    def __str__(self) -> str:
        return self.formatted


def format_nhs_number(digits: str | None) -> str:
    if not digits:
        return ""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else digits


def synthetic(rng: random.Random) -> NhsNumber:
    """A valid NHS number from the 999 test range, never a real person's."""
    while True:
        first_nine = TEST_RANGE_PREFIX + f"{rng.randrange(1_000_000):06d}"
        check = check_digit(first_nine)
        if check == 10:
            continue
        digits = first_nine + str(check)
        if len(set(digits)) > 1:
            return NhsNumber(digits)
