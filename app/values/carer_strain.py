"""The carer-strain check: the Modified Caregiver Strain Index (MCSI; Thornton M,
Travis SS. "Analysis of the reliability of the Modified Caregiver Strain Index."
J Gerontol B Psychol Sci Soc Sci 2003;58(2):S127-32), answered with the carer: 13
statements, each 0 (no), 1 (yes, sometimes) or 2 (yes, on a regular basis); the
total, 0 to 26, is higher the greater the strain. Published for use in practice
without a fee (it is reproduced, for instance, in the Hartford Institute for
Geriatric Nursing's "Try This" series).

The scale itself has no cut-off. When OneRecord prompts is the team's rule, not the
scale's, and says so where it is shown (docs/clinical-safety.md, H16): a total of
HIGH_TOTAL or more, or a rise of RISE or more since the carer's last check.

Pure: no database, no Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.errors import InvalidInputError

STATEMENTS: tuple[str, ...] = (
    "My sleep is disturbed",
    "Caregiving is inconvenient",
    "Caregiving is a physical strain",
    "Caregiving is confining",
    "There have been family adjustments",
    "There have been changes in personal plans",
    "There have been other demands on my time",
    "There have been emotional adjustments",
    "Some behaviour is upsetting",
    "It is upsetting to find the person I care for has changed so much from their former self",
    "There have been work adjustments",
    "Caregiving is a financial strain",
    "I feel completely overwhelmed",
)
ANSWERS: tuple[str, ...] = ("No", "Yes, sometimes", "Yes, on a regular basis")
MOST = 2 * len(STATEMENTS)
# The team's prompts (not part of the published scale).
HIGH_TOTAL = 13
RISE = 4


def checked_answers(answers: Sequence[object]) -> tuple[int, ...]:
    """The answers as whole numbers 0-2, one for each statement, or InvalidInputError."""
    if len(answers) != len(STATEMENTS):
        raise InvalidInputError(
            "A carer-strain check has an answer for each of its {n} statements.",
            n=len(STATEMENTS),
        )
    found: list[int] = []
    for answer in answers:
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= 2:
            raise InvalidInputError("Each answer is 0 (no), 1 (sometimes) or 2 (regularly).")
        found.append(answer)
    return tuple(found)


def total(answers: Sequence[int]) -> int:
    return sum(answers)


@dataclass(frozen=True)
class Trend:
    """A carer's checks, oldest first, and whether the team's prompt fires."""

    totals: tuple[int, ...]

    @property
    def latest(self) -> int | None:
        return self.totals[-1] if self.totals else None

    @property
    def rise(self) -> int | None:
        """The change since the check before the latest (None: only one, or none)."""
        return self.totals[-1] - self.totals[-2] if len(self.totals) > 1 else None

    @property
    def prompt(self) -> str | None:
        """Why to act now, in words, or None."""
        latest, rise = self.latest, self.rise
        if latest is None:
            return None
        if rise is not None and rise >= RISE:
            return f"Carer strain has risen by {rise} since the last check (now {latest} of {MOST})"
        if latest >= HIGH_TOTAL:
            return f"Carer strain is high: {latest} of {MOST}"
        return None
