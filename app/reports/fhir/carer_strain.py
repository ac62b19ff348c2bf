"""The carer-strain checks, as QuestionnaireResponses: each check is one response to
the Modified Caregiver Strain Index (Thornton and Travis 2003; `app.values.
carer_strain`), answered by the carer (a RelatedPerson, its source), signed by who
asked (its author): an item per statement in the scale's order, and the total (the
sum of the answers, as the scale scores it).

The scale is one Questionnaire, sent with the first response as a conditional create
on its canonical URL and version, as the experience statements are. The team's
prompt is not exported: it is the team's rule, not the scale's."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from app.reports.fhir.elements import Entries, Export, day, identifier, ref
from app.reports.fhir.terms import LOCAL
from app.services.carers.strain_trends import answers_of
from app.values import carer_strain

logger = logging.getLogger(__name__)

MCSI = f"{LOCAL}/Questionnaire/modified-caregiver-strain-index"
MCSI_VERSION = "2003"
MCSI_ANSWER = f"{LOCAL}/CodeSystem/mcsi-answer"
TOTAL = "total"


def _answer(n: int) -> dict[str, str]:
    return {"system": MCSI_ANSWER, "code": str(n), "display": carer_strain.ANSWERS[n]}


def questionnaire() -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "url": MCSI,
        "version": MCSI_VERSION,
        "name": "ModifiedCaregiverStrainIndex",
        "title": "Modified Caregiver Strain Index",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "Thornton M, Travis SS. Analysis of the reliability of the Modified Caregiver"
            " Strain Index. J Gerontol B Psychol Sci Soc Sci 2003;58(2):S127-32. Thirteen"
            " statements answered by the carer, each 0 (no), 1 (yes, sometimes) or 2 (yes,"
            " on a regular basis); the total, 0 to 26, is higher the greater the strain."
        ),
        "item": [
            *(
                {
                    "linkId": str(n + 1),
                    "text": statement,
                    "type": "choice",
                    "required": True,
                    "answerOption": [{"valueCoding": _answer(a)} for a in range(3)],
                }
                for n, statement in enumerate(carer_strain.STATEMENTS)
            ),
            {"linkId": TOTAL, "text": "Total (0 to 26)", "type": "integer", "readOnly": True},
        ],
    }


def add_carer_strain(entries: Entries, export: Export) -> None:
    snap = export.snap
    if not snap.strain_checks:
        return
    entries.add(
        str(uuid.uuid5(uuid.NAMESPACE_URL, MCSI)),
        questionnaire(),
        if_none_exist=f"url={MCSI}&version={MCSI_VERSION}",
    )
    carers = {c.id: c for c in snap.personal_contacts}
    for check in sorted(snap.strain_checks, key=lambda c: (c.checked_on, c.id)):
        answers = answers_of(check.answers)
        asker = snap.staff.get(check.asked_by_id)
        carer = carers.get(check.carer_id)
        entries.add(
            check.id,
            {
                "resourceType": "QuestionnaireResponse",
                "identifier": identifier(check.id)[0],
                "questionnaire": f"{MCSI}|{MCSI_VERSION}",
                "status": "completed",
                "subject": export.patient_ref,
                "authored": day(check.checked_on),
                "author": ref(asker.id, asker.display_name) if asker else None,
                "source": ref(carer.id, carer.name) if carer else None,
                "item": [
                    *(
                        {
                            "linkId": str(n + 1),
                            "text": statement,
                            "answer": [{"valueCoding": _answer(answers[n])}],
                        }
                        for n, statement in enumerate(carer_strain.STATEMENTS)
                    ),
                    {
                        "linkId": TOTAL,
                        "text": "Total (0 to 26)",
                        "answer": [{"valueInteger": carer_strain.total(answers)}],
                    },
                ],
            },
        )
