"""Risks (RiskAssessment) and alerts (Flag). An alert's restricted detail never
leaves the store; that it exists, and whom to ask, does."""

from __future__ import annotations

from app.reports.fhir.elements import Entries, Export, day, identifier, ref, text
from app.reports.fhir.terms import FLAG_CATEGORIES, FLAG_CATEGORY
from app.reports.plan_content import RISK_WORDS
from app.values.vocab import AlertKind
from storage.tables import Alert, StaffMember


def add_risks(entries: Entries, export: Export) -> None:
    staff = export.snap.staff
    for r in export.snap.risks:
        owner = staff.get(r.owner_id or "")
        entries.add(
            r.id,
            {
                "resourceType": "RiskAssessment",
                "identifier": identifier(r.id),
                "status": "final",
                "code": text(RISK_WORDS.get(r.kind, r.kind)),
                "subject": export.patient_ref,
                "occurrenceDateTime": day(r.started_on),
                "performer": ref(owner.id, owner.display_name) if owner else None,
                "prediction": [
                    {
                        "outcome": text(r.description),
                        "qualitativeRisk": text(
                            f"likelihood {r.likelihood} of 5, impact {r.impact} of 5"
                        ),
                    }
                ],
                "mitigation": r.mitigation,
                "note": [{"text": f"Closed on {r.ended_on.isoformat()}"}] if r.ended_on else [],
            },
        )


def _held(alert: Alert, held: set[str], lead: StaffMember | None) -> str:
    if alert.id not in held:
        return ""
    who = lead.display_name if lead is not None else "the lead professional"
    return f" (restricted detail held: ask {who})"


def add_alerts(entries: Entries, export: Export) -> None:
    """Active alerts, the summary only."""
    alerts = [a for a in export.snap.alerts if a.active]
    # Withheld from this viewer in the snapshot, but held: the export says so.
    held = {a.id for a in alerts if a.restricted_detail} | set(export.snap.alert_asks)
    for a in alerts:
        code, display = FLAG_CATEGORIES.get(a.kind, ("admin", "Administrative"))
        label = AlertKind(a.kind).label if a.kind in AlertKind.__members__.values() else a.kind
        entries.add(
            a.id,
            {
                "resourceType": "Flag",
                "identifier": identifier(a.id),
                "status": "active",
                "category": [
                    {"coding": [{"system": FLAG_CATEGORY, "code": code, "display": display}]}
                ],
                "code": text(f"{label}: {a.summary}{_held(a, held, export.lead)}"),
                "subject": export.patient_ref,
                "period": {"start": day(a.started_on), "end": day(a.ended_on)},
            },
        )
