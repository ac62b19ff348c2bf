"""The record's own validation, run over stored rows: every code from its list,
every score in range, every NHS number valid, no date of birth in the future.

`onerecord check` runs it; so do the demo tests. It reads in SQL-sized batches
and reports ids and field names only, never values.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.services import clock
from app.services.priority import weights as priority_weights
from app.values import attendees, carer_strain, vocab
from app.values.money import MOST_PENCE
from app.values.nhs_number import VERIFICATION_STATUS, NhsNumber
from storage import tables as t


@dataclass(frozen=True)
class RuleBreak:
    table: str
    row_id: str
    field: str
    rule: str


def _codes(kind: type[vocab.Coded], *, optional: bool = False) -> Callable[[Any], str | None]:
    allowed = {member.value for member in kind}

    def rule(value: Any) -> str | None:
        if value is None and optional:
            return None
        return None if value in allowed else f"not a {kind.__name__} code"

    return rule


def _between(low: int, high: int, *, optional: bool = False) -> Callable[[Any], str | None]:
    def rule(value: Any) -> str | None:
        if value is None and optional:
            return None
        return (
            None
            if isinstance(value, int) and low <= value <= high
            else f"not a whole number from {low} to {high}"
        )

    return rule


def _nhs_number(value: Any) -> str | None:
    if value is None:
        return None
    try:
        NhsNumber.parse(value)
    except InvalidInputError:
        return "not a valid NHS number"
    return None


def _outcomes(value: Any) -> str | None:
    """Care Act outcome codes, comma-separated (or none)."""
    if value is None:
        return None
    if not isinstance(value, str):
        return "not a list of CareActOutcome codes"
    allowed = {member.value for member in vocab.CareActOutcome}
    codes = [code for code in value.split(",") if code]
    return None if all(code in allowed for code in codes) else "not a CareActOutcome code"


def _present(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "empty"


def _not_future(value: Any) -> str | None:
    return "in the future" if value is not None and value > clock.today() else None


# A team's weights as the journal carries them: a short JSON object. Bounded before it
# is parsed, so no row can make the parser work hard (or recurse deep).
WEIGHTS_TEXT_MOST = 2000
REASON_MOST = 500


def _priority_weights(value: Any) -> str | None:
    """The same check the laptop's service makes (weights.checked), on the stored text.
    The reason names no factor or value: it is shown to whoever pushed the row."""
    wrong = (
        "not priority weights: each must name a priority factor, with a whole number"
        f" from 0 to {priority_weights.MAX_WEIGHT}"
    )
    if not isinstance(value, str) or len(value) > WEIGHTS_TEXT_MOST:
        return wrong
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        return wrong
    if not isinstance(parsed, dict):
        return wrong
    try:
        priority_weights.checked(parsed)
    except InvalidInputError:
        return wrong
    return None


def _strain_answers(value: Any) -> str | None:
    """The carer-strain check's answers as stored: a short JSON list, one answer 0-2 for
    each of the scale's statements (`carer_strain.checked_answers`, the service's own
    check). Bounded before it is parsed."""
    wrong = f"not the carer-strain answers: {len(carer_strain.STATEMENTS)} answers, each 0, 1 or 2"
    if not isinstance(value, str) or len(value) > 200:
        return wrong
    try:
        parsed = json.loads(value)
        if not isinstance(parsed, list):
            return wrong
        carer_strain.checked_answers(parsed)
    except (ValueError, RecursionError, InvalidInputError):
        return wrong
    return None


def _at_most(limit: int) -> Callable[[Any], str | None]:
    def rule(value: Any) -> str | None:
        if value is None:
            return None
        return (
            None if isinstance(value, str) and len(value) <= limit else f"over {limit} characters"
        )

    return rule


def _verification(value: Any) -> str | None:
    return None if value in VERIFICATION_STATUS else "not an NHS number status code"


# table -> {column: rule}
RULES: dict[type[Any], dict[str, Callable[[Any], str | None]]] = {
    t.Person: {
        "nhs_number": _nhs_number,
        "nhs_number_status": _verification,
        "given_name": _present,
        "family_name": _present,
        "date_of_birth": _not_future,
        "level_of_need": _codes(vocab.LevelOfNeed),
        "life_stage": _codes(vocab.LifeStage),
        "status": _codes(vocab.PersonStatus),
        "closed_reason": _codes(vocab.ClosedReason, optional=True),
    },
    t.StaffMember: {"role": _codes(vocab.Role), "display_name": _present},
    t.Organisation: {"kind": _codes(vocab.OrganisationKind), "name": _present},
    t.PersonalContact: {
        "name": _present,
        "carers_assessment": _codes(vocab.CarersAssessment, optional=True),
        "lasting_power_of_attorney": _codes(vocab.LastingPowerOfAttorney, optional=True),
    },
    t.ConsentToShare: {
        "category": _codes(vocab.ConsentCategory),
        "decision": _codes(vocab.ConsentDecision),
        "method": _codes(vocab.ConsentMethod),
    },
    t.MentalCapacityAssessment: {"outcome": _codes(vocab.CapacityOutcome)},
    t.Assessment: {
        "part": _codes(vocab.AssessmentPart, optional=True),
        "needs_help_with": _outcomes,
    },
    t.CarePlan: {"status": _codes(vocab.PlanStatus)},
    t.Need: {"care_act_outcome": _codes(vocab.CareActOutcome, optional=True)},
    t.Goal: {
        "statement": _present,
        "importance": _between(1, 10),
        "status": _codes(vocab.GoalStatus),
        "gas_baseline": _between(-2, -1, optional=True),
    },
    t.PlanAction: {
        "what": _present,
        "status": _codes(vocab.ActionStatus),
        "confidence": _between(1, 10, optional=True),
    },
    t.Risk: {
        "kind": _codes(vocab.RiskKind),
        "likelihood": _between(1, 5),
        "impact": _between(1, 5),
        "status": _codes(vocab.RiskStatus),
    },
    t.Alert: {"kind": _codes(vocab.AlertKind), "summary": _present},
    t.ContactNote: {
        "contact_type": _codes(vocab.ContactType),
        "outcome": _codes(vocab.ContactOutcome, optional=True),
        "narrative": _present,
    },
    t.PlannedVisit: {"status": _codes(vocab.VisitStatus)},
    t.Referral: {
        "source": _codes(vocab.ReferralSource),
        "urgency": _codes(vocab.ReferralUrgency),
        "received_on": _not_future,
    },
    t.ReablementEpisode: {
        "outcome": _codes(vocab.ReablementOutcome, optional=True),
        "follow_up_result": _codes(vocab.FollowUpResult, optional=True),
        "discharged_on": _not_future,
        "ended_on": _not_future,
        "follow_up_on": _not_future,
    },
    t.GoalReview: {
        "result": _codes(vocab.GoalResult),
        "reviewed_on": _not_future,
        "gas_score": _between(-2, 2, optional=True),
    },
    t.HospitalEvent: {"kind": _codes(vocab.HospitalEventKind), "occurred_on": _not_future},
    t.ExperienceAnswer: {
        "statement": _codes(vocab.ExperienceStatement),
        "answer": _codes(vocab.ExperienceAnswer),
        "answered_by": _codes(vocab.AnsweredBy),
        "asked_on": _not_future,
    },
    t.PriorityWeights: {"weights": _priority_weights, "reason": _at_most(REASON_MOST)},
    t.CarerStrainCheck: {
        "answers": _strain_answers,
        "checked_on": _not_future,
        "comment": _at_most(2000),
    },
    t.TelecareItem: {
        "kind": _codes(vocab.TelecareKind),
        "responder": _codes(vocab.TelecareResponder),
        "installed_on": _not_future,
        "last_tested_on": _not_future,
        "removed_on": _not_future,
    },
    t.MdtMeeting: {"place": _at_most(200)},
    t.MdtItem: {
        "reason": _codes(vocab.MdtReason),
        "why": _at_most(1000),
        "decision": _at_most(4000),
        "decided_on": _not_future,
        "taken_off_on": _not_future,
        "attendees": attendees.rule,
    },
    t.PersonalBudget: {
        "kind": _codes(vocab.BudgetKind),
        "amount_pence": _between(0, MOST_PENCE),  # £1,000,000 at most, as typed
        "period": _codes(vocab.BudgetPeriod),
        "managed_as": _codes(vocab.BudgetManagement),
        "pays_for": _at_most(2000),
    },
}


def _rows(session: Session, table: type[Any], columns: Iterable[str]) -> Iterable[Any]:
    stmt = select(table.id, *(getattr(table, c) for c in columns))
    return session.execute(stmt.execution_options(yield_per=5000))


def validate(session: Session) -> tuple[int, list[RuleBreak]]:
    """(rows checked, rule breaks) across every table with rules."""
    checked = 0
    breaks: list[RuleBreak] = []
    for table, rules in RULES.items():
        columns = list(rules)
        for row in _rows(session, table, columns):
            checked += 1
            for column, value in zip(columns, row[1:], strict=True):
                if problem := rules[column](value):
                    breaks.append(RuleBreak(table.__tablename__, row[0], column, problem))
    return checked, breaks
