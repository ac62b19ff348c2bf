"""`onerecord plan need | strength | goal | action | contingency | review | scale |
end`: the care and support plan from a script, with the app's own checks (one plain
line, nothing half-written). Ending keeps an entry in the record's history and takes
it out of the plan as it stands. The ids are in `onerecord show`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.cli.choices import ENDABLE_KINDS
from app.cli.commands_profile import open_workspace
from app.cli.person_reference import person_id
from app.values.vocab import CareActOutcome, GoalResult

if TYPE_CHECKING:
    from app.services.changes import Change
    from app.workspace import Workspace

Common = Callable[[argparse.ArgumentParser], None]


def run(args: argparse.Namespace, write: Callable[[Workspace], Change], said: str) -> int:
    workspace = open_workspace(args)
    try:
        change = write(workspace)
    finally:
        workspace.close()
    print(f"{said} (id {change.entity_id}).")
    return 0


def _need(args: argparse.Namespace) -> int:
    from app.services.care import care_plan

    return run(
        args,
        lambda ws: care_plan.save_need(
            ws,
            person_id=person_id(ws, args.nhs),
            description=args.text,
            care_act_outcome=args.outcome,
        ),
        "Need added to the plan",
    )


def _strength(args: argparse.Namespace) -> int:
    from app.services.care import care_plan

    return run(
        args,
        lambda ws: care_plan.save_strength(
            ws, person_id=person_id(ws, args.nhs), description=args.text
        ),
        "Strength added to the plan",
    )


def _goal(args: argparse.Namespace) -> int:
    from app.services.care import care_plan

    return run(
        args,
        lambda ws: care_plan.add_goal(
            ws,
            person_id=person_id(ws, args.nhs),
            statement=args.text,
            importance=args.importance,
            target_date=args.target,
            need_id=args.need,
        ),
        "Goal added to the plan",
    )


def _action(args: argparse.Namespace) -> int:
    from app.services.care import care_plan

    return run(
        args,
        lambda ws: care_plan.add_action(
            ws,
            goal_id=args.goal,
            what=args.text,
            who_name=args.who,
            who_role=args.role,
            timing=args.when,
            due_on=args.due,
        ),
        "Action added",
    )


def _contingency(args: argparse.Namespace) -> int:
    from app.services.care import care_plan

    return run(
        args,
        lambda ws: care_plan.save_contingency(
            ws,
            person_id=person_id(ws, args.nhs),
            name=args.name,
            trigger=args.trigger,
            what_should_happen=args.then,
            who_to_contact=args.call or "",
        ),
        "Contingency plan added",
    )


def _review(args: argparse.Namespace) -> int:
    from app.services.outcomes import goal_reviews

    return run(
        args,
        lambda ws: goal_reviews.review_goal(
            ws,
            goal_id=args.goal,
            result=args.result,
            gas_score=args.score,
            comment=args.comment,
            reviewed_on=args.on,
        ),
        "Goal reviewed",
    )


def _scale(args: argparse.Namespace) -> int:
    from app.services.outcomes import goal_reviews

    return run(
        args,
        lambda ws: goal_reviews.set_goal_scale(ws, goal_id=args.goal, baseline=args.baseline),
        "Goal attainment scale set",
    )


def _end(args: argparse.Namespace) -> int:
    from app.services.care.plan_endings import end_entry

    workspace = open_workspace(args)
    try:
        end_entry(workspace, kind=args.kind, entry_id=args.id, ended_on=args.on)
    finally:
        workspace.close()
    print("Ended: kept in the record, out of the plan as it stands.")
    return 0


def register(sub: Any, common: Common) -> None:
    plan = sub.add_parser("plan", help="the care and support plan")
    plan_sub = plan.add_subparsers(
        dest="plan_command", required=True, parser_class=sub._parser_class
    )

    def person(name: str, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = plan_sub.add_parser(name, help=help_text)
        common(p)
        p.add_argument("--nhs", required=True, help="NHS number (or person id)")
        return p

    p = person("need", "add what the person needs help with")
    p.add_argument("--text", required=True)
    p.add_argument("--outcome", help=", ".join(o.value for o in CareActOutcome))
    p.set_defaults(handler=_need)

    p = person("strength", "add a strength")
    p.add_argument("--text", required=True)
    p.set_defaults(handler=_strength)

    p = person("goal", "add a goal, in the person's words ('I want to...')")
    p.add_argument("--text", required=True)
    p.add_argument("--importance", default="5", help="1 to 10, how much it matters to them")
    p.add_argument("--target", help="target date")
    p.add_argument("--need", help="the need it meets (its id)")
    p.set_defaults(handler=_goal)

    p = person("contingency", "add a contingency plan: if this happens, do this")
    p.add_argument("--name", required=True)
    p.add_argument("--trigger", required=True, help="if this happens")
    p.add_argument("--then", required=True, help="this should happen")
    p.add_argument("--call", help="who to call")
    p.set_defaults(handler=_contingency)

    p = plan_sub.add_parser("action", help="add an action to a goal: who does what, when")
    common(p)
    p.add_argument("--goal", required=True, help="the goal's id")
    p.add_argument("--text", required=True, help="what will be done")
    p.add_argument("--who", required=True, help="who does it")
    p.add_argument("--role", help="their role")
    p.add_argument("--when", help="how often or when, in words")
    p.add_argument("--due", help="due by")
    p.set_defaults(handler=_action)

    p = plan_sub.add_parser("review", help="review a goal: its result in the person's terms")
    common(p)
    p.add_argument("--goal", required=True, help="the goal's id")
    p.add_argument("--result", required=True, help=", ".join(r.value for r in GoalResult))
    p.add_argument("--score", help="goal attainment score, -2 to 2 (optional)")
    p.add_argument("--comment", help="what the person said")
    p.add_argument("--on", help="the day of the review (default today)")
    p.set_defaults(handler=_review)

    p = plan_sub.add_parser(
        "scale", help="set a goal's attainment scale: where the person starts (-1 or -2)"
    )
    common(p)
    p.add_argument("--goal", required=True, help="the goal's id")
    p.add_argument("--baseline", required=True, help="-1, or -2 when they cannot get worse")
    p.set_defaults(handler=_scale)

    p = plan_sub.add_parser("end", help="end a strength, need or contingency plan")
    common(p)
    p.add_argument("--kind", required=True, choices=sorted(ENDABLE_KINDS))
    p.add_argument("--id", required=True, help="its id (onerecord show lists them)")
    p.add_argument("--on", help="the date it ended (default today)")
    p.set_defaults(handler=_end)
