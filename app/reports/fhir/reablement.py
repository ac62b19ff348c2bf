"""Reablement episodes, as EpisodeOfCare: the period it ran (active while under way,
finished once ended), the team and lead professional, and what R4 has no element for
(the planned end, why it was planned past six weeks, the day the person left
hospital) as our own extensions. How it ended and where the person was at the 91-day
check are findings, so each is an Observation whose focus is the episode: a receiver
counts them as it counts any coded result (ASCOF 2B(1) reads the second)."""

from __future__ import annotations

import uuid
from typing import Any

from app.reports.fhir.elements import Entries, Export, coded, concept, day, identifier, ref
from app.reports.fhir.team import care_team_id
from app.reports.fhir.terms import (
    EPISODE_TYPE,
    EXT_DISCHARGED_ON,
    EXT_LONGER_REASON,
    EXT_PLANNED_END,
    FOLLOW_UP_OBS,
    FOLLOW_UP_RESULT,
    OBSERVATION_CODE,
    REABLEMENT_OUTCOME,
    REABLEMENT_OUTCOME_OBS,
)
from app.values import reablement
from app.values.vocab import FollowUpResult, ReablementOutcome
from storage.tables import ReablementEpisode


def finding_id(kind: str, episode_id: str) -> str:
    """Stable across exports, so a receiver updates the finding rather than adding one."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"onerecord:{kind}:{episode_id}"))


def _extensions(episode: ReablementEpisode) -> list[dict[str, Any]]:
    extensions: list[dict[str, Any]] = [
        {"url": EXT_PLANNED_END, "valueDate": day(episode.planned_end_on)}
    ]
    if episode.longer_reason:
        extensions.append({"url": EXT_LONGER_REASON, "valueString": episode.longer_reason})
    if episode.discharged_on:
        extensions.append({"url": EXT_DISCHARGED_ON, "valueDate": day(episode.discharged_on)})
    return extensions


def _managing_organisation(export: Export) -> dict[str, Any] | None:
    team = export.snap.teams.get(export.snap.person.team_id or "")
    if team is None or team.organisation_id not in export.snap.organisations:
        return None
    return ref(team.organisation_id)


def _finding(
    export: Export, episode: ReablementEpisode, kind: tuple[str, str], **value: Any
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "identifier": identifier(finding_id(kind[0], episode.id)),
        "status": "final",
        "code": concept(OBSERVATION_CODE, *kind),
        "subject": export.patient_ref,
        "focus": [ref(episode.id)],
        **value,
    }


def add_episodes(entries: Entries, export: Export) -> None:
    lead = export.lead
    for episode in sorted(export.snap.episodes, key=lambda e: (e.started_on, e.id)):
        entries.add(
            episode.id,
            {
                "resourceType": "EpisodeOfCare",
                "extension": _extensions(episode),
                "identifier": identifier(episode.id),
                "status": "active" if episode.ended_on is None else "finished",
                "type": [concept(EPISODE_TYPE, "reablement", "Reablement")],
                "patient": export.patient_ref,
                "managingOrganization": _managing_organisation(export),
                "period": {"start": day(episode.started_on), "end": day(episode.ended_on)},
                "careManager": ref(lead.id, lead.display_name) if lead else None,
                "team": [ref(care_team_id(export.snap.person.id))],
            },
        )
        if episode.ended_on is not None and episode.outcome:
            entries.add(
                finding_id(REABLEMENT_OUTCOME_OBS[0], episode.id),
                _finding(
                    export,
                    episode,
                    REABLEMENT_OUTCOME_OBS,
                    effectiveDateTime=day(episode.ended_on),
                    valueCodeableConcept=coded(
                        REABLEMENT_OUTCOME, ReablementOutcome, episode.outcome
                    ),
                ),
            )
        if episode.follow_up_on is not None and episode.follow_up_result:
            counted_from = reablement.follow_up_counted_from(
                episode.started_on, episode.discharged_on
            )
            whence = "leaving hospital" if episode.discharged_on else "the start of reablement"
            entries.add(
                finding_id(FOLLOW_UP_OBS[0], episode.id),
                _finding(
                    export,
                    episode,
                    FOLLOW_UP_OBS,
                    effectiveDateTime=day(episode.follow_up_on),
                    valueCodeableConcept=coded(
                        FOLLOW_UP_RESULT, FollowUpResult, episode.follow_up_result
                    ),
                    note=[{"text": f"Counted from {whence} on {counted_from.isoformat()}"}],
                ),
            )
