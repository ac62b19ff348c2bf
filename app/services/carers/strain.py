"""The carer-strain check done with a carer: recorded (signed by whoever asked, the
answers held to the scale, the day asked today or before), and read back as each
carer's trend with the team's prompt (`app.values.carer_strain.Trend.prompt`: the
team's rule, not the scale's).

A check is of one of the person's own carers (their personal contacts); it is
written with its journal entry and an audit event in one transaction, or not at all.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.carers.strain_trends import CarerTrend, trends
from app.services.changes import CASELOAD, CONTACTS, HEADER, PRIORITIES, Change
from app.services.need_to_know.access import require_access, writable_person
from app.services.ops import operation, optional_date, text
from app.values import carer_strain
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import CarerStrainCheck, PersonalContact

logger = logging.getLogger(__name__)

AREAS = frozenset({CONTACTS, HEADER, CASELOAD, PRIORITIES})
NOT_THEIR_CARER = "That carer is not among this person's family, friends and carers."
COMMENT_MOST = 2000


@dataclass(frozen=True)
class CarerStrain:
    """One of the person's carers, with their checks (none yet: an empty trend)."""

    carer_id: str
    name: str
    is_main_carer: bool
    trend: CarerTrend

    @property
    def latest(self) -> int | None:
        return self.trend.latest

    @property
    def prompt(self) -> str | None:
        return self.trend.prompt


def _answers(answers: Sequence[object]) -> tuple[int, ...]:
    """Whole numbers 0-2 (typed digits accepted), one for each statement."""
    parsed: list[object] = []
    for answer in answers:
        if isinstance(answer, str) and answer.strip() in ("0", "1", "2"):
            parsed.append(int(answer.strip()))
        else:
            parsed.append(answer)
    return carer_strain.checked_answers(parsed)


def record_strain_check(
    workspace: Workspace,
    *,
    person_id: str,
    carer_id: str,
    answers: Sequence[object],
    checked_on: date | str | None = None,
    comment: str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Record a check done with the carer today (or on an earlier day), signed by you."""
    checked = _answers(answers)
    said = text(comment, "comment", limit=COMMENT_MOST) or None
    on = optional_date(checked_on, "date of the check") or clock.today()
    if on > clock.today():
        raise InvalidInputError(
            "A carer-strain check is recorded on the day it was done: not a day still to come."
        )
    signer = workspace.actor.user_id
    if signer is None:
        raise InvalidInputError(
            "Sign in as yourself to record a carer-strain check: it is signed by you."
        )
    with operation(workspace, draft_key=draft_key) as session:
        writable_person(session, person_id)
        carer = session.get(PersonalContact, carer_id)
        if carer is None or carer.person_id != person_id:
            raise NotFoundError(NOT_THEIR_CARER)
        check = CarerStrainCheck(
            person_id=person_id,
            carer_id=carer_id,
            checked_on=on,
            answers=json.dumps(list(checked)),
            comment=said,
            asked_by_id=signer,
        )
        session.add(check)
        session.flush()
        audit(
            session,
            "carer_strain_checked",
            person_id=person_id,
            detail={"check_id": check.id, "carer_id": carer_id},
        )
        check_id = check.id
    return Change(
        "carer_strain_checked",
        person_id=person_id,
        entity_id=check_id,
        areas=AREAS,
        fields=("answers", "checked_on", "comment"),
    )


def read_trends(session: Session, person_id: str) -> dict[str, CarerTrend]:
    """carer id -> trend for one person (access is the caller's to check)."""
    c = CarerStrainCheck
    rows = session.execute(
        select(
            c.id, c.carer_id, c.checked_on, c.answers, c.recorded_at, c.comment, c.asked_by_id
        ).where(c.person_id == person_id)
    ).all()
    return trends(
        (r.id, r.carer_id, r.checked_on, r.answers, r.recorded_at, r.comment, r.asked_by_id)
        for r in rows
    )


def carer_trend(workspace: Workspace, *, person_id: str, carer_id: str) -> CarerTrend:
    """One carer's checks, oldest first, with the team's prompt."""
    with workspace.store.read() as session:
        require_access(session, workspace.actor, person_id)
        carer = session.get(PersonalContact, carer_id)
        if carer is None or carer.person_id != person_id:
            raise NotFoundError(NOT_THEIR_CARER)
        return read_trends(session, person_id).get(carer_id, CarerTrend(carer_id, ()))


def carers_strain(workspace: Workspace, *, person_id: str) -> tuple[CarerStrain, ...]:
    """The person's carers (the main carer first, then by name), each with their trend."""
    with workspace.store.read() as session:
        require_access(session, workspace.actor, person_id)
        found = read_trends(session, person_id)
        contacts = session.execute(
            select(PersonalContact.id, PersonalContact.name, PersonalContact.is_main_carer).where(
                PersonalContact.person_id == person_id
            )
        ).all()
    ordered = sorted(contacts, key=lambda c: (not c.is_main_carer, c.name, c.id))
    return tuple(
        CarerStrain(c.id, c.name, bool(c.is_main_carer), found.get(c.id, CarerTrend(c.id, ())))
        for c in ordered
    )
