"""Registering a person, from the app, the command line or a referral: every field
checked before anything is written, then the same person looked for (by NHS number,
or else by family name, date of birth and postcode) inside the same write, so two
quick clicks cannot make two records. A possible match is offered, not created:
the caller opens that record, or says this is a different person and registers.

A person may be registered before their NHS number is known; it is recorded later
(`onerecord edit --nhs ... nhs_number=...`), and until then the record says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app import rules
from app.errors import (
    AccessDeniedError,
    InvalidInputError,
    NotFoundError,
    OneRecordError,
    ProfileExistsError,
)
from app.services import clock
from app.services.caseload.allocation import check_lead
from app.services.changes import CASELOAD, HEADER, VISITS, Change
from app.services.need_to_know.access import require_access_to_write
from app.services.record.person_match import SAME_NHS_NUMBER, PossibleMatch, possible_matches
from app.services.record.referrals import NewReferral, checked_referral
from app.services.write_rules.write_policy import ALLOCATORS, NOT_LEADS, ONLY_COORDINATOR_LEADS
from app.values.nhs_number import NhsNumber
from app.values.vocab import LevelOfNeed
from app.workspace import Workspace
from storage import settings
from storage.audit_log import append as audit
from storage.tables import Person, PlannedVisit, StaffMember, Team


@dataclass(frozen=True)
class NewPerson:
    """What registering someone needs; the NHS number may be left empty ("" : not
    yet known)."""

    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: str | date
    postcode: str
    address_line1: str = ""
    preferred_name: str | None = None
    level_of_need: str = LevelOfNeed.TARGETED.value
    address_line2: str | None = None
    town: str | None = None
    phone: str | None = None


class AlreadyRegisteredError(ProfileExistsError):
    """The NHS number is someone's already: never a second record."""

    def __init__(self, match: PossibleMatch) -> None:
        super().__init__(
            "NHS number {nhs} is already in this profile ({who}): open their record instead.",
            nhs=NhsNumber.parse(match.nhs_number or "").formatted,
            who=match.describe(),
        )
        self.match = match


class PossibleDuplicateError(OneRecordError):
    """Someone with the same family name, date of birth and postcode is already here."""

    exit_code = 1

    def __init__(self, matches: list[PossibleMatch]) -> None:
        super().__init__(
            "This may be someone already in this profile: {who}. Open their record, or, "
            "if this is a different person, register them as different.",
            who="; ".join(m.describe() for m in matches),
        )
        self.matches = matches


def checked_person(new: NewPerson) -> Person:
    """Every field parsed and checked, nothing written: one plain line on the first
    that is wrong."""
    nhs = NhsNumber.parse(new.nhs_number).digits if new.nhs_number.strip() else None
    return Person(
        nhs_number=nhs,
        given_name=rules.required_name(new.given_name, "given name"),
        family_name=rules.required_name(new.family_name, "family name"),
        preferred_name=rules.optional_text(new.preferred_name, 120),
        date_of_birth=rules.date_of_birth(new.date_of_birth),
        postcode=rules.postcode(new.postcode),
        address_line1=(rules.optional_text(new.address_line1) or ""),
        address_line2=rules.optional_text(new.address_line2),
        town=rules.optional_text(new.town, 120),
        phone=rules.phone(new.phone or ""),
        level_of_need=LevelOfNeed.parse(new.level_of_need).value,
    )


def find_matches(workspace: Workspace, new: NewPerson) -> list[PossibleMatch]:
    """Who this may already be, for the form to offer before saving (fields checked)."""
    person = checked_person(new)
    with workspace.store.read() as session:
        return possible_matches(
            session,
            nhs_number=person.nhs_number,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            postcode=person.postcode,
        )


