"""The numbers in docs/reliability.md that drift as the code grows, checked against
the code: how many tests pytest collects in tests/reliability, the migration head,
the older schemas with a fixture profile, and the soak variables' defaults. And the
`slow` marker's promise in pyproject.toml: slow suites run by default."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from storage.migrate import head_revision

REPO = Path(__file__).resolve().parents[2]
RELIABILITY = REPO / "docs" / "reliability.md"
VERSIONS = REPO / "storage" / "migrations" / "versions"
FIXTURES = REPO / "tests" / "fixtures" / "profiles"
RUN = ("tests/reliability",)


def _doc() -> str:
    """The document with every run of white space as one space (lines wrap anywhere)."""
    return " ".join(RELIABILITY.read_text(encoding="utf-8").split())


def _stated(pattern: str) -> tuple[str, ...]:
    found = re.findall(pattern, _doc())
    assert len(found) == 1, f"{pattern!r} should occur once in docs/reliability.md"
    return tuple(found[0]) if isinstance(found[0], tuple) else (found[0],)


def test_the_reliability_test_count_is_what_pytest_collects(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_ADDOPTS", "CI"}}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q", *RUN],
        cwd=REPO,
        env=env | {"HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    collected = re.search(r"^(\d+) tests? collected", run.stdout, re.MULTILINE)
    assert collected, run.stdout
    (stated,) = _stated(r"`pytest tests/reliability` collects (\d+) tests")
    assert int(stated) == int(collected.group(1))
    # The slow suites are among them: nothing deselects them by default.
    assert "tests/reliability/test_load.py::test_laptops_at_once_on_sqlite" in run.stdout


def test_the_slow_marker_says_what_happens() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_options = config["tool"]["pytest"]["ini_options"]
    slow = next(m for m in pytest_options["markers"] if m.startswith("slow:"))
    assert "they run by default" in slow
    assert "slow" not in pytest_options.get("addopts", "")


def test_the_migration_head_and_the_fixture_range_are_the_codes() -> None:
    migrations = sorted(p.name[:4] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))
    head = migrations[-1]
    assert head == head_revision()
    fixtures = sorted(p.name.removeprefix("schema-") for p in FIXTURES.glob("schema-*"))
    # Every schema from the first fixture's to the one before head, none missing.
    assert fixtures == migrations[migrations.index(fixtures[0]) : -1]
    (stated_head,) = _stated(r"the migration head is (\d{4})")
    assert stated_head == head
    assert _stated(r"older schema from (\d{4}) to (\d{4}) has a fixture profile") == (
        fixtures[0],
        fixtures[-1],
    )
    row = _stated(
        r"\| upgrade from each older schema \| (\d{4}) to (\d{4}), each to head \((\d{4})\)"
    )
    assert row == (fixtures[0], fixtures[-1], head)


def test_the_soak_defaults_are_the_tests_own() -> None:
    in_code: dict[str, int] = {}
    for source in sorted((REPO / "tests" / "reliability").glob("*.py")):
        for name, default in re.findall(
            r'env_int\(\s*"(ONERECORD_SOAK_\w+)",\s*(\d+)\)', source.read_text(encoding="utf-8")
        ):
            in_code[name] = int(default)
    documented: dict[str, int] = {}
    for line in RELIABILITY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `ONERECORD_SOAK_"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        names = re.findall(r"`(\w+)`", cells[0])
        # "`ONERECORD_SOAK_LOAD_LAPTOPS`, `_SECONDS`": the second shares the prefix.
        prefix = names[0].rsplit("_", 1)[0]
        names = [prefix + n if n.startswith("_") else n for n in names]
        defaults = [int(d) for d in cells[-1].split(",")]
        documented.update(zip(names, defaults, strict=True))
    assert in_code and documented == in_code
