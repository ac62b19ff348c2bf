"""The demo caseload shows need-to-know: a neighbouring team's people (about one in
ten) are outside the signed-in nurse's relationship, and restricted content exists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.demo.generator import build_demo_caseload
from app.errors import AccessDeniedError
from app.services.caseload.caseload import CaseloadQuery, fetch
from app.services.record.record import open_record
from app.workspace import Workspace, open_workspace
from storage import profile
from storage.tables import Alert, ContactNote, PlannedVisit, Team
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    store = profile.create(tmp_path_factory.mktemp("demo") / "p", PASSPHRASE, kdf=FAST_KDF)
    build_demo_caseload(store, people=60, seed=5, as_of=date(2026, 11, 20), notes_per_person=12)
    ws = open_workspace(store)
    yield ws
    ws.close()


def test_a_neighbouring_team_is_outside_the_nurse_relationship(demo: Workspace) -> None:
    total, rows = fetch(demo, CaseloadQuery(include_closed=True))
    limited = [r for r in rows if r.limited]
    assert total == 60 and len(limited) == 6
    assert all(r.nhs_number == "" and r.locality for r in limited)
    with demo.store.read() as s:
        assert s.execute(select(func.count()).select_from(Team)).scalar() == 2
        mine = s.execute(
            select(func.count())
            .select_from(PlannedVisit)
            .where(
                PlannedVisit.person_id.in_([r.person_id for r in limited]),
                PlannedVisit.assigned_to_id == demo.actor.user_id,
            )
        ).scalar()
        assert mine == 0
    with pytest.raises(AccessDeniedError):
        open_record(demo, limited[0].person_id)
    assert any(not r.limited and r.nhs_number for r in rows)


def test_the_demo_has_restricted_content(demo: Workspace) -> None:
    with demo.store.read() as s:
        sensitive = s.execute(
            select(func.count()).select_from(ContactNote).where(ContactNote.sensitive.is_(True))
        ).scalar()
        restricted = s.execute(
            select(func.count()).select_from(Alert).where(Alert.restricted_detail.is_not(None))
        ).scalar()
    assert sensitive and restricted


def test_the_neighbours_do_not_change_with_the_run(tmp_path: Path) -> None:
    teams = []
    for n in range(2):
        store = profile.create(tmp_path / f"p{n}", PASSPHRASE, kdf=FAST_KDF)
        try:
            build_demo_caseload(
                store, people=20, seed=9, as_of=date(2026, 11, 20), notes_per_person=1
            )
            with store.read() as s:
                teams.append(sorted(s.execute(select(Team.id, Team.name)).all()))
        finally:
            store.close()
    assert teams[0] == teams[1]
