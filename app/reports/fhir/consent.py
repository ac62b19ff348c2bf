"""Consent to share: a partner must respect a refusal, so its reason goes too."""

from __future__ import annotations

from typing import Any

from app.reports.fhir.elements import Entries, Export, day, identifier, ref, text
from app.reports.fhir.terms import CONSENT_SCOPE, CONSENT_STATUS, V3_ACT_CODE
from app.reports.plan_content import CONSENT_CATEGORY_WORDS
from storage.tables import ConsentToShare

_PRIVACY_SCOPE = {
    "coding": [{"system": CONSENT_SCOPE, "code": "patient-privacy", "display": "Privacy Consent"}]
}
_INFORMATION_ACCESS = {
    "coding": [{"system": V3_ACT_CODE, "code": "INFA", "display": "information access"}]
}


def _consent_text(consent: ConsentToShare) -> str:
    words = f"Decided {consent.method}; review due {day(consent.review_on) or 'not set'}"
    if consent.reason_refused:
        words += f"; reason: {consent.reason_refused}"
    return words


def _provision(consent: ConsentToShare) -> dict[str, Any]:
    provision: dict[str, Any] = {
        "type": "permit" if consent.decision == "given" else "deny",
        "period": {"start": day(consent.decided_on), "end": day(consent.withdrawn_on)},
    }
    if consent.partner_organisation_id:
        provision["actor"] = [
            {"role": text("Recipient"), "reference": ref(consent.partner_organisation_id)}
        ]
    return provision


def add_consents(entries: Entries, export: Export) -> None:
    org = export.actor.organisation_id
    for consent in export.snap.consents:
        entries.add(
            consent.id,
            {
                "resourceType": "Consent",
                "identifier": identifier(consent.id),
                "status": CONSENT_STATUS.get(consent.decision, "proposed"),
                "scope": _PRIVACY_SCOPE,
                "category": [
                    _INFORMATION_ACCESS,
                    text(CONSENT_CATEGORY_WORDS.get(consent.category) or consent.category),
                ],
                "patient": export.patient_ref,
                "dateTime": day(consent.decided_on),
                "performer": [{"display": consent.given_by}],
                "organization": [ref(org)] if org else [],
                "policyRule": {
                    "coding": [
                        {
                            "system": V3_ACT_CODE,
                            "code": "OPTIN" if consent.decision == "given" else "OPTOUT",
                        }
                    ],
                    "text": _consent_text(consent),
                },
                "provision": _provision(consent),
            },
        )
