"""The reference caseload the access, register and assessment benchmarks share
(bench/out/access-N, a seeded demo profile), built once and reused with --reuse,
and a scratch copy for a benchmark that writes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from app.services.profile.demo_profile import create_demo_profile
from storage import profile

PASSPHRASE = "benchmark passphrase, synthetic data only"
OUT = Path(__file__).resolve().parent / "out"


def shared_profile(people: int, *, reuse: bool) -> Path:
    """bench/out/access-N, built anew unless `reuse` and it is there."""
    source = OUT / f"access-{people}"
    if not (reuse and profile.exists(source)):
        shutil.rmtree(source, ignore_errors=True)
        start = time.perf_counter()
        ws, _ = create_demo_profile(source, PASSPHRASE, people=people, seed=2026)
        ws.close()
        print(f"demo --people {people}: {time.perf_counter() - start:.1f} s")
    return source


def scratch_copy(source: Path, name: str) -> Path:
    """A copy to write into, so the shared profile stays as built."""
    target = source.with_name(name)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target)
    return target
