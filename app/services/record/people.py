"""Finding people, registering them, and editing their demographics."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app import rules
from app.errors import InvalidInputError, NotFoundError
from app.services.changes import CASELOAD, HEADER, Change
from app.services.need_to_know.access import require_access
from app.services.record.registration import NewPerson, register_person
from app.values.nhs_number import VERIFICATION_STATUS, NhsNumber
from app.values.vocab import LevelOfNeed, LifeStage
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Locality, Organisation, Person, StaffMember

# A person id as the store makes them (uuid4 text).
_PERSON_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

__all__ = ["DETAILS", "NewPerson", "edit", "edit_details", "find", "parse_assignments", "register"]


def find(session: Session, nhs_number: str) -> Person:
    """Someone by NHS number, or by their person id (all a person registered before
    their NHS number was known can be found by, until it is recorded)."""
    text = nhs_number.strip()
    if _PERSON_ID.fullmatch(text):
        by_id = session.get(Person, text)
        if by_id is None:
            raise NotFoundError("No one with that person id is in this profile.")
        return by_id
    number = NhsNumber.parse(text)
    person = session.execute(
        select(Person).where(Person.nhs_number == number.digits)
    ).scalar_one_or_none()
    if person is None:
        raise NotFoundError(
            "No one with NHS number {formatted} is in this profile.", formatted=number.formatted
        )
    return person


def register(workspace: Workspace, new: NewPerson) -> str:
    """Register someone whose NHS number the caller holds, and return their person id:
    for scripts, benchmarks and fixtures that make many synthetic people alike in
    name, birth and postcode. The NHS number is still never registered twice; the
    question "is this someone already here by name?" belongs to the person typing,
    so the app's form and `onerecord person add` ask it (registration.register_person)."""
    change = register_person(workspace, new, different_person=True)
    assert change.person_id is not None
    return change.person_id


def _locality(session: Session, text: str) -> str:
    found = session.execute(
        select(Locality.id).where(func.lower(Locality.name) == text.strip().lower())
    ).scalar()
    if found is None:
        raise InvalidInputError("There is no locality called '{text}'.", text=text)
    return found


def _staff(session: Session, text: str) -> str | None:
    if text.strip().lower() in ("", "none", "unallocated"):
        return None
    found = (
        session.execute(
            select(StaffMember.id).where(
                or_(
                    StaffMember.id == text.strip(),
                    func.lower(StaffMember.display_name) == text.strip().lower(),
                )
            )
        )
        .scalars()
        .all()
    )
    if len(found) != 1:
        raise InvalidInputError("There is no one staff member called '{text}'.", text=text)
    return found[0]


def _gp(session: Session, text: str) -> str:
    found = session.execute(
        select(Organisation.id).where(Organisation.ods_code == text.strip().upper())
    ).scalar()
    if found is None:
        raise InvalidInputError(
            "There is no GP practice with ODS code '{text}' in this profile.", text=text
        )
    return found


def _verification(_: Session, text: str) -> str:
    code = text.strip().zfill(2)
    if code not in VERIFICATION_STATUS:
        raise InvalidInputError("The NHS number status should be a code from 01 to 08.")
    return code


def yes_no_or_not_recorded(text: str) -> bool | None:
    """Yes, no, or blank ("not recorded"): a fact no one has asked yet stays unknown,
    never a "no" by default."""
    if text.strip().lower() in ("", "not recorded", "not_recorded", "unknown", "none"):
        return None
    return rules.yes_no(text)


def _plain(parse: Callable[[str], Any]) -> Callable[[Session, str], Any]:
    return lambda _session, text: parse(text)


