"""The person's experience of their care, asked at plan review: National Voices'
person-centred coordinated care "I" statements (A narrative for person-centred
coordinated care, National Voices with NHS England and others, 2013), each answered
with the person (yes, definitely / yes, to some extent / no / not sure), stored with
who asked and whose answer it is (the person, their carer, or both together).

Answered together or not at all: one write of every statement answered, so a
half-finished questionnaire never reaches the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from app.errors import InvalidInputError
from app.services import clock
from app.services.changes import OUTCOMES, Change
from app.services.need_to_know.access import writable_person
from app.services.ops import operation, optional_date
from app.values.vocab import AnsweredBy, ExperienceAnswer, ExperienceStatement
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import ExperienceAnswer as AnswerRow

_AREAS = frozenset({OUTCOMES})


def record_experience(
    workspace: Workspace,
    *,
    person_id: str,
    answers: Mapping[str, str],
    answered_by: str = AnsweredBy.PERSON.value,
    asked_on: date | str | None = None,
    draft_key: str | None = None,
) -> Change:
    """`answers`: statement code -> answer code; statements left out were not asked."""
    given = {
        ExperienceStatement.parse(statement).value: ExperienceAnswer.parse(answer).value
        for statement, answer in answers.items()
        if answer and answer.strip()
    }
    if not given:
        raise InvalidInputError("Answer at least one statement with the person.")
    whose = AnsweredBy.parse(answered_by).value
    on = optional_date(asked_on, "date asked") or clock.today()
    if on > clock.today():
        raise InvalidInputError("The statements are asked on the day: not a day still to come.")
    signer = workspace.actor.user_id
    if signer is None:
        raise InvalidInputError("Sign in as yourself to record answers: they are signed by you.")
    with operation(workspace, draft_key=draft_key) as session:
        writable_person(session, person_id)
        rows = [
            AnswerRow(
                person_id=person_id,
                asked_on=on,
                statement=statement,
                answer=answer,
                answered_by=whose,
                asked_by_id=signer,
            )
            for statement, answer in given.items()
        ]
        session.add_all(rows)
        session.flush()
        audit(
            session,
            "experience_recorded",
            person_id=person_id,
            detail={"statements": len(rows)},
        )
    return Change(
        "experience_recorded",
        person_id=person_id,
        entity_id=rows[0].id,
        areas=_AREAS,
        fields=("statement", "answer"),
    )
