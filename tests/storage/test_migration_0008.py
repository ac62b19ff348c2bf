"""Migration 0008 upgrades a 0007 profile (the fixture made by 0007's own code) after
a verified backup: data intact, the team figures backfilled exactly as a direct
computation from the records gives them, the new indexes in place, and audit
events no longer tied to the person table by a foreign key (chain intact)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from app.services.profile.integrity import check
from app.workspace import unlock
from scripts.make_fixture_profile import PASSPHRASE
from storage import profile
from storage.migrate import current_revision, head_revision
from storage.tables import CaseloadSummary, ConsentToShare, ContactNote, Person, Risk

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "schema-0007"


def _expected(session: Session) -> dict[str, tuple[object, ...]]:
    """Each person's figures worked out in Python from their records."""
    out: dict[str, tuple[object, ...]] = {}
    for pid in session.execute(select(Person.id)).scalars():
        notes = session.execute(
            select(ContactNote.occurred_at).where(ContactNote.person_id == pid)
        ).scalars()
        consents = session.execute(
            select(ConsentToShare).where(ConsentToShare.person_id == pid)
        ).scalars()
        risks = session.execute(select(Risk).where(Risk.person_id == pid)).scalars().all()
        active = [r for r in risks if r.status == "active"]
        reviews: list[date] = [
            c.review_on
            for c in consents
            if c.decision == "given" and c.withdrawn_on is None and c.review_on
        ]
        risk_reviews = [r.review_on for r in active if r.review_on]
        last: list[datetime] = list(notes)
        out[pid] = (
            max(last) if last else None,
            min(reviews) if reviews else None,
            min(risk_reviews) if risk_reviews else None,
            max((r.likelihood * r.impact for r in active), default=None),
        )
    return out


def test_a_0007_profile_upgrades_with_the_team_figures_backfilled(tmp_path: Path) -> None:
    path = tmp_path / "old"
    shutil.copytree(FIXTURE, path, ignore=shutil.ignore_patterns("manifest.json"))
    ws = unlock(path, PASSPHRASE)
    try:
        engine = ws.store.engine
        assert current_revision(engine) == head_revision()
        with ws.store.read() as session:
            assert session.execute(text("SELECT count(*) FROM person")).scalar() == 6
            assert session.execute(text("SELECT count(*) FROM contact_note")).scalar() == 122
            expected = _expected(session)
            found = {
                row.person_id: (
                    row.last_contact_at,
                    row.consent_review_due,
                    row.risk_review_due,
                    row.highest_risk,
                )
                for row in session.execute(select(CaseloadSummary)).scalars()
            }
        # Every person in the fixture has notes, so each has a row; and the fixture
        # really exercises the new figures (not a comparison of Nones).
        assert found == expected
        assert all(v[0] is not None for v in found.values())
        assert any(v[1] is not None for v in found.values())
        assert any(v[2] is not None for v in found.values())

        inspector = inspect(engine)
        indexes = {i["name"] for i in inspector.get_indexes("caseload_summary")}
        summary_table: Any = CaseloadSummary.__table__
        assert indexes == {i.name for i in summary_table.indexes}
        assert "ix_contact_note_week" in {i["name"] for i in inspector.get_indexes("contact_note")}
        assert "ix_risk_review" in {i["name"] for i in inspector.get_indexes("risk")}
        audit_indexes = {i["name"] for i in inspector.get_indexes("audit_event")}
        assert audit_indexes == {"ix_audit_event_chain", "ix_audit_event_person_id"}
        assert inspector.get_foreign_keys("audit_event") == []

        # The audit chain survived the table rebuild, and an event may name a person
        # this laptop does not hold.
        report = check(ws)
        assert report.ok, "\n".join(report.lines())
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_event (id, device_id, device_seq, at, person_id, action,"
                    " detail, prev_hash, hash) VALUES ('x', 'other-device', 1,"
                    " '2026-11-22 12:00:00', 'evicted-person', 'view', '{}', '', '')"
                )
            )
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        ws.close()
    assert len(list((path / profile.BACKUP_DIR).glob("*.db"))) == 1
