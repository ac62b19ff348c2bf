"""The synthetic demo caseload: deterministic, realistic in shape, safe, fully journalled."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo.common import start_of_day_utc
from app.demo.generator import DemoSummary, build_demo_caseload
from app.errors import InvalidInputError
from app.services import clock
from app.values.nhs_number import NhsNumber
from storage import profile, settings
from storage.codec import row_of
from storage.keyvault import KdfParams
from storage.store import Store
from storage.tables import (
    Alert,
    AuditEvent,
    ChangeRecord,
    ConsentToShare,
    ContactNote,
    Goal,
    Person,
    PersonalContact,
    PlanAction,
    PlannedVisit,
    journalled_tables,
)
from storage.tables.base import Base

PASSPHRASE = "a long test passphrase"
CHEAP_KDF = KdfParams(time_cost=1, memory_kib=8192, parallelism=1)
AS_OF = date(2026, 11, 20)  # a Friday


def _store(folder: Path) -> Store:
    return profile.create(folder / "p", PASSPHRASE, kdf=CHEAP_KDF)


def _dump(session: Session, table: type[Base]) -> list[tuple[object, ...]]:
    """Every column but the provenance stamps, in id order."""
    columns = [
        c for c in table.__table__.columns if not c.name.startswith(("recorded_", "updated_"))
    ]
    return [tuple(row) for row in session.execute(select(*columns).order_by(columns[0]))]


def _canonical(store: Store) -> dict[str, list[tuple[object, ...]]]:
    with store.read() as session:
        return {t.__tablename__: _dump(session, t) for t in (Person, Goal, ContactNote, Alert)}


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoSummary]]:
    """200 people with few notes: enough for the spread of names, alerts and carers."""
    store = _store(tmp_path_factory.mktemp("demo200"))
    summary = build_demo_caseload(store, people=200, seed=7, as_of=AS_OF, notes_per_person=2)
    yield store, summary
    store.close()


@pytest.fixture(scope="module")
def sixty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoSummary, list]]:
    store = _store(tmp_path_factory.mktemp("demo60"))
    calls: list[tuple[int, int]] = []
    summary = build_demo_caseload(
        store, people=60, seed=11, as_of=AS_OF, progress=lambda d, n: calls.append((d, n))
    )
    yield store, summary, calls
    store.close()


def test_same_seed_and_date_make_the_same_caseload(tmp_path: Path) -> None:
    first, second, other = (_store(tmp_path / n) for n in ("a", "b", "c"))
    try:
        for store, seed in ((first, 3), (second, 3), (other, 4)):
            build_demo_caseload(store, people=25, seed=seed, as_of=AS_OF, notes_per_person=6)
        one, two, three = _canonical(first), _canonical(second), _canonical(other)
        assert one == two
        assert len(one["contact_note"]) > 50
        names = {(p[5], p[6]) for p in one["person"]}  # given, family
        assert one["person"] != three["person"]
        assert names != {(p[5], p[6]) for p in three["person"]}
    finally:
        for store in (first, second, other):
            store.close()


def test_nhs_numbers_are_valid_unique_and_from_the_test_range(caseload) -> None:
    store, _ = caseload
    with store.read() as session:
        numbers = session.execute(select(Person.nhs_number)).scalars().all()
    assert len(numbers) == 200
    assert len(set(numbers)) == 200
    for number in numbers:
        assert number is not None
        assert number.startswith("999")
        assert NhsNumber.parse(number).digits == number


def test_counts_follow_the_requested_ratios(sixty) -> None:
    store, summary, _ = sixty
    assert summary.people == 60
    assert 0.75 * 20 * 60 <= summary.notes <= 1.25 * 20 * 60
    assert 0.75 * 4 * 60 <= summary.goals <= 1.25 * 4 * 60
    assert summary.actions >= summary.goals
    assert 8 <= summary.staff <= 20
    with store.read() as session:
        assert session.execute(select(func.count()).select_from(ContactNote)).scalar() == (
            summary.notes
        )
        importance = session.execute(select(Goal.importance)).scalars().all()
    assert all(1 <= i <= 10 for i in importance)


def test_progress_ends_with_everyone_done(sixty) -> None:
    _, _, calls = sixty
    assert calls[-1] == (60, 60)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_key_safe_codes_stay_out_of_alert_summaries(caseload) -> None:
    store, _ = caseload
    with store.read() as session:
        alerts = session.execute(select(Alert)).scalars().all()
    access = [a for a in alerts if a.kind == "access_to_home"]
    assert access, "a 200-person caseload has key safes"
    for alert in access:
        assert not re.search(r"\d{4}", alert.summary)
        assert alert.restricted_detail is not None
        assert re.search(r"\d{4}", alert.restricted_detail)
    assert {a.kind for a in alerts} >= {"animal", "allergy", "access_to_home"}


def test_about_half_have_a_main_carer(caseload) -> None:
    store, _ = caseload
    with store.read() as session:
        with_carer = session.execute(
            select(func.count(func.distinct(PersonalContact.person_id))).where(
                PersonalContact.is_main_carer.is_(True)
            )
        ).scalar()
    assert 0.35 * 200 <= (with_carer or 0) <= 0.65 * 200


def test_the_signed_in_nurse_has_visits_today(caseload) -> None:
    store, summary = caseload
    with store.read() as session:
        assert settings.get(session, settings.SIGNED_IN_USER) == summary.signed_in_user_id
        assert settings.get(session, settings.HOME_TEAM)
        assert settings.get(session, settings.HOME_ORGANISATION)
        today = (
            session.execute(
                select(PlannedVisit).where(
                    PlannedVisit.assigned_to_id == summary.signed_in_user_id,
                    PlannedVisit.due_at >= start_of_day_utc(AS_OF),
                    PlannedVisit.due_at < start_of_day_utc(AS_OF + timedelta(days=1)),
                )
            )
            .scalars()
            .all()
        )
        overdue = session.execute(
            select(func.count())
            .select_from(PlannedVisit)
            .where(PlannedVisit.due_at < start_of_day_utc(AS_OF), PlannedVisit.status == "planned")
        ).scalar()
    assert 5 <= len(today) <= 8
    assert overdue


def test_names_include_accents_and_apostrophes(caseload) -> None:
    store, _ = caseload
    with store.read() as session:
        names = session.execute(select(Person.given_name, Person.family_name)).all()
    assert any(not (g + f).isascii() for g, f in names)


def test_every_inserted_row_is_journalled_once(sixty) -> None:
    store, _, _ = sixty
    with store.read() as session:
        for name, table in journalled_tables().items():
            rows = session.execute(select(func.count()).select_from(table)).scalar()
            journalled = session.execute(
                select(func.count())
                .select_from(ChangeRecord)
                .where(ChangeRecord.entity == name, ChangeRecord.op.in_(("create", "append")))
            ).scalar()
            assert rows == journalled, name


@pytest.mark.parametrize("table", [Person, ConsentToShare, PlanAction, ContactNote])
def test_the_journal_carries_exactly_what_the_table_holds(sixty, table: type[Base]) -> None:
    store, _, _ = sixty
    with store.read() as session:
        journal = {
            c.entity_id: json.loads(c.value or "{}")
            for c in session.execute(
                select(ChangeRecord).where(ChangeRecord.entity == table.__tablename__)
            ).scalars()
        }
        rows = session.execute(select(table)).scalars().all()
        assert rows
        for row in rows:
            assert journal[row.id] == row_of(row)


def test_the_build_is_audited_with_counts_only(sixty) -> None:
    store, _, _ = sixty
    with store.read() as session:
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "demo_created")
        ).scalar_one()
    assert json.loads(event.detail) == {"people": 60, "seed": 11, "role": "community_nurse"}


def test_notes_are_in_the_past_and_typed_up_after_the_visit(sixty) -> None:
    store, _, _ = sixty
    with store.read() as session:
        notes = session.execute(select(ContactNote)).scalars().all()
    assert all(n.occurred_at < start_of_day_utc(AS_OF) for n in notes)
    assert all(n.recorded_at >= n.occurred_at for n in notes)
    assert len({n.contact_type for n in notes}) >= 7
    with store.read() as session:
        before_birth = session.execute(
            select(func.count())
            .select_from(ContactNote)
            .join(Person, Person.id == ContactNote.person_id)
            .where(func.date(ContactNote.occurred_at) < func.date(Person.date_of_birth, "-1 day"))
        ).scalar()
    assert before_birth == 0
    assert any(json.loads(n.linked_goal_ids) for n in notes)


def test_a_profile_with_records_is_refused(sixty) -> None:
    store, _, _ = sixty
    with pytest.raises(InvalidInputError):
        build_demo_caseload(store, people=1, seed=1, as_of=AS_OF)


@pytest.mark.parametrize(
    ("day", "hour", "minute"),
    [
        (date(2028, 2, 29), 7, 0),  # a leap day, before the round starts
        (date(2028, 2, 29), 12, 5),  # midway through the round
        (date(2030, 12, 31), 23, 30),  # the last evening of a year, the round long done
        (date(2026, 3, 29), 10, 0),  # the morning the clocks go forward
    ],
)
def test_the_demo_is_coherent_whenever_it_is_made(
    tmp_path: Path, day: date, hour: int, minute: int
) -> None:
    """Nothing planned for today is already past when the demo is made (round visits whose
    time has gone are done, each with its note), and no goal not yet started aims at a day
    already gone: the demo reads true on any date, at any hour."""
    now = clock.at_local(day, hour, minute)
    store = _store(tmp_path)
    try:
        build_demo_caseload(store, people=40, seed=3, notes_per_person=2, now=now)
        start, end = clock.day_bounds(day)
        with store.read() as session:
            today = (
                session.execute(
                    select(PlannedVisit).where(
                        PlannedVisit.due_at >= start, PlannedVisit.due_at < end
                    )
                )
                .scalars()
                .all()
            )
            notes = {n.id: n for n in session.execute(select(ContactNote)).scalars()}
            goals = session.execute(select(Goal)).scalars().all()
        assert today, "the nurse has a round today"
        for visit in today:
            if visit.status == "planned":
                assert visit.due_at > now
            else:
                assert visit.status == "done"
                assert visit.due_at <= now
                note = notes[visit.done_note_id]
                assert note.person_id == visit.person_id
                assert visit.due_at <= note.occurred_at <= note.recorded_at <= now
        assert all(n.occurred_at <= now and n.recorded_at <= now for n in notes.values())
        done = [v for v in today if v.status == "done"]
        assert (len(done) == len(today)) == (hour >= 17)
        assert (not done) == (hour < 8)
        waiting = [g for g in goals if g.status == "not_started" and g.target_date is not None]
        assert waiting
        assert all(g.target_date > day for g in waiting)
    finally:
        store.close()
