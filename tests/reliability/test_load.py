"""A short version of bench/load.py: several laptops, each its own process, writing
and syncing at once against `onerecord-server` on SQLite and PostgreSQL for a bounded
time; no change lost or duplicated. (The 50-laptop run: bench/load.py, results in
docs/reliability.md.) ONERECORD_SOAK_LOAD_LAPTOPS / _SECONDS make it longer."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.load import run_load
from tests.databases import require_postgres_url
from tests.reliability.helpers import env_int

pytestmark = pytest.mark.slow
LAPTOPS = env_int("ONERECORD_SOAK_LOAD_LAPTOPS", 4)
SECONDS = env_int("ONERECORD_SOAK_LOAD_SECONDS", 5)


def _check(label: str, url: str) -> None:
    report = run_load(label, url, LAPTOPS, SECONDS)
    print("\n".join(report.lines))
    assert (report.lost, report.duplicated) == (0, 0), report.lines
    assert report.changes > 0 and report.requests > 0


@pytest.mark.database("sqlite")
def test_laptops_at_once_on_sqlite(tmp_path: Path) -> None:
    _check("SQLite", f"sqlite:///{tmp_path / 'server.db'}")


@pytest.mark.database("postgresql")
def test_laptops_at_once_on_postgresql() -> None:
    base = require_postgres_url()
    name = f"load_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    try:
        _check("PostgreSQL", f"{base}?options=-csearch_path%3D{name}")
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()
