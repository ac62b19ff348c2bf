"""The few statistics the outcome report uses, written out so their definitions are
plain: the median, the nearest-rank centile, and the goal attainment T-score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Kiresuk and Sherman's assumed correlation between a person's goal scores, which
# Turner-Stokes (2009, Clinical Rehabilitation 23: 362-370) keeps for GAS-light.
GAS_RHO = 0.3


def median(values: Sequence[float]) -> float | None:
    """The middle value; the mean of the two middle values when the count is even."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return float(ordered[middle]) if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def centile(values: Sequence[float], p: int) -> float | None:
    """The p-th centile by nearest rank: the value at rank ceil(p/100 × n) of the
    values in order (always one of the values, never an interpolation)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p * len(ordered) / 100))
    return float(ordered[rank - 1])


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def gas_t_score(scores: Sequence[int]) -> float:
    """One person's goal attainment T-score over their goals' scores (-2..+2), every
    goal weighted equally: 50 + 10 Σx / √((1 − ρ) n + ρ n²), with ρ = 0.3. 50 means
    the goals were met as expected; above 50, better than expected."""
    n = len(scores)
    return 50 + 10 * sum(scores) / math.sqrt((1 - GAS_RHO) * n + GAS_RHO * n * n)
