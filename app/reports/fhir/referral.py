"""How the person came to the team, as ServiceRequests: who referred them, why, how
urgently (`urgent` or `routine`), when it arrived and when first contact was due."""

from __future__ import annotations

from app.reports.fhir.elements import Entries, Export, day, identifier, text
from app.values.vocab import ReferralSource


def add_referrals(entries: Entries, export: Export) -> None:
    for r in export.snap.referrals:
        source = (
            ReferralSource(r.source).label
            if r.source in ReferralSource.__members__.values()
            else r.source
        )
        requester = ", ".join(p for p in (r.referrer_name, source) if p)
        entries.add(
            r.id,
            {
                "resourceType": "ServiceRequest",
                "identifier": identifier(r.id),
                "status": "active" if export.snap.person.status == "open" else "completed",
                "intent": "order",
                "priority": "urgent" if r.urgency == "urgent" else "routine",
                "category": [text("Referral to the integrated care team")],
                "code": text("Referral"),
                "subject": export.patient_ref,
                "authoredOn": day(r.received_on),
                "occurrencePeriod": {"end": day(r.first_contact_due)}
                if r.first_contact_due
                else None,
                "requester": {"display": requester},
                "reasonCode": [text(r.reason)] if r.reason else [],
            },
        )
