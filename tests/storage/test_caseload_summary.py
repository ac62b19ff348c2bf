"""The caseload summary follows every write to visits, risks and alerts (triggers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.services.caseload.caseload import CaseloadQuery, fetch
from app.services.record import people
from app.workspace import Workspace
from storage.bulk import insert_rows
from storage.migrate import _prune
from storage.tables import Alert, CaseloadSummary, PlannedVisit, Risk
from tests.conftest import ALUN, ZOE


def _summary(ws: Workspace, nhs: str) -> CaseloadSummary | None:
    """The person's row; None until something about them is summarised (0008)."""
    with ws.store.read() as session:
        pid = people.find(session, nhs).id
        return session.execute(
            select(CaseloadSummary).where(CaseloadSummary.person_id == pid)
        ).scalar_one_or_none()


def test_summary_tracks_inserts_updates_and_deletes(populated: Workspace) -> None:
    soon = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with populated.store.write(populated.actor) as session:
        zoe = people.find(session, ZOE)
        session.add_all(
            [
                PlannedVisit(person_id=zoe.id, due_at=soon + timedelta(days=3)),
                PlannedVisit(person_id=zoe.id, due_at=soon),
                Risk(person_id=zoe.id, kind="falls", description="d", likelihood=4, impact=4),
                Risk(person_id=zoe.id, kind="fire", description="d", likelihood=2, impact=5),
                Alert(person_id=zoe.id, kind="oxygen", summary="Oxygen in use"),
            ]
        )
    summary = _summary(populated, ZOE)
    assert summary is not None
    assert summary.next_visit_due == soon
    assert summary.highest_risk == 16
    assert summary.alert_kinds == "oxygen"

    with populated.store.write(populated.actor) as session:
        zoe_id = people.find(session, ZOE).id
        first = session.execute(
            select(PlannedVisit).where(PlannedVisit.due_at == soon)
        ).scalar_one()
        first.status = "done"
        falls = session.execute(select(Risk).where(Risk.kind == "falls")).scalar_one()
        session.delete(falls)
        insert_rows(session, Alert, [{"person_id": zoe_id, "kind": "animal", "summary": "Dog"}])
    summary = _summary(populated, ZOE)
    assert summary is not None
    assert summary.next_visit_due == soon + timedelta(days=3)
    assert summary.highest_risk == 10
    assert summary.alert_kinds == "animal,oxygen"
    # Alun has no visit, risk, alert, note, consent or conflict: no row, nothing due.
    assert _summary(populated, ALUN) is None


def test_caseload_sorts_by_risk_and_next_visit(populated: Workspace) -> None:
    with populated.store.write(populated.actor) as session:
        zoe = people.find(session, ZOE)
        alun = people.find(session, ALUN)
        session.add_all(
            [
                Risk(person_id=alun.id, kind="falls", description="d", likelihood=5, impact=5),
                Risk(person_id=zoe.id, kind="falls", description="d", likelihood=1, impact=2),
                PlannedVisit(person_id=zoe.id, due_at=datetime(2026, 12, 1, tzinfo=UTC)),
                PlannedVisit(person_id=alun.id, due_at=datetime(2026, 12, 9, tzinfo=UTC)),
            ]
        )
    _, rows = fetch(populated, CaseloadQuery(sort="risk", descending=True))
    assert [(r.family_name, r.highest_risk) for r in rows] == [("Pritchard", 25), ("O'Neill", 2)]
    _, rows = fetch(populated, CaseloadQuery(sort="next_visit_due"))
    assert [r.family_name for r in rows] == ["O'Neill", "Pritchard"]
    assert rows[0].next_visit_due == datetime(2026, 12, 1, tzinfo=UTC)


def test_old_backups_are_pruned(tmp_path: Path) -> None:
    for stamp in ("20260101", "20260201", "20260301", "20260401", "20260501"):
        (tmp_path / f"onerecord-{stamp}T000000Z-before-0003.db").write_bytes(b"x")
    _prune(tmp_path, keep=3)
    assert sorted(p.name[10:18] for p in tmp_path.iterdir()) == ["20260301", "20260401", "20260501"]
