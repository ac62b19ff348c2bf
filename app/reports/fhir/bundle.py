"""One person's record as a FHIR R4 transaction Bundle: a projection of their
record snapshot, one resource group at a time, then a Provenance naming who
assembled it, when, and from which entries.

Every entry has a `urn:uuid` fullUrl (the record's own UUID where it has one) and
a POST request. What the viewer may not see was withheld by the snapshot; what
no export carries (an alert's restricted detail, a sensitive note's narrative)
is withheld again by the group that writes it, whoever exports.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.reports.fhir.assessments import add_assessments
from app.reports.fhir.carer_strain import add_carer_strain
from app.reports.fhir.consent import add_consents
from app.reports.fhir.elements import Entries, Export, instant, ref, text, urn
from app.reports.fhir.encounters import add_notes, add_visits
from app.reports.fhir.experience import add_experience
from app.reports.fhir.goal_reviews import add_goal_reviews
from app.reports.fhir.hospital import add_hospital_events
from app.reports.fhir.patient import add_patient
from app.reports.fhir.plan import add_care_plan, add_contingency_plans, add_goals, add_needs
from app.reports.fhir.reablement import add_episodes
from app.reports.fhir.referral import add_referrals
from app.reports.fhir.safety import add_alerts, add_risks
from app.reports.fhir.team import (
    add_care_team,
    add_carers_and_family,
    add_organisations,
    add_practitioners,
)
from app.reports.fhir.telecare import add_telecare
from app.reports.fhir.terms import PROVENANCE_AGENT, URI_SYSTEM
from app.services import clock
from app.services.record.record_snapshot import RecordSnapshot
from storage.actor import Actor

# The order a receiving server reads them in: who, then what was agreed, then what happened
# (and what came of it).
RESOURCE_GROUPS: tuple[Callable[[Entries, Export], None], ...] = (
    add_patient,
    add_organisations,
    add_practitioners,
    add_carers_and_family,
    add_care_team,
    add_referrals,
    add_assessments,
    add_needs,
    add_goals,
    add_care_plan,
    add_contingency_plans,
    add_episodes,
    add_goal_reviews,
    add_risks,
    add_alerts,
    add_consents,
    add_notes,
    add_visits,
    add_hospital_events,
    add_experience,
    add_carer_strain,
    add_telecare,
)


def _add_provenance(entries: Entries, export: Export) -> None:
    exporter = export.snap.staff.get(export.actor.user_id or "")
    agent: dict[str, Any] = {
        "type": {"coding": [{"system": PROVENANCE_AGENT, "code": "assembler"}]},
        "who": ref(exporter.id, exporter.display_name)
        if exporter
        else {"display": "OneRecord device"},
    }
    if export.actor.organisation_id and export.actor.organisation_id in export.snap.organisations:
        agent["onBehalfOf"] = ref(export.actor.organisation_id)
    entries.add(
        str(uuid.uuid4()),
        {
            "resourceType": "Provenance",
            "target": [{"reference": e["fullUrl"]} for e in entries.items],
            "recorded": instant(export.now),
            "agent": [agent],
            "reason": [text("Export of the shared care record to a partner system")],
        },
    )


def build_bundle(
    snap: RecordSnapshot, *, actor: Actor, now: datetime | None = None
) -> tuple[dict[str, Any], str, dict[str, int]]:
    """(Bundle as a dict, the person's id, resources by type) for one person,
    from a snapshot taken with every note."""
    export = Export(snap=snap, actor=actor, now=now or clock.now())
    entries = Entries()
    for add_group in RESOURCE_GROUPS:
        add_group(entries, export)
    _add_provenance(entries, export)

    counts: dict[str, int] = {}
    for e in entries.items:
        kind = e["resource"]["resourceType"]
        counts[kind] = counts.get(kind, 0) + 1
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": URI_SYSTEM, "value": urn(str(uuid.uuid4()))},
        "type": "transaction",
        "timestamp": instant(export.now),
        "entry": entries.items,
    }
    return bundle, snap.person.id, counts
