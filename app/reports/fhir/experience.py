"""The person's experience, as QuestionnaireResponses: each time the National Voices
"I" statements were asked (one day, one asker, one voice) is one response, an item
per statement answered, in the statements' own order, with whose answer it is.

The statements themselves are one Questionnaire, sent with the first response as a
conditional create on its canonical URL and version, so a receiver holds it once and
can read every answer against the words that were asked."""

from __future__ import annotations

import uuid
from itertools import groupby
from typing import Any

from app.reports.fhir.elements import Entries, Export, coding, day, identifier, ref
from app.reports.fhir.terms import (
    ANSWERED_BY,
    EXPERIENCE_ANSWER,
    NATIONAL_VOICES,
    NATIONAL_VOICES_VERSION,
)
from app.values.vocab import AnsweredBy, ExperienceAnswer, ExperienceStatement
from storage.tables import ExperienceAnswer as AnswerRow

WHOSE = "answered-by"
ORDER = [s.value for s in ExperienceStatement]


def _choices(system: str, kind: type[AnsweredBy] | type[ExperienceAnswer]) -> list[dict[str, Any]]:
    return [{"valueCoding": coding(system, kind, m.value)} for m in kind]


def questionnaire() -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "url": NATIONAL_VOICES,
        "version": NATIONAL_VOICES_VERSION,
        "name": "NationalVoicesIStatements",
        "title": 'National Voices person-centred coordinated care "I" statements',
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            'The "I" statements of National Voices\' narrative for person-centred'
            " coordinated care (2013), asked with the person at plan review: how far"
            " each is true for them."
        ),
        "item": [
            {
                "linkId": WHOSE,
                "text": "Whose answers these are",
                "type": "choice",
                "required": True,
                "answerOption": _choices(ANSWERED_BY, AnsweredBy),
            },
            *(
                {
                    "linkId": s.value,
                    "text": s.label,
                    "type": "choice",
                    "answerOption": _choices(EXPERIENCE_ANSWER, ExperienceAnswer),
                }
                for s in ExperienceStatement
            ),
        ],
    }


def _occasion(row: AnswerRow) -> tuple[str, str, str]:
    return (row.asked_on.isoformat(), row.asked_by_id, row.answered_by)


def _item(row: AnswerRow) -> dict[str, Any]:
    statement = ExperienceStatement(row.statement) if row.statement in ORDER else None
    return {
        "linkId": row.statement,
        "text": statement.label if statement else row.statement,
        "answer": [{"valueCoding": coding(EXPERIENCE_ANSWER, ExperienceAnswer, row.answer)}],
    }


def add_experience(entries: Entries, export: Export) -> None:
    if not export.snap.experience:
        return
    entries.add(
        str(uuid.uuid5(uuid.NAMESPACE_URL, NATIONAL_VOICES)),
        questionnaire(),
        if_none_exist=f"url={NATIONAL_VOICES}&version={NATIONAL_VOICES_VERSION}",
    )
    rows = sorted(export.snap.experience, key=lambda a: (_occasion(a), a.recorded_at))
    for (_, asker_id, whose), group in groupby(rows, key=_occasion):
        # The latest answer to each statement that day (asked twice, said once).
        answers = {row.statement: row for row in group}
        first = min(row.id for row in answers.values())
        response_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"onerecord:experience:{first}"))
        asker = export.snap.staff.get(asker_id)
        whose_coding = coding(ANSWERED_BY, AnsweredBy, whose)
        order = sorted(answers.values(), key=lambda r: _rank(r.statement))
        entries.add(
            response_id,
            {
                "resourceType": "QuestionnaireResponse",
                "identifier": identifier(response_id)[0],
                "questionnaire": f"{NATIONAL_VOICES}|{NATIONAL_VOICES_VERSION}",
                "status": "completed",
                "subject": export.patient_ref,
                "authored": day(order[0].asked_on),
                "author": ref(asker.id, asker.display_name) if asker else None,
                # The person speaks for themselves, or with their carer: they are the
                # source; a carer's answers name no one (which carer is not recorded).
                "source": export.patient_ref
                if whose != AnsweredBy.CARER.value
                else {"display": whose_coding["display"]},
                "item": [
                    {
                        "linkId": WHOSE,
                        "text": "Whose answers these are",
                        "answer": [{"valueCoding": whose_coding}],
                    },
                    *(_item(row) for row in order),
                ],
            },
        )


def _rank(statement: str) -> int:
    return ORDER.index(statement) if statement in ORDER else len(ORDER)
