"""Family, friends and carers, and the professionals involved, in the record:
added and corrected by anyone on the team. Who is the main carer, who holds a key,
who holds a lasting power of attorney, whom to call in an emergency, whether the
carer has been offered their own assessment (Care Act s.10), and who the key
worker is, are what a visitor needs from these lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app import rules
from app.errors import InvalidInputError, NotFoundError
from app.services.changes import CONTACTS, Change
from app.services.need_to_know.access import writable_person
from app.services.ops import operation, optional_date, text
from app.values.vocab import CarersAssessment, LastingPowerOfAttorney
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Organisation, PersonalContact, ProfessionalContact


def _yes(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return rules.yes_no(str(value or "no"))


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    """Every field parsed and checked; one plain line on the first that is wrong."""
    assessment = str(values.get("carers_assessment") or "").strip()
    attorney = str(values.get("lasting_power_of_attorney") or "").strip()
    fields: dict[str, Any] = {
        "name": text(values.get("name"), "name", limit=200, required=True),
        "relationship": text(values.get("relationship"), "relationship", limit=60),
        "phone": rules.phone(str(values.get("phone") or "")),
        "is_main_carer": _yes(values.get("is_main_carer")),
        "carers_assessment": CarersAssessment.parse(assessment).value if assessment else None,
        "carers_assessment_date": optional_date(
            values.get("carers_assessment_date"), "date of the carer's assessment"
        ),
        "is_key_holder": _yes(values.get("is_key_holder")),
        "lasting_power_of_attorney": (
            LastingPowerOfAttorney.parse(attorney).value if attorney else None
        ),
        "is_emergency_contact": _yes(values.get("is_emergency_contact")),
        "comments": text(values.get("comments"), "comments", limit=2000) or None,
    }
    if fields["carers_assessment_date"] and fields["carers_assessment"] in (None, "not_offered"):
        raise InvalidInputError(
            "A carer's assessment date needs the assessment offered, declined or done."
        )
    return fields


def save_personal_contact(
    workspace: Workspace,
    *,
    person_id: str,
    values: dict[str, Any],
    contact_id: str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Add a family member, friend or carer, or correct one (`contact_id`)."""
    fields = _checked(values)
    with operation(workspace, draft_key=draft_key) as session:
        writable_person(session, person_id)
        if contact_id is None:
            row = PersonalContact(person_id=person_id, **fields)
            session.add(row)
            session.flush()
            changed: tuple[str, ...] = tuple(name for name, value in fields.items() if value)
            action = "personal_contact_added"
        else:
            found = session.get(PersonalContact, contact_id)
            if found is None or found.person_id != person_id:
                raise NotFoundError("That contact is no longer in this person's record.")
            row = found
            changed = tuple(name for name, value in fields.items() if getattr(row, name) != value)
            for name in changed:
                setattr(row, name, fields[name])
            action = "personal_contact_edited"
        if changed or contact_id is None:
            audit(
                session,
                action,
                person_id=person_id,
                detail={"contact_id": row.id, "fields": sorted(changed)},
            )
    return Change(
        action, person_id=person_id, entity_id=row.id, areas=frozenset({CONTACTS}), fields=changed
    )


def _checked_professional(values: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": text(values.get("name"), "name", limit=200, required=True),
        "role": text(values.get("role"), "role", limit=120, required=True),
        "team": text(values.get("team"), "team", limit=200) or None,
        "organisation_id": str(values.get("organisation_id") or "") or None,
        "contact_details": text(values.get("contact_details"), "contact details", limit=200)
        or None,
        "is_key_worker": _yes(values.get("is_key_worker")),
        "start_date": optional_date(values.get("start_date"), "date they started"),
        "end_date": optional_date(values.get("end_date"), "date they stopped"),
    }
    if fields["start_date"] and fields["end_date"] and fields["end_date"] < fields["start_date"]:
        raise InvalidInputError("A professional cannot stop before they started.")
    return fields


def save_professional_contact(
    workspace: Workspace,
    *,
    person_id: str,
    values: dict[str, Any],
    contact_id: str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Add a professional involved in the person's care, or correct or end one
    (an end date: they stay in the record, no longer on the care team). One key
    worker at a time: naming a new one stops the last being it."""
    fields = _checked_professional(values)
    with operation(workspace, draft_key=draft_key) as session:
        writable_person(session, person_id)
        if (
            fields["organisation_id"]
            and session.get(Organisation, fields["organisation_id"]) is None
        ):
            raise InvalidInputError("That organisation is not in this laptop's directory.")
        if contact_id is None:
            row = ProfessionalContact(person_id=person_id, **fields)
            session.add(row)
            session.flush()
            changed: tuple[str, ...] = tuple(name for name, value in fields.items() if value)
            action = "professional_contact_added"
        else:
            found = session.get(ProfessionalContact, contact_id)
            if found is None or found.person_id != person_id:
                raise NotFoundError("That professional is no longer in this person's record.")
            row = found
            changed = tuple(name for name, value in fields.items() if getattr(row, name) != value)
            for name in changed:
                setattr(row, name, fields[name])
            action = "professional_contact_edited"
        if fields["is_key_worker"]:
            for other in session.execute(
                select(ProfessionalContact).where(
                    ProfessionalContact.person_id == person_id,
                    ProfessionalContact.is_key_worker.is_(True),
                    ProfessionalContact.id != row.id,
                )
            ).scalars():
                other.is_key_worker = False
        if changed or contact_id is None:
            audit(
                session,
                action,
                person_id=person_id,
                detail={"contact_id": row.id, "fields": sorted(changed)},
            )
    return Change(
        action, person_id=person_id, entity_id=row.id, areas=frozenset({CONTACTS}), fields=changed
    )
