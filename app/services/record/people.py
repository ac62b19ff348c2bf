"""Finding people, registering them, and editing their demographics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app import rules
from app.errors import InvalidInputError, NotFoundError, ProfileExistsError
from app.services.need_to_know.access import require_access
from app.values.nhs_number import VERIFICATION_STATUS, NhsNumber
from app.values.vocab import LevelOfNeed, LifeStage, PersonStatus
from app.workspace import Workspace
from storage import settings
from storage.audit_log import append as audit
from storage.tables import Locality, Organisation, Person, StaffMember, Team


@dataclass(frozen=True)
class NewPerson:
    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: str | date
    postcode: str
    address_line1: str = ""
    preferred_name: str | None = None
    level_of_need: str = LevelOfNeed.TARGETED.value


def find(session: Session, nhs_number: str) -> Person:
    number = NhsNumber.parse(nhs_number)
    person = session.execute(
        select(Person).where(Person.nhs_number == number.digits)
    ).scalar_one_or_none()
    if person is None:
        raise NotFoundError(
            "No one with NHS number {formatted} is in this profile.", formatted=number.formatted
        )
    return person


def register(workspace: Workspace, new: NewPerson) -> str:
    number = NhsNumber.parse(new.nhs_number)
    person = Person(
        nhs_number=number.digits,
        given_name=rules.required_name(new.given_name, "given name"),
        family_name=rules.required_name(new.family_name, "family name"),
        preferred_name=rules.optional_text(new.preferred_name, 120),
        date_of_birth=rules.date_of_birth(new.date_of_birth),
        postcode=rules.postcode(new.postcode),
        address_line1=new.address_line1.strip(),
        level_of_need=LevelOfNeed.parse(new.level_of_need).value,
    )
    with workspace.store.write(workspace.actor) as session:
        clash = session.execute(select(Person.id).where(Person.nhs_number == number.digits)).first()
        if clash:
            raise ProfileExistsError(
                "NHS number {formatted} is already in this profile.", formatted=number.formatted
            )
        # A new person joins the caseload of the team this laptop works for (the
        # server does the same if the team's record has not reached this laptop yet).
        team_id = settings.get(session, settings.HOME_TEAM)
        if team_id and session.get(Team, team_id) is not None:
            person.team_id = team_id
        session.add(person)
        session.flush()
        audit(session, "person_registered", person_id=person.id)
    return person.id


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
    "communication_needs": ("communication_needs", _plain(lambda t: rules.optional_text(t, 2000))),
    "locality": ("locality_id", _locality),
    "level_of_need": ("level_of_need", _plain(lambda t: LevelOfNeed.parse(t).value)),
    "life_stage": ("life_stage", _plain(lambda t: LifeStage.parse(t).value)),
    "lead_professional": ("lead_professional_id", _staff),
    "status": ("status", _plain(lambda t: PersonStatus.parse(t).value)),
    "date_of_death": (
        "date_of_death",
        _plain(lambda t: rules.date_of_birth(t) if t.strip() else None),
    ),
    "nhs_number_status": ("nhs_number_status", _verification),
}


def parse_assignments(assignments: list[str]) -> dict[str, str]:
    """["level_of_need=specialist"] -> {"level_of_need": "specialist"}; unknown fields refused."""
    changes: dict[str, str] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or not name:
            raise InvalidInputError("'{item}' should look like FIELD=VALUE.", item=item)
        if name not in EDITABLE:
            raise InvalidInputError(
                "'{name}' is not a field you can edit. Fields: {editable}.",
                name=name,
                editable=", ".join(sorted(EDITABLE)),
            )
        changes[name] = value
    return changes


def edit(workspace: Workspace, nhs_number: str, changes: dict[str, str]) -> list[str]:
    """Apply every change or none. Returns the fields that actually changed."""
    with workspace.store.write(workspace.actor) as session:
        person = find(session, nhs_number)
        require_access(session, workspace.actor, person.id)  # need-to-know, as for reading
        parsed = {
            EDITABLE[name][0]: EDITABLE[name][1](session, value) for name, value in changes.items()
        }
        if parsed.get("status") == PersonStatus.DECEASED.value and not (
            parsed.get("date_of_death") or person.date_of_death
        ):
            raise InvalidInputError("Record the date of death when marking someone as deceased.")
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
