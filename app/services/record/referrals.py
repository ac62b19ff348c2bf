"""Referrals: who referred the person, why, how urgently, when it arrived and when
first contact is due (home from hospital or urgent: the next day, seven days a
week). A referral arrives with a registration (`registration.register_person`),
or later for someone already registered (`add_referral`); each is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.changes import ASSESSMENTS, Change
from app.services.need_to_know.access import require_access_to_write
from app.services.ops import optional_date, text
from app.values.vocab import PersonStatus, ReferralSource, ReferralUrgency
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Person, Referral


@dataclass(frozen=True)
class NewReferral:
    """How the person came to the team, recorded with their registration."""

    source: str
    reason: str = ""
    referrer_name: str | None = None
    urgency: str = ReferralUrgency.ROUTINE.value
    received_on: str | date | None = None  # empty: today
    first_contact_due: str | date | None = None  # empty: the next day if urgent


def checked_referral(new: NewReferral, person_id: str) -> Referral:
    source = ReferralSource.parse(new.source).value
    urgency = ReferralUrgency.parse(new.urgency or ReferralUrgency.ROUTINE.value).value
    received = optional_date(new.received_on, "date the referral arrived") or clock.today()
    if received > clock.today():
        raise InvalidInputError("A referral cannot have arrived on a date still to come.")
    due = optional_date(new.first_contact_due, "date first contact is due")
    if due is None and (
        urgency == ReferralUrgency.URGENT.value or source == ReferralSource.HOSPITAL_DISCHARGE.value
    ):
        # Urgent, or home from hospital: seen the next day, seven days a week.
        due = received + timedelta(days=1)
    if due is not None and due < received:
        raise InvalidInputError("First contact cannot be due before the referral arrived.")
    return Referral(
        person_id=person_id,
        source=source,
        referrer_name=text(new.referrer_name, "name of who referred", limit=200) or None,
        reason=text(new.reason, "reason for the referral", limit=4000),
        urgency=urgency,
        received_on=received,
        first_contact_due=due,
    )


def add_referral(workspace: Workspace, *, person_id: str, referral: NewReferral) -> Change:
    """A new referral for someone already registered (referred again, or for another
    reason): kept beside the earlier ones. A closed case is reopened first, on
    purpose, by whoever takes it on."""
    with workspace.store.write(workspace.actor) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFoundError("No one with that person id is in this profile.")
        require_access_to_write(session, person.id)
        if person.status != PersonStatus.OPEN.value:
            raise InvalidInputError(
                "This case is closed: reopen it first, then record the referral."
            )
        row = checked_referral(referral, person.id)
        session.add(row)
        session.flush()
        audit(
            session,
            "referral_recorded",
            person_id=person.id,
            detail={"referral_id": row.id, "source": row.source},
        )
    return Change(
        "referral_recorded",
        person_id=person_id,
        entity_id=row.id,
        areas=frozenset({ASSESSMENTS}),
        fields=("source", "reason", "urgency", "received_on", "first_contact_due"),
    )
