"""The carer-strain scale (MCSI) and the team's prompts, worked out by hand."""

from __future__ import annotations

import pytest

from app.errors import InvalidInputError
from app.values.carer_strain import HIGH_TOTAL, MOST, RISE, STATEMENTS, Trend, checked_answers


def test_thirteen_statements_scored_0_to_2() -> None:
    assert len(STATEMENTS) == 13 and MOST == 26
    assert checked_answers([0] * 13) == (0,) * 13
    with pytest.raises(InvalidInputError, match="each of its 13 statements"):
        checked_answers([1] * 12)
    for bad in (3, -1, True, "2", 1.0):
        with pytest.raises(InvalidInputError, match="0 \\(no\\), 1"):
            checked_answers([0] * 12 + [bad])


def test_the_teams_prompts() -> None:
    assert Trend(()).prompt is None
    assert Trend((HIGH_TOTAL - 1,)).prompt is None
    assert Trend((HIGH_TOTAL,)).prompt == f"Carer strain is high: {HIGH_TOTAL} of 26"
    assert Trend((3, 3 + RISE - 1)).prompt is None
    assert Trend((3, 3 + RISE)).prompt == (
        f"Carer strain has risen by {RISE} since the last check (now {3 + RISE} of 26)"
    )
    falling = Trend((20, 15))
    assert falling.rise == -5 and falling.prompt == "Carer strain is high: 15 of 26"
