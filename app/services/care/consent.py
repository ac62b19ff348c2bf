"""Consent to share: per partner organisation (or all partners) and category.

A decision records who gave it (the person, or who decided for them), how,
when, and when to review it; a refusal must say why. One decision stands per
partner and category: reviewing it updates that decision (the journal keeps
every earlier value), and withdrawing it records the date.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.changes import CONSENT, Change
from app.services.need_to_know.access import require_access_to_write
from app.services.ops import operation, optional_date, text
from app.values.vocab import ConsentCategory, ConsentDecision, ConsentMethod
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import ConsentToShare, Organisation, Person


@dataclass(frozen=True)
class ConsentFields:
    category: str
    decision: str
    given_by: str
    method: str
    decided_on: date
    review_on: date | None
    reason_refused: str | None
    withdrawn_on: date | None


def check_consent(
    *,
    category: str,
    decision: str,
    given_by: str,
    method: str,
    decided_on: date | str | None = None,
    review_on: date | str | None = None,
    reason_refused: str | None = None,
) -> ConsentFields:
    code = ConsentDecision.parse(decision).value
    today = clock.today()
    on = optional_date(decided_on, "date of the decision") or today
    if on > today:
        raise InvalidInputError("A consent decision cannot be dated in the future.")
    review = optional_date(review_on, "review date")
    if review is not None and review <= on:
        raise InvalidInputError("The review date must be after the date of the decision.")
    reason = text(reason_refused, "reason", limit=2000) or None
    if code == ConsentDecision.REFUSED.value and not reason:
        raise InvalidInputError("Say why consent was refused.")
    if code != ConsentDecision.REFUSED.value:
        reason = None
    who = text(given_by, "name of who gave the decision", limit=200, required=True)
    return ConsentFields(
        category=ConsentCategory.parse(category).value,
        decision=code,
        given_by=who,
        method=ConsentMethod.parse(method).value,
        decided_on=on,
        review_on=review,
        reason_refused=reason,
        withdrawn_on=on if code == ConsentDecision.WITHDRAWN.value else None,
    )


def _partner(session: Session, partner_id: str | None) -> None:
    if partner_id is not None and session.get(Organisation, partner_id) is None:
        raise InvalidInputError("That partner organisation is not in this profile.")


def record_consent(
    workspace: Workspace,
    *,
    person_id: str,
    partner_organisation_id: str | None,
    category: str,
    decision: str,
    given_by: str = "the person",
    method: str = ConsentMethod.VERBAL.value,
    decided_on: date | str | None = None,
    review_on: date | str | None = None,
    reason_refused: str | None = None,
    draft_key: str | None = None,
) -> Change:
    """A first decision for one partner (None: every partner) and category."""
    fields = check_consent(
        category=category,
        decision=decision,
        given_by=given_by,
        method=method,
        decided_on=decided_on,
        review_on=review_on,
        reason_refused=reason_refused,
    )
    with operation(workspace, draft_key=draft_key) as session:
        if session.get(Person, person_id) is None:
            raise NotFoundError("That person is no longer in this profile.")
        require_access_to_write(session, person_id)  # need-to-know, checked at the write
        _partner(session, partner_organisation_id)
        partner = (
            ConsentToShare.partner_organisation_id.is_(None)
            if partner_organisation_id is None
            else ConsentToShare.partner_organisation_id == partner_organisation_id
        )
        clash = session.execute(
            select(ConsentToShare.id).where(
                ConsentToShare.person_id == person_id,
                ConsentToShare.category == fields.category,
                partner,
            )
        ).first()
        if clash:
            raise InvalidInputError(
                "There is already a decision for that partner and kind of information: "
                "review it instead."
            )
        row = ConsentToShare(
            person_id=person_id, partner_organisation_id=partner_organisation_id, **asdict(fields)
        )
        session.add(row)
        session.flush()
        audit(
            session,
            "consent_recorded",
            person_id=person_id,
            detail={"consent_id": row.id, "decision": fields.decision},
        )
        return Change(
            "consent_recorded",
            person_id=person_id,
            entity_id=row.id,
            areas=frozenset({CONSENT}),
            fields=tuple(asdict(fields)),
        )


def review_consent(
    workspace: Workspace,
    *,
    consent_id: str,
    decision: str,
    given_by: str,
    method: str,
    decided_on: date | str | None = None,
    review_on: date | str | None = None,
    reason_refused: str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Confirm, change or withdraw a decision (partner and category stay as they are)."""
    with operation(workspace, draft_key=draft_key) as session:
        row = session.get(ConsentToShare, consent_id)
        if row is None:
            raise NotFoundError("That consent decision is no longer in the record.")
        require_access_to_write(session, row.person_id)
        fields = check_consent(
            category=row.category,
            decision=decision,
            given_by=given_by,
            method=method,
            decided_on=decided_on,
            review_on=review_on,
            reason_refused=reason_refused,
        )
        values = asdict(fields)
        if fields.decision == "withdrawn" and row.decision == "withdrawn":
            values["withdrawn_on"] = row.withdrawn_on or fields.decided_on
        changed = tuple(name for name, value in values.items() if getattr(row, name) != value)
        for name in changed:
            setattr(row, name, values[name])
        audit(
            session,
            "consent_reviewed",
            person_id=row.person_id,
            detail={"consent_id": row.id, "decision": fields.decision, "fields": list(changed)},
        )
        return Change(
            "consent_reviewed",
            person_id=row.person_id,
            entity_id=row.id,
            areas=frozenset({CONSENT}),
            fields=changed,
        )
