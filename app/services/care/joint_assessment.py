"""The joint initial assessment: one assessment that the nurse, the social worker
and the occupational therapist contribute to, each part written and signed by its
author (their name and organisation: the record's provenance). The parts are the
person's own account, health, daily living against the Care Act eligibility
outcomes, home environment and equipment, carers and their needs, risks, and
mental capacity for the decisions at hand; two professions may each write the same
part (both are kept, each signed).

A part is its author's: only they revise its findings. Whether the person agreed
that a part's findings are shown in the printed plan (the folder kept in the home,
read by visitors and family) is the person's decision, recorded by whoever is with
them. Consent to share is asked at the same visit (app.services.care.consent):
nothing of the person's goes to a partner before it is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.care.assessments import assessment_date
from app.services.care.care_plan import plan_edited
from app.services.changes import ASSESSMENTS, PLAN, Change
from app.services.need_to_know.access import writable_person
from app.services.ops import operation, text
from app.services.record.record import AssessmentItem
from app.values.vocab import AssessmentPart, CareActOutcome
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import Assessment, Need

INITIAL = "Initial assessment"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# What each part asks about (the form's hint; the printed plan does not show it).
PROMPTS = {
    AssessmentPart.OWN_ACCOUNT.value: "In their words: what matters to them, what they want "
    "to happen, how they are managing. About me keeps the lasting version.",
    AssessmentPart.HEALTH.value: "Conditions, medicines, pain, skin, continence, "
    "nutrition, mood, memory.",
    AssessmentPart.DAILY_LIVING.value: "Tick the outcomes they cannot achieve without help, "
    "and say what the impact is on their wellbeing.",
    AssessmentPart.HOME_ENVIRONMENT.value: "Access, stairs, bathroom, kitchen, heating, "
    "equipment in place and needed.",
    AssessmentPart.CARERS.value: "Who cares for them, how that is going, and whether a "
    "carer's assessment was offered.",
    AssessmentPart.RISKS.value: "Falls, pressure, self-neglect, fire, lone working, "
    "safeguarding concerns (restricted detail goes in an alert).",
    AssessmentPart.MENTAL_CAPACITY.value: "For the decisions at hand: any reason to doubt "
    "capacity, and which decisions need a capacity assessment.",
}


def _outcomes(codes: Iterable[str], part: str) -> str | None:
    chosen = [CareActOutcome.parse(code).value for code in codes if code.strip()]
    if chosen and part != AssessmentPart.DAILY_LIVING.value:
        raise InvalidInputError(
            "The Care Act outcomes belong to the daily living part of the assessment."
        )
    ordered = [o.value for o in CareActOutcome if o.value in chosen]
    return ",".join(ordered) or None


def record_part(
    workspace: Workspace,
    *,
    person_id: str,
    part: str,
    findings: str,
    needs_help_with: Iterable[str] = (),
    shown_in_plan: bool = False,
    assessed_on: date | str | None = None,
    draft_key: str | None = None,
) -> Change:
    """One part of the person's initial assessment, signed by whoever records it."""
    which = AssessmentPart.parse(part).value
    found = text(findings, "findings", limit=8000, required=True)
    outcomes = _outcomes(needs_help_with, which)
    with operation(workspace, draft_key=draft_key) as session:
        person = writable_person(session, person_id)
        row = Assessment(
            person_id=person_id,
            assessment_type=INITIAL,
            part=which,
            assessed_on=assessment_date(
                assessed_on or clock.today(), "date of the assessment", person
            ),
            summary=found,
            needs_help_with=outcomes,
            shown_in_plan=bool(shown_in_plan),
            performed_by_id=workspace.actor.user_id,
        )
        session.add(row)
        session.flush()
        audit(
            session,
            "assessment_part_recorded",
            person_id=person_id,
            detail={"assessment_id": row.id, "part": which, "shown_in_plan": row.shown_in_plan},
        )
    return Change(
        "assessment_part_recorded",
        person_id=person_id,
        entity_id=row.id,
        areas=frozenset({ASSESSMENTS}),
        fields=("part", "summary", "needs_help_with", "shown_in_plan", "assessed_on"),
    )


