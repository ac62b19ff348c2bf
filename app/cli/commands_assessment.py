"""`onerecord assessment part | revise | add | capacity | show`: the joint initial
assessment part by part (each signed by whoever records it), standalone assessments,
mental capacity decision by decision, and the assessment as it stands."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cli.commands_profile import open_workspace
from app.cli.output import write_json
from app.cli.person_reference import person_id
from app.values.vocab import AssessmentPart, CapacityOutcome, CareActOutcome

Common = Callable[[argparse.ArgumentParser], None]


def _outcomes(text: str | None) -> list[str]:
    return [code.strip() for code in (text or "").split(",") if code.strip()]


def _part(args: argparse.Namespace) -> int:
    from app.services.care import joint_assessment

    workspace = open_workspace(args)
    try:
        change = joint_assessment.record_part(
            workspace,
            person_id=person_id(workspace, args.nhs),
            part=args.part,
            findings=args.findings,
            needs_help_with=_outcomes(args.needs_help_with),
            shown_in_plan=args.in_plan,
            assessed_on=args.on,
        )
    finally:
        workspace.close()
    print(f"Part recorded and signed by you (id {change.entity_id}).")
    return 0


def _revise(args: argparse.Namespace) -> int:
    from app.services.care import joint_assessment

    workspace = open_workspace(args)
    try:
        joint_assessment.revise_part(
            workspace,
            assessment_id=args.id,
            findings=args.findings,
            needs_help_with=None
            if args.needs_help_with is None
            else _outcomes(args.needs_help_with),
        )
    finally:
        workspace.close()
    print("Part revised (what it said before is kept in the record's history).")
    return 0


def _agree(args: argparse.Namespace) -> int:
    from app.services.care import joint_assessment

    workspace = open_workspace(args)
    try:
        joint_assessment.agree_shown_in_plan(
            workspace, assessment_id=args.id, shown=args.shown == "yes"
        )
    finally:
        workspace.close()
    print(
        "Recorded: " + ("shown" if args.shown == "yes" else "not shown") + " in the printed plan."
    )
    return 0


def _needs(args: argparse.Namespace) -> int:
    from app.services.care import joint_assessment

    workspace = open_workspace(args)
    try:
        joint_assessment.needs_from_part(workspace, assessment_id=args.id)
    finally:
        workspace.close()
    print("Added to the plan's needs: reword them with the person.")
    return 0


def _add(args: argparse.Namespace) -> int:
    from app.services.care import assessments

    workspace = open_workspace(args)
    try:
        assessments.record_assessment(
            workspace,
            person_id=person_id(workspace, args.nhs),
            assessment_type=args.kind,
            summary=args.findings,
            assessed_on=args.on,
            score=args.score,
        )
    finally:
        workspace.close()
    print("Assessment recorded and signed by you.")
    return 0


def _capacity(args: argparse.Namespace) -> int:
    from app.services.care import assessments

    workspace = open_workspace(args)
    try:
        assessments.record_capacity(
            workspace,
            person_id=person_id(workspace, args.nhs),
            decision=args.decision,
            outcome=args.outcome,
            notes=args.notes or "",
            assessed_on=args.on,
            document_location=args.form_at,
        )
    finally:
        workspace.close()
    print("Mental capacity assessment recorded for that decision.")
    return 0


def _show(args: argparse.Namespace) -> int:
    from app.services.care import joint_assessment
    from app.services.record.record import open_record

    workspace = open_workspace(args)
    try:
        record = open_record(workspace, person_id(workspace, args.nhs))
    finally:
        workspace.close()
    parts = joint_assessment.initial_parts(record.assessments)
    to_do = joint_assessment.parts_to_do(record.assessments)
    if args.format == "json":
        write_json(
            {
                "parts": [
                    {
                        "id": p.id,
                        "part": p.part,
                        "assessed_on": p.assessed_on.isoformat(),
                        "by": p.by,
                        "findings": p.summary,
                        "needs_help_with": list(p.needs_help_with),
                        "shown_in_plan": p.shown_in_plan,
                    }
                    for p in parts
                ],
                "still_to_do": to_do,
                "consent_recorded": bool(record.consent),
            }
        )
        return 0
    print(f"Initial assessment: {record.header.full_name}")
    for p in parts:
        label = AssessmentPart(p.part).label if p.part else ""
        printed = "shown in the printed plan" if p.shown_in_plan else "not printed"
        when = f"{p.assessed_on.day} {p.assessed_on:%b %Y}"
        print(f"\n{label} — {p.by or 'unknown'}, {when} ({printed}) [{p.id}]")
        print(f"  {p.summary}")
        if p.needs_help_with:
            needs = "; ".join(CareActOutcome(code).label for code in p.needs_help_with)
            print(f"  Needs help with: {needs}")
    if to_do:
        print("\nStill to do: " + ", ".join(AssessmentPart(code).label for code in to_do))
    if not record.consent:
        print("Consent to share: not yet asked. Nothing is shared with partners until it is.")
    return 0


def register(sub: Any, common: Common) -> None:
    assessment = sub.add_parser("assessment", help="assessments and mental capacity")
    a_sub = assessment.add_subparsers(
        dest="assessment_command", required=True, parser_class=sub._parser_class
    )
    outcomes = "Care Act outcomes they need help with, comma-separated: " + ", ".join(
        o.value for o in CareActOutcome
    )

    p = a_sub.add_parser("part", help="your part of the joint initial assessment")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument("--part", required=True, help=", ".join(x.value for x in AssessmentPart))
    p.add_argument("--findings", required=True, help="what you found")
    p.add_argument("--needs-help-with", help=outcomes + " (daily_living only)")
    p.add_argument(
        "--in-plan", action="store_true", help="the person agreed it is shown in the printed plan"
    )
    p.add_argument("--on", help="the date assessed (default today)")
    p.set_defaults(handler=_part)

    p = a_sub.add_parser("revise", help="revise a part you signed")
    common(p)
    p.add_argument("--id", required=True, help="the part's id (assessment show lists them)")
    p.add_argument("--findings", required=True)
    p.add_argument("--needs-help-with", help=outcomes + " (left out: as it was)")
    p.set_defaults(handler=_revise)

    p = a_sub.add_parser("agree", help="the person's say on showing a part in their printed plan")
    common(p)
    p.add_argument("--id", required=True, help="the part's id (assessment show lists them)")
    p.add_argument("--shown", required=True, choices=["yes", "no"])
    p.set_defaults(handler=_agree)

    p = a_sub.add_parser("needs", help="a daily living part's outcomes as needs in the plan")
    common(p)
    p.add_argument("--id", required=True, help="the daily living part's id")
    p.set_defaults(handler=_needs)

    p = a_sub.add_parser("add", help="a standalone assessment (falls, Waterlow, review...)")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument("--kind", required=True, help="for example: Falls risk")
    p.add_argument("--findings", required=True)
    p.add_argument("--score", help="for example: Waterlow 14")
    p.add_argument("--on", help="the date assessed (default today)")
    p.set_defaults(handler=_add)

    p = a_sub.add_parser("capacity", help="mental capacity for one decision")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument("--decision", required=True, help="the decision at hand")
    p.add_argument("--outcome", required=True, help=", ".join(o.value for o in CapacityOutcome))
    p.add_argument("--notes", help="how the test was applied (needed when capacity is lacking)")
    p.add_argument("--form-at", help="where the full form is kept")
    p.add_argument("--on", help="the date assessed (default today)")
    p.set_defaults(handler=_capacity)

    p = a_sub.add_parser("show", help="the initial assessment as it stands")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=_show)
