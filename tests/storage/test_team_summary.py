"""The team view's summary figures (migration 0008) follow every write to contact
notes, consent, risks and conflicts, through the ORM and through bulk inserts, and
inserting a person makes no summary row."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, insert, select, text, update

from app.services.record import people
from app.workspace import Workspace
from storage.bulk import insert_rows
from storage.tables import CaseloadSummary, ConsentToShare, ContactNote, Risk, SyncConflict
from tests.conftest import ALUN, ZOE


def _row(ws: Workspace, pid: str) -> CaseloadSummary | None:
    with ws.store.read() as session:
        return session.execute(
            select(CaseloadSummary).where(CaseloadSummary.person_id == pid)
        ).scalar_one_or_none()


def _ids(ws: Workspace) -> tuple[str, str]:
    with ws.store.read() as session:
        return people.find(session, ZOE).id, people.find(session, ALUN).id


def test_registering_people_makes_no_summary_rows(populated: Workspace) -> None:
    zoe, alun = _ids(populated)
    assert _row(populated, zoe) is None
    assert _row(populated, alun) is None


def test_last_contact_follows_orm_and_bulk_notes(populated: Workspace) -> None:
    zoe, alun = _ids(populated)
    early = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    late = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    with populated.store.write(populated.actor) as session:
        session.add(
            ContactNote(
                person_id=zoe, contact_type="home_visit", occurred_at=early, narrative="Visited."
            )
        )
    row = _row(populated, zoe)
    assert row is not None and row.last_contact_at == early
    with populated.store.write(populated.actor) as session:
        insert_rows(
            session,
            ContactNote,
            [
                {
                    "person_id": zoe,
                    "contact_type": "phone",
                    "occurred_at": late,
                    "narrative": "Rang.",
                },
                {
                    "person_id": alun,
                    "contact_type": "phone",
                    "occurred_at": early,
                    "narrative": "Rang.",
                },
            ],
        )
    row = _row(populated, zoe)
    assert row is not None and row.last_contact_at == late
    other = _row(populated, alun)
    assert other is not None and other.last_contact_at == early


def test_consent_review_is_the_soonest_consent_in_force(populated: Workspace) -> None:
    zoe, _ = _ids(populated)
    with populated.store.write(populated.actor) as session:
        for review, decision in (
            (date(2027, 1, 5), "given"),
            (date(2026, 12, 1), "given"),
            (date(2026, 6, 1), "withdrawn"),
        ):
            session.add(
                ConsentToShare(
                    person_id=zoe,
                    category="health",
                    decision=decision,
                    decided_on=date(2026, 1, 1),
                    review_on=review,
                )
            )
    row = _row(populated, zoe)
    assert row is not None and row.consent_review_due == date(2026, 12, 1)
    with populated.store.write(populated.actor) as session:
        soonest = session.execute(
            select(ConsentToShare).where(ConsentToShare.review_on == date(2026, 12, 1))
        ).scalar_one()
        soonest.withdrawn_on = date(2026, 11, 20)
    row = _row(populated, zoe)
    assert row is not None and row.consent_review_due == date(2027, 1, 5)


def test_risk_review_counts_active_risks_only(populated: Workspace) -> None:
    zoe, _ = _ids(populated)
    with populated.store.write(populated.actor) as session:
        session.add_all(
            [
                Risk(
                    person_id=zoe,
                    kind="falls",
                    description="d",
                    likelihood=2,
                    impact=2,
                    review_on=date(2026, 12, 10),
                ),
                Risk(
                    person_id=zoe,
                    kind="fire",
                    description="d",
                    likelihood=2,
                    impact=2,
                    review_on=date(2026, 11, 1),
                    status="closed",
                ),
            ]
        )
    row = _row(populated, zoe)
    assert row is not None
    assert row.risk_review_due == date(2026, 12, 10)
    assert row.highest_risk == 4


def test_open_conflicts_are_counted_and_cleared(populated: Workspace) -> None:
    zoe, _ = _ids(populated)
    now = datetime(2026, 11, 22, tzinfo=UTC)
    with populated.store.engine.begin() as conn:
        for field in ("postcode", "language"):
            conn.execute(
                insert(SyncConflict).values(
                    entity="person",
                    entity_id=zoe,
                    field=field,
                    person_id=zoe,
                    heads="[]",
                    detected_at=now,
                )
            )
        # A conflict on a directory record names no person: no summary row for it.
        conn.execute(
            insert(SyncConflict).values(
                entity="team",
                entity_id="t1",
                field="name",
                person_id=None,
                heads="[]",
                detected_at=now,
            )
        )
    row = _row(populated, zoe)
    assert row is not None and row.open_conflicts == 2
    with populated.store.engine.begin() as conn:
        conn.execute(delete(SyncConflict).where(SyncConflict.field == "postcode"))
        conn.execute(
            update(SyncConflict).values(person_id=None).where(SyncConflict.field == "language")
        )
        assert conn.execute(text("SELECT count(*) FROM caseload_summary")).scalar() == 1
    row = _row(populated, zoe)
    assert row is not None and row.open_conflicts == 0
