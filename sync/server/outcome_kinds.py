"""Which records the outcome report reads, and which of their fields: written once,
for the report's read (`outcome_facts`), the journal's slow pass (`outcome_journal`)
and the table kept beside the journal (`outcome_records`)."""

from __future__ import annotations

import hashlib

from sync.server.outcome_sql import Field, Kind


def _kind(entity: str, *names: str) -> Kind:
    return Kind(entity, tuple(Field(n) for n in names))


PERSON = _kind(
    "person", "date_of_birth", "locality_id", "closed_on", "closed_reason", "recorded_at"
)
REFERRAL = _kind("referral", "received_on", "urgency", "source")
EPISODE = _kind(
    "reablement_episode",
    "started_on",
    "planned_end_on",
    "discharged_on",
    "ended_on",
    "outcome",
    "follow_up_on",
    "follow_up_result",
)
GOAL = _kind("goal", "gas_baseline")
GOAL_REVIEW = _kind("goal_review", "goal_id", "reviewed_on", "result", "gas_score")
HOSPITAL = _kind("hospital_event", "kind", "occurred_on", "entered_in_error")
PLAN = _kind("care_plan", "review_due")
# The review date as agreed lives in the version's frozen snapshot (JSON text).
PLAN_VERSION = Kind(
    "care_plan_version",
    (Field("version"), Field("agreed_on"), Field("review_due", inside="snapshot")),
)
EXPERIENCE = _kind("experience_answer", "asked_on", "statement", "answer")
KINDS = (PERSON, REFERRAL, EPISODE, GOAL, GOAL_REVIEW, HOSPITAL, PLAN, PLAN_VERSION, EXPERIENCE)
BY_ENTITY = {k.entity: k for k in KINDS}

# What the kept table (`outcome_records`) was built for: a change to the kinds or their
# fields changes it, and a server opening a table built for others rebuilds it.
# TABLES: the kept tables' own shape; raise it when their columns change.
TABLES = 2
DEFINITION = hashlib.sha256(repr((TABLES, KINDS)).encode()).hexdigest()[:16]
