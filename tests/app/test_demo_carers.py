"""The demo's carers (issue 20): some main carers with two or three carer-strain checks
over months, signed by the person's lead, a few rising past the team's prompt; some
contingency plans; every check keeps the row rules; the rest of the demo unchanged
by them (their own random stream). Made as of the clock's today."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services import clock
from app.services.carers.strain_trends import snapshot_trends
from app.services.profile.demo_profile import create_demo_profile
from app.services.record.record_rules import validate
from app.workspace import Workspace
from storage.tables import CarerStrainCheck, ContactNote, Person, PersonalContact
from tests.conftest import FAST_KDF, PASSPHRASE

PEOPLE = 120


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    folder: Path = tmp_path_factory.mktemp("carers") / "p"
    workspace, _ = create_demo_profile(folder, PASSPHRASE, people=PEOPLE, seed=20, kdf=FAST_KDF)
    try:
        yield workspace
    finally:
        workspace.close()


class _Snap:
    def __init__(self, checks: tuple[CarerStrainCheck, ...]) -> None:
        self.strain_checks = checks


def test_checks_over_months_some_rising_past_the_prompt(demo: Workspace) -> None:
    with demo.store.read() as session:
        checks = tuple(session.execute(select(CarerStrainCheck)).scalars())
        main = {
            c.id: c.person_id
            for c in session.execute(
                select(PersonalContact).where(PersonalContact.is_main_carer.is_(True))
            ).scalars()
        }
        leads = dict(session.execute(select(Person.id, Person.lead_professional_id)).all())
        plans = session.execute(
            select(PersonalContact.id).where(PersonalContact.contingency_plan.is_not(None))
        ).all()
        _, breaks = validate(session)
    assert not [b for b in breaks if b.table == "carer_strain_check"]
    assert all(c.carer_id in main and main[c.carer_id] == c.person_id for c in checks)
    assert all(c.asked_by_id == leads[c.person_id] for c in checks)
    assert all(c.checked_on <= clock.today() for c in checks)
    trends = snapshot_trends(_Snap(checks))
    counts = Counter(len(t.checks) for t in trends.values())
    assert set(counts) <= {2, 3} and counts[2] and counts[3]
    spans = [(t.checks[-1].checked_on - t.checks[0].checked_on).days for t in trends.values()]
    assert min(spans) >= 60  # over months
    prompting = [t for t in trends.values() if t.prompt is not None]
    rising = [t for t in prompting if (t.trend.rise or 0) >= 4]
    assert 0 < len(prompting) < len(trends) and rising
    assert len(plans) >= 5


def _made(folder: Path) -> tuple[set[str], set[str]]:
    workspace, _ = create_demo_profile(folder, PASSPHRASE, people=30, seed=7, kdf=FAST_KDF)
    try:
        with workspace.store.read() as session:
            return (
                set(session.execute(select(ContactNote.id)).scalars()),
                set(session.execute(select(Person.id)).scalars()),
            )
    finally:
        workspace.close()


def test_the_rest_of_the_demo_is_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The carers' own random stream: with or without them, one seed makes the same
    people and notes."""
    from app.demo import generator

    with_carers = _made(tmp_path / "with")
    monkeypatch.setattr(generator, "carer_rows", lambda *_a, **_k: None)
    assert _made(tmp_path / "without") == with_carers