def revise_part(
    workspace: Workspace,
    *,
    assessment_id: str,
    findings: str,
    needs_help_with: Iterable[str] | None = None,
    shown_in_plan: bool | None = None,
    draft_key: str | None = None,
) -> Change:
    """Its author's revision of a part (the journal keeps what it said before).
    What is not given stays as it was: the outcomes (None), and the person's say on
    printing it (None; recorded by whoever is with them, agree_shown_in_plan)."""
    found = text(findings, "findings", limit=8000, required=True)
    with operation(workspace, draft_key=draft_key) as session:
        row = _part(session, assessment_id)
        writable_person(session, row.person_id)
        if row.performed_by_id != workspace.actor.user_id:
            raise InvalidInputError(
                "Only who signed this part can change what it found: add your own part instead."
            )
        row.summary = found
        if needs_help_with is not None:
            row.needs_help_with = _outcomes(needs_help_with, row.part or "")
        if shown_in_plan is not None:
            row.shown_in_plan = shown_in_plan
        audit(
            session,
            "assessment_part_revised",
            person_id=row.person_id,
            detail={"assessment_id": row.id, "part": row.part},
        )
        person_id = row.person_id
    return Change(
        "assessment_part_revised",
        person_id=person_id,
        entity_id=assessment_id,
        areas=frozenset({ASSESSMENTS}),
        fields=("summary", "needs_help_with", "shown_in_plan"),
    )


def agree_shown_in_plan(workspace: Workspace, *, assessment_id: str, shown: bool) -> Change:
    """The person's say on whether a part's findings are printed in their plan,
    recorded by whoever is with them."""
    with operation(workspace) as session:
        row = _part(session, assessment_id)
        writable_person(session, row.person_id)
        row.shown_in_plan = bool(shown)
        audit(
            session,
            "assessment_part_agreed",
            person_id=row.person_id,
            detail={"assessment_id": row.id, "shown_in_plan": row.shown_in_plan},
        )
        person_id = row.person_id
    return Change(
        "assessment_part_agreed",
        person_id=person_id,
        entity_id=assessment_id,
        areas=frozenset({ASSESSMENTS}),
        fields=("shown_in_plan",),
    )


def needs_from_part(workspace: Workspace, *, assessment_id: str) -> Change:
    """The daily living part's outcomes as needs in the plan (one per outcome not
    already a need): the plan's needs come from the assessment, in the Care Act's
    words, to be reworded with the person."""
    with operation(workspace) as session:
        row = _part(session, assessment_id)
        writable_person(session, row.person_id)
        codes = [code for code in (row.needs_help_with or "").split(",") if code]
        if not codes:
            raise InvalidInputError("This part names no Care Act outcomes to add as needs.")
        held = set(
            session.execute(
                select(Need.care_act_outcome).where(
                    Need.person_id == row.person_id, Need.ended_on.is_(None)
                )
            ).scalars()
        )
        new = [code for code in codes if code not in held]
        if not new:
            raise InvalidInputError("These outcomes are in the plan's needs already.")
        for code in new:
            session.add(
                Need(
                    person_id=row.person_id,
                    description=CareActOutcome(code).label,
                    care_act_outcome=code,
                )
            )
        plan_edited(session, row.person_id)
        audit(
            session,
            "needs_from_assessment",
            person_id=row.person_id,
            detail={"assessment_id": row.id, "needs": len(new)},
        )
        person_id = row.person_id
    return Change(
        "needs_from_assessment",
        person_id=person_id,
        entity_id=assessment_id,
        areas=frozenset({PLAN, ASSESSMENTS}),
        fields=("description", "care_act_outcome"),
    )


def _part(session: Session, assessment_id: str) -> Assessment:
    row = session.get(Assessment, assessment_id)
    if row is None or row.part is None:
        raise NotFoundError("That part of an assessment is not in this profile.")
    return row


def initial_parts(assessments: Iterable[AssessmentItem]) -> list[AssessmentItem]:
    """The parts of the initial assessment in the order of the form, each part's
    contributions in the order they were written."""
    order = {part.value: n for n, part in enumerate(AssessmentPart)}
    parts = [a for a in assessments if a.part in order]
    return sorted(
        parts,
        key=lambda a: (order[a.part or ""], a.assessed_on, a.recorded_at or _EPOCH, a.id),
    )


def parts_to_do(assessments: Iterable[AssessmentItem]) -> list[str]:
    """The parts nobody has written yet (codes, in the form's order)."""
    done = {a.part for a in assessments}
    return [part.value for part in AssessmentPart if part.value not in done]