# FIELD (as typed after --set) -> (column on Person, parser). The NHS number is
# not editable here: a wrong one means a wrong match, which needs a person's review.
EDITABLE: dict[str, tuple[str, Callable[[Session, str], Any]]] = {
    "given_name": ("given_name", _plain(lambda t: rules.required_name(t, "given name"))),
    "family_name": ("family_name", _plain(lambda t: rules.required_name(t, "family name"))),
    "preferred_name": ("preferred_name", _plain(lambda t: rules.optional_text(t, 120))),
    "title": ("title", _plain(lambda t: rules.optional_text(t, 20))),
    "date_of_birth": ("date_of_birth", _plain(rules.date_of_birth)),
    "sex": ("sex", _plain(lambda t: rules.optional_text(t, 20))),
    "gender": ("gender", _plain(lambda t: rules.optional_text(t, 40))),
    "address_line1": ("address_line1", _plain(lambda t: rules.optional_text(t) or "")),
    "address_line2": ("address_line2", _plain(rules.optional_text)),
    "town": ("town", _plain(lambda t: rules.optional_text(t, 120))),
    "postcode": ("postcode", _plain(rules.postcode)),
    "phone": ("phone", _plain(rules.phone)),
    "gp_practice": ("gp_practice_id", _gp),
    "gp_name": ("gp_name", _plain(lambda t: rules.optional_text(t, 120))),
    "interpreter_needed": ("interpreter_needed", _plain(rules.yes_no)),
    "language": ("language", _plain(lambda t: rules.required_name(t, "language"))),
    "large_print": ("large_print", _plain(rules.yes_no)),
    "lives_alone": ("lives_alone", _plain(yes_no_or_not_recorded)),
    "communication_needs": ("communication_needs", _plain(lambda t: rules.optional_text(t, 2000))),
    "locality": ("locality_id", _locality),
    "level_of_need": ("level_of_need", _plain(lambda t: LevelOfNeed.parse(t).value)),
    "life_stage": ("life_stage", _plain(lambda t: LifeStage.parse(t).value)),
    "lead_professional": ("lead_professional_id", _staff),
    "date_of_death": (
        "date_of_death",
        _plain(lambda t: rules.date_of_birth(t) if t.strip() else None),
    ),
    "nhs_number_status": ("nhs_number_status", _verification),
}


# A case's status changes only by closing (why, when, and who still holds actions)
# or reopening it: app.services.record.case.
CLOSE_NOT_EDIT = (
    "A case is closed or reopened with 'onerecord person close' or 'person reopen': "
    "closing says why and names whoever still holds actions."
)


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """["level_of_need=specialist"] -> {"level_of_need": "specialist"}; unknown fields refused."""
    changes: dict[str, str] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or not name:
            raise InvalidInputError("'{item}' should look like FIELD=VALUE.", item=item)
        if name == "status":
            raise InvalidInputError(CLOSE_NOT_EDIT)
        if name not in EDITABLE:
            raise InvalidInputError(
                "'{name}' is not a field you can edit. Fields: {editable}.",
                name=name,
                editable=", ".join(sorted(EDITABLE)),
            )
        changes[name] = value
    return changes


# What the record's Edit details form changes: who the person is and how to reach them.
DETAILS = (
    "title",
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "phone",
    "language",
    "interpreter_needed",
    "communication_needs",
    "lives_alone",
)


def edit_details(workspace: Workspace, person_id: str, values: dict[str, str]) -> Change:
    """The Edit details form saved: every field checked, all or nothing; a Change
    naming only the fields that changed (none: nothing was written)."""
    unknown = set(values) - set(DETAILS)
    if unknown:
        raise InvalidInputError(
            "'{name}' is not one of a person's details.", name=sorted(unknown)[0]
        )
    changed = edit(workspace, person_id, values)
    return Change(
        "record_edited",
        person_id=person_id,
        entity_id=person_id,
        areas=frozenset({HEADER, CASELOAD}),
        fields=tuple(changed),
    )


def edit(workspace: Workspace, nhs_number: str, changes: dict[str, str]) -> list[str]:
    """Apply every change or none. Returns the fields that actually changed."""
    with workspace.store.write(workspace.actor) as session:
        person = find(session, nhs_number)
        require_access(session, workspace.actor, person.id)  # need-to-know, as for reading
        if "status" in changes:
            raise InvalidInputError(CLOSE_NOT_EDIT)
        parsed = {
            EDITABLE[name][0]: EDITABLE[name][1](session, value) for name, value in changes.items()
        }
        dob = parsed.get("date_of_birth", person.date_of_birth)
        dod = parsed.get("date_of_death", person.date_of_death)
        if dod is not None and dod < dob:
            raise InvalidInputError("The date of death cannot be before the date of birth.")
        changed = [col for col, value in parsed.items() if getattr(person, col) != value]
        for column in changed:
            setattr(person, column, parsed[column])
        if changed:
            audit(session, "record_edited", person_id=person.id, detail={"fields": sorted(changed)})
    return changed
