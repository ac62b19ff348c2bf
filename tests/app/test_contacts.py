"""Family, friends and carers, and professionals, kept from the app: added, corrected field by field,
every field checked first (one plain line, nothing written), audited by field name
only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInputError
from app.services.record import people
from app.services.record.contacts import save_personal_contact, save_professional_contact
from app.workspace import Workspace
from storage.tables import AuditEvent, ChangeRecord, PersonalContact, ProfessionalContact
from tests.conftest import ZOE


def _pid(ws: Workspace) -> str:
    with ws.store.read() as session:
        return people.find(session, ZOE).id


def _changes(ws: Workspace) -> int:
    with ws.store.read() as session:
        return int(session.execute(select(func.count()).select_from(ChangeRecord)).scalar_one())


def test_added_then_corrected_with_only_what_changed(populated: Workspace) -> None:
    pid = _pid(populated)
    added = save_personal_contact(
        populated,
        person_id=pid,
        values={
            "name": "Siân Evans",
            "relationship": "Niece",
            "is_key_holder": "yes",
            "lasting_power_of_attorney": "health_and_welfare",
        },
    )
    assert added.touches("contacts") and added.entity_id
    fixed = save_personal_contact(
        populated,
        person_id=pid,
        contact_id=added.entity_id,
        values={
            "name": "Siân Evans",
            "relationship": "Niece",
            "phone": "01970 000123",
            "is_key_holder": "yes",
            "lasting_power_of_attorney": "health_and_welfare",
        },
    )
    assert fixed.fields == ("phone",)
    with populated.store.read() as session:
        row = session.get(PersonalContact, added.entity_id)
        assert row is not None and row.phone == "01970 000123" and row.is_key_holder
        details = (
            session.execute(
                select(AuditEvent.detail).where(AuditEvent.action.like("personal_contact_%"))
            )
            .scalars()
            .all()
        )
    assert len(details) == 2 and not any("Siân" in (d or "") for d in details)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"name": " "}, "Enter the name"),
        ({"name": "Ann", "phone": "not a phone"}, "not a telephone number"),
        ({"name": "Ann", "carers_assessment": "maybe"}, "maybe"),
        ({"name": "Ann", "carers_assessment_date": "2026-01-01"}, "needs the assessment offered"),
    ],
)
def test_bad_input_is_one_plain_line_and_nothing_is_written(
    populated: Workspace, values: dict[str, str], reason: str
) -> None:
    before = _changes(populated)
    with pytest.raises(InvalidInputError, match=reason):
        save_personal_contact(populated, person_id=_pid(populated), values=values)
    assert _changes(populated) == before


def test_one_key_worker_at_a_time_and_an_ended_professional_is_kept(
    populated: Workspace,
) -> None:
    pid = _pid(populated)
    first = save_professional_contact(
        populated,
        person_id=pid,
        values={"name": "Nia Rees", "role": "District nurse", "is_key_worker": "yes"},
    )
    second = save_professional_contact(
        populated,
        person_id=pid,
        values={"name": "Tom Bell", "role": "Social worker", "is_key_worker": "yes"},
    )
    ended = save_professional_contact(
        populated,
        person_id=pid,
        contact_id=first.entity_id,
        values={
            "name": "Nia Rees",
            "role": "District nurse",
            "start_date": "2026-01-05",
            "end_date": "2026-06-30",
        },
    )
    # Tom became key worker, so Nia no longer was: only her dates changed now.
    assert set(ended.fields) == {"start_date", "end_date"}
    with populated.store.read() as session:
        rows = {
            r.name: r
            for r in session.execute(
                select(ProfessionalContact).where(ProfessionalContact.person_id == pid)
            ).scalars()
        }
    assert rows["Tom Bell"].is_key_worker and not rows["Nia Rees"].is_key_worker
    assert rows["Nia Rees"].end_date is not None  # ended, not removed
    assert second.entity_id == rows["Tom Bell"].id


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"name": "Ann", "role": ""}, "Enter the role"),
        (
            {"name": "Ann", "role": "GP", "start_date": "2026-02-01", "end_date": "2026-01-01"},
            "cannot stop before they started",
        ),
        ({"name": "Ann", "role": "GP", "organisation_id": "no-such-org"}, "not in this laptop"),
    ],
)
def test_a_professional_with_bad_details_is_not_written(
    populated: Workspace, values: dict[str, str], reason: str
) -> None:
    before = _changes(populated)
    with pytest.raises(InvalidInputError, match=reason):
        save_professional_contact(populated, person_id=_pid(populated), values=values)
    assert _changes(populated) == before
