"""Small helpers the benchmark scripts share: timing and median/p95 reporting."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock milliseconds for each of `runs` calls."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(label: str, samples: list[float], budget_ms: float | None = None) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    verdict = ""
    if budget_ms is not None:
        verdict = "  within budget" if p95 < budget_ms else f"  OVER BUDGET ({budget_ms:g} ms)"
    return (
        f"{label:<48} median {statistics.median(ordered):8.2f} ms   p95 {p95:8.2f} ms"
        f"   n={len(ordered)}{verdict}"
    )