def register_person(
    workspace: Workspace,
    new: NewPerson,
    *,
    different_person: bool = False,
    referral: NewReferral | None = None,
    first_visit_at: datetime | None = None,
    lead_professional_id: str | None = None,
) -> Change:
    """Register someone on this laptop's team's caseload (journalled: it syncs), with
    the referral that brought them and the first visit when there are: all or
    nothing. The coordinator may name the lead professional as they register (as
    allocation would); the first visit is then the lead's, otherwise the registering
    person's own."""
    person = checked_person(new)
    if lead_professional_id and workspace.actor.role not in ALLOCATORS:
        raise AccessDeniedError(ONLY_COORDINATOR_LEADS)
    if first_visit_at is not None:
        if first_visit_at.tzinfo is None:
            raise InvalidInputError("Say which time zone the first visit time is in.")
        if first_visit_at <= clock.now():
            raise InvalidInputError("The first visit must be in the future.")
        if first_visit_at > clock.now() + timedelta(days=366):
            raise InvalidInputError("Plan the first visit within a year.")
    # Checked before anything is written (the person's id is set once it is added).
    if referral is not None:
        checked = checked_referral(referral, "")
        if first_visit_at is None and lead_professional_id and checked.first_contact_due:
            first_visit_at = first_contact_visit(checked.first_contact_due)
    with workspace.store.write(workspace.actor) as session:
        matches = possible_matches(
            session,
            nhs_number=person.nhs_number,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            postcode=person.postcode,
        )
        same_number = [m for m in matches if m.why == SAME_NHS_NUMBER]
        if same_number:
            raise AlreadyRegisteredError(same_number[0])
        if matches and not different_person:
            raise PossibleDuplicateError(matches)
        # A new person joins the caseload of the team this laptop works for (the
        # server does the same if the team's record has not reached this laptop yet).
        team_id = settings.get(session, settings.HOME_TEAM)
        if team_id and session.get(Team, team_id) is not None:
            person.team_id = team_id
        if lead_professional_id:
            check_lead(session, lead_professional_id)
            person.lead_professional_id = lead_professional_id
        session.add(person)
        session.flush()
        if referral is not None:
            session.add(checked_referral(referral, person.id))
        if first_visit_at is not None:
            session.add(
                PlannedVisit(
                    person_id=person.id,
                    due_at=first_visit_at,
                    assigned_to_id=lead_professional_id or workspace.actor.user_id,
                    purpose="First visit",
                )
            )
        audit(
            session,
            "person_registered",
            person_id=person.id,
            detail={
                "nhs_number_known": person.nhs_number is not None,
                "referral": referral.source if referral is not None else None,
                "lead_named": lead_professional_id is not None,
            },
        )
    return Change(
        "person_registered",
        person_id=person.id,
        entity_id=person.id,
        areas=frozenset({CASELOAD, HEADER, VISITS}),
    )


def record_nhs_number(workspace: Workspace, person_id: str, nhs_number: str) -> Change:
    """The NHS number of someone registered without one, once it is known. Only a
    first number: changing one a person already has means a wrong match, which needs
    a person's review, not an edit."""
    number = NhsNumber.parse(nhs_number)
    with workspace.store.write(workspace.actor) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFoundError("No one with that person id is in this profile.")
        require_access_to_write(session, person.id)
        if person.nhs_number == number.digits:
            return Change("nhs_number_recorded", person_id=person.id)
        if person.nhs_number is not None:
            raise InvalidInputError(
                "This person already has an NHS number: a wrong one needs the record "
                "reviewed, not edited."
            )
        for match in possible_matches(
            session,
            nhs_number=number.digits,
            family_name=person.family_name,
            date_of_birth=person.date_of_birth,
            postcode=person.postcode,
        ):
            if match.why == SAME_NHS_NUMBER:
                raise AlreadyRegisteredError(match)
        person.nhs_number = number.digits
        audit(session, "nhs_number_recorded", person_id=person.id)
    return Change(
        "nhs_number_recorded",
        person_id=person_id,
        entity_id=person_id,
        areas=frozenset({CASELOAD, HEADER}),
        fields=("nhs_number",),
    )


FIRST_CONTACT_HOUR = 10
# A visit planned without a time chosen falls in the working day.
WORKING_DAY = (8, 18)


def first_contact_visit(due: date, now: datetime | None = None) -> datetime:
    """The first visit a named lead is given when no time was chosen: the day first
    contact is due, at 10:00, so a hospital discharge's next-day visit is on the
    lead's Today list, not only a date in the referral. When that has passed (due
    today, or already overdue), the next hour in the working day; after it, 10:00
    the next day."""
    moment = now or clock.now()
    planned = clock.at_local(due, FIRST_CONTACT_HOUR)
    if planned > moment:
        return planned
    soonest = clock.local(moment).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if (
        WORKING_DAY[0] <= soonest.hour < WORKING_DAY[1]
        and soonest.date() == clock.local(moment).date()
    ):
        return soonest.astimezone(UTC)
    start = WORKING_DAY[0] <= clock.local(moment).hour
    day = clock.local(moment).date() + timedelta(days=1 if start else 0)
    return clock.at_local(day, FIRST_CONTACT_HOUR)


def lead_choices(workspace: Workspace) -> tuple[tuple[str, str], ...]:
    """(id, name) of who may lead a new person's care, for a coordinator's New person
    form; nothing for anyone else (naming the lead is the coordinator's)."""
    if workspace.actor.role not in ALLOCATORS:
        return ()
    with workspace.store.read() as session:
        rows = session.execute(
            select(StaffMember.id, StaffMember.display_name)
            .where(StaffMember.active.is_(True), StaffMember.role.not_in(NOT_LEADS))
            .order_by(StaffMember.display_name)
        ).all()
    return tuple((r[0], r[1]) for r in rows)
