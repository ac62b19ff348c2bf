"""The rest of a person's record around the plan: About me, professional
contacts, consent to share, mental capacity and assessments."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from app.demo.common import Row, new_id
from app.demo.directory import Directory, Staff
from app.demo.subject import Subject
from app.demo.voice import about_me
from app.values.vocab import ConsentCategory, ConsentDecision, Role

REFUSALS: Final = (
    "Does not want the council to see health information",
    "A private person: wants to be asked each time",
    "Worried information will be passed to the family",
    "Bad experience with services in the past; will review when trust is built",
)
MCA_DECISIONS: Final = (
    ("Whether to accept a package of care at home", "has_capacity"),
    ("Whether to move into a care home", "lacks_capacity"),
    ("Managing own finances", "lacks_capacity"),
    ("Whether to share information with the family", "has_capacity"),
)
# group -> (assessment type, role of assessor, summary, score)
ASSESSMENTS: Final[dict[str, tuple[tuple[str, str, str, str | None], ...]]] = {
    "older": (
        (
            "Care Act needs assessment",
            Role.SOCIAL_WORKER.value,
            "Eligible needs in personal care and using the home safely; wants to stay at home",
            None,
        ),
        (
            "OT home environment assessment",
            Role.OCCUPATIONAL_THERAPIST.value,
            "Stair rail, bath board and raised toilet seat recommended",
            None,
        ),
        (
            "Falls risk assessment (FRAT)",
            Role.PHYSIOTHERAPIST.value,
            "Two falls this year; postural drop on standing",
            "FRAT 3 (high risk)",
        ),
        (
            "Waterlow pressure ulcer risk",
            Role.COMMUNITY_NURSE.value,
            "Thin skin, reduced mobility; mattress and cushion in place",
            "Waterlow 16 (high risk)",
        ),
        (
            "MUST nutrition screening",
            Role.COMMUNITY_NURSE.value,
            "Weight loss over three months; food diary started",
            "MUST 1 (medium risk)",
        ),
    ),
    "adult": (
        (
            "Care Act needs assessment",
            Role.SOCIAL_WORKER.value,
            "Eligible needs in accessing the community and managing money",
            None,
        ),
        (
            "OT functional assessment",
            Role.OCCUPATIONAL_THERAPIST.value,
            "Fatigue limits kitchen tasks; perching stool and trolley provided",
            None,
        ),
    ),
    "teen": (
        (
            "Early help assessment",
            Role.SOCIAL_WORKER.value,
            "Young carer; school attendance 71%; wants support to stay in school",
            None,
        ),
        (
            "Transition assessment (Care Act s.58)",
            Role.SOCIAL_WORKER.value,
            "Likely to need support as an adult; plan to review at 17",
            None,
        ),
    ),
    "baby": (
        (
            "New birth review",
            Role.COMMUNITY_NURSE.value,
            "Born at 35 weeks; feeding 3-hourly; Mum tearful",
            None,
        ),
        (
            "Early help assessment",
            Role.SOCIAL_WORKER.value,
            "Housing and low mood; family agree to support",
            None,
        ),
    ),
}


def _staff_for(rng: random.Random, d: Directory, role: str, lead: Staff | None) -> Staff:
    if lead is not None and lead.role == role:
        return lead
    found = d.by_role(role)
    return rng.choice(found) if found else d.nurse


def _day_between(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    return start + timedelta(days=rng.randrange(span + 1)) if span > 0 else end


def record_rows(
    rng: random.Random, s: Subject, d: Directory, as_of: date, batch: dict[str, list[Row]]
) -> None:
    about = about_me(rng, s, as_of)
    about["id"] = new_id(rng)
    batch["about_me"].append(about)
    _professionals(rng, s, d, batch)
    _consent(rng, s, as_of, batch)
    dementia = any(t.key == "memory" for t in s.themes)
    last = s.last_day(as_of)  # nothing assessed after the case closed
    if s.group in ("older", "adult") and rng.random() < (0.5 if dementia else 0.05):
        decision, outcome = rng.choice(MCA_DECISIONS)
        s.lacks_capacity = s.lacks_capacity or outcome == "lacks_capacity"
        batch["mental_capacity_assessment"].append(
            {
                "id": new_id(rng),
                "person_id": s.id,
                "decision": decision,
                "outcome": outcome,
                "assessed_on": _day_between(rng, s.known_since, last),
                "assessed_by_id": _staff_for(rng, d, Role.SOCIAL_WORKER.value, s.lead).id,
                "notes": "Assessed at home with " + (s.carer_first or "an advocate") + " present",
                "document_location": "Paper copy in the home folder; scanned to the council record",
            }
        )
    pool = ASSESSMENTS[s.group]
    for kind, role, summary, score in rng.sample(pool, rng.choice((1, 1, 2))):
        batch["assessment"].append(
            {
                "id": new_id(rng),
                "person_id": s.id,
                "assessment_type": kind,
                "assessed_on": _day_between(rng, s.known_since, last),
                "summary": summary,
                "score": score,
                "performed_by_id": _staff_for(rng, d, role, s.lead).id,
            }
        )


def _professionals(
    rng: random.Random, s: Subject, d: Directory, batch: dict[str, list[Row]]
) -> None:
    rows = batch["professional_contact"]
    if s.lead is not None:
        rows.append(_prof(rng, s, s.lead, d, key_worker=True))
    rows.append(
        {
            "id": new_id(rng),
            "person_id": s.id,
            "staff_member_id": None,
            "name": s.doctor,
            "role": "GP",
            "team": None,
            "organisation_id": s.gp.org.id,
            "contact_details": s.gp.org.phone,
            "is_key_worker": False,
            "start_date": None,
            "end_date": None,
        }
    )
    if rng.random() < 0.6:
        others = [x for x in d.practitioners if x is not s.lead]
        if any(t.key in ("memory", "mental_health") for t in s.themes):
            others = [d.by_title("Community mental health nurse")]
        rows.append(_prof(rng, s, rng.choice(others), d, key_worker=False))


def _prof(rng: random.Random, s: Subject, staff: Staff, d: Directory, *, key_worker: bool) -> Row:
    return {
        "id": new_id(rng),
        "person_id": s.id,
        "staff_member_id": staff.id,
        "name": staff.name,
        "role": staff.job_title,
        "team": d.team_name if staff.in_team else None,
        "organisation_id": staff.org.id,
        "contact_details": staff.phone,
        "is_key_worker": key_worker,
        "start_date": s.known_since + timedelta(days=rng.randrange(0, 14)),
        "end_date": None,
    }


def _consent(rng: random.Random, s: Subject, as_of: date, batch: dict[str, list[Row]]) -> None:
    # The latest decision or review: within the last 14 months, so some reviews are overdue.
    decided = max(s.known_since, as_of - timedelta(days=rng.randrange(0, 425)))
    if s.group == "baby" or (s.group == "teen" and s.age < 16):
        given_by = f"{s.carer_first or 'Parent'} (parental responsibility)"
    elif any(t.key == "memory" for t in s.themes) and s.carer_first and rng.random() < 0.5:
        given_by = f"{s.carer_first} (lasting power of attorney)"
    else:
        given_by = "the person"
    base: Row = {
        "person_id": s.id,
        "partner_organisation_id": None,
        "given_by": given_by,
        "method": rng.choice(("verbal", "verbal", "written")),
        "decided_on": decided,
        "review_on": decided + timedelta(days=365),
        "withdrawn_on": None,
        "reason_refused": None,
    }
    roll = rng.random()
    given, refused = ConsentDecision.GIVEN.value, ConsentDecision.REFUSED.value
    if roll < 0.80:
        decisions = [(ConsentCategory.ALL.value, given)]
    elif roll < 0.90:
        decisions = [(ConsentCategory.HEALTH.value, given)]
    elif roll < 0.955:
        decisions = [
            (ConsentCategory.HEALTH.value, given),
            (ConsentCategory.SOCIAL_CARE.value, given),
            (ConsentCategory.MENTAL_HEALTH.value, refused),
        ]
    elif roll < 0.985:
        decisions = [(ConsentCategory.ALL.value, refused)]
    else:
        decisions = [(ConsentCategory.ALL.value, ConsentDecision.WITHDRAWN.value)]
    for category, decision in decisions:
        row = dict(base, id=new_id(rng), category=category, decision=decision)
        if decision == refused:
            row["reason_refused"] = rng.choice(REFUSALS)
        elif decision == ConsentDecision.WITHDRAWN.value:
            row["withdrawn_on"] = _day_between(rng, decided, as_of)
        batch["consent_to_share"].append(row)
