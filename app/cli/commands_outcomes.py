"""`onerecord reablement start | replan | end | check`, `onerecord hospital add | error`
and `onerecord experience`: reablement episodes, their 91-day check, hospital and
urgent care events and the person's experience answers from a script, with the app's
own checks (one plain line, nothing half-written). Goal reviews are `onerecord plan
review`. The ids are in `onerecord show`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.cli.commands_plan import Common, run
from app.cli.person_reference import person_id
from app.errors import InvalidInputError
from app.values.vocab import (
    AnsweredBy,
    ExperienceAnswer,
    ExperienceStatement,
    FollowUpResult,
    HospitalEventKind,
    ReablementOutcome,
)


def _codes(kind: Any) -> str:
    return ", ".join(member.value for member in kind)


def _start(args: argparse.Namespace) -> int:
    from app.services.outcomes import episodes

    return run(
        args,
        lambda ws: episodes.start_episode(
            ws,
            person_id=person_id(ws, args.nhs),
            started_on=args.on,
            planned_end_on=args.until,
            longer_reason=args.reason,
            discharged_on=args.left_hospital,
            goal_ids=args.goal or (),
        ),
        "Reablement started",
    )


def _replan(args: argparse.Namespace) -> int:
    from app.services.outcomes import episodes

    return run(
        args,
        lambda ws: episodes.replan_episode(
            ws,
            episode_id=args.id,
            planned_end_on=args.until,
            longer_reason=args.reason,
            goal_ids=args.goal or (),
            dropped_goal_ids=args.drop_goal or (),
        ),
        "Reablement replanned",
    )


def _end(args: argparse.Namespace) -> int:
    from app.services.outcomes import episodes

    return run(
        args,
        lambda ws: episodes.end_episode(
            ws, episode_id=args.id, outcome=args.outcome, ended_on=args.on
        ),
        "Reablement ended; its 91-day check is planned",
    )


def _check(args: argparse.Namespace) -> int:
    from app.services.outcomes import episodes

    return run(
        args,
        lambda ws: episodes.record_follow_up(
            ws, episode_id=args.id, result=args.result, follow_up_on=args.on
        ),
        "91-day check recorded",
    )


def _hospital(args: argparse.Namespace) -> int:
    from app.services.outcomes import hospital_events

    return run(
        args,
        lambda ws: hospital_events.record_hospital_event(
            ws,
            person_id=person_id(ws, args.nhs),
            kind=args.kind,
            occurred_on=args.on,
            hospital=args.hospital,
            detail=args.detail,
        ),
        "Hospital event recorded",
    )


def _in_error(args: argparse.Namespace) -> int:
    from app.services.outcomes import hospital_events

    return run(
        args,
        lambda ws: hospital_events.mark_in_error(ws, event_id=args.id),
        "Marked as entered in error: kept, and counted nowhere",
    )


def _answers(pairs: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        statement, sep, answer = pair.partition("=")
        if not sep:
            raise InvalidInputError(
                "Give each answer as statement=answer (for example tell_story_once=no)."
            )
        found[statement.strip()] = answer.strip()
    return found


def _experience(args: argparse.Namespace) -> int:
    from app.services.outcomes import experience

    answers = _answers(args.answer)
    return run(
        args,
        lambda ws: experience.record_experience(
            ws,
            person_id=person_id(ws, args.nhs),
            answers=answers,
            answered_by=args.by,
            asked_on=args.on,
        ),
        f"{len(answers)} experience answers recorded",
    )


def register(sub: Any, common: Common) -> None:
    reablement = sub.add_parser("reablement", help="reablement episodes and the 91-day check")
    steps = reablement.add_subparsers(
        dest="reablement_command", required=True, parser_class=sub._parser_class
    )

    def step(name: str, help_text: str, handler: Callable[[argparse.Namespace], int]) -> Any:
        p = steps.add_parser(name, help=help_text)
        common(p)
        p.set_defaults(handler=handler)
        return p

    p = step("start", "start an episode (six weeks unless --until and --reason)", _start)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument("--on", help="start date (default today)")
    p.add_argument("--left-hospital", help="the day the person left hospital, if they did")
    p.add_argument("--until", help="planned end (default six weeks from the start)")
    p.add_argument("--reason", help="why it is planned longer than six weeks")
    p.add_argument("--goal", action="append", help="a goal it works on (its id); repeat")

    p = step("replan", "move the planned end, or add goals", _replan)
    p.add_argument("--id", required=True, help="the episode's id")
    p.add_argument("--until", required=True, help="the new planned end")
    p.add_argument("--reason", help="why it is planned longer than six weeks")
    p.add_argument("--goal", action="append", help="another goal it works on; repeat")
    p.add_argument(
        "--drop-goal",
        action="append",
        help="a goal it no longer works on (it stays in the plan); repeat",
    )

    p = step("end", "end the episode with its outcome", _end)
    p.add_argument("--id", required=True, help="the episode's id")
    p.add_argument("--outcome", required=True, help=_codes(ReablementOutcome))
    p.add_argument("--on", help="end date (default today)")

    p = step("check", "record the 91-day check (from day 91 after leaving hospital)", _check)
    p.add_argument("--id", required=True, help="the episode's id")
    p.add_argument("--result", required=True, help=_codes(FollowUpResult))
    p.add_argument("--on", help="the day of the check (default today)")

    hospital = sub.add_parser("hospital", help="hospital and urgent care events")
    kinds = hospital.add_subparsers(
        dest="hospital_command", required=True, parser_class=sub._parser_class
    )
    p = kinds.add_parser("add", help="record an admission, A&E attendance or discharge")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument("--kind", required=True, help=_codes(HospitalEventKind))
    p.add_argument("--on", required=True, help="the date it happened")
    p.add_argument("--hospital", help="which hospital")
    p.add_argument("--detail", help="what happened, briefly")
    p.set_defaults(handler=_hospital)
    p = kinds.add_parser("error", help="mark an event as entered in error (kept, not counted)")
    common(p)
    p.add_argument("--id", required=True, help="the event's id")
    p.set_defaults(handler=_in_error)

    p = sub.add_parser("experience", help="the person's experience: National Voices 'I' statements")
    common(p)
    p.add_argument("--nhs", required=True, help="NHS number (or person id)")
    p.add_argument(
        "--answer",
        action="append",
        required=True,
        help=f"statement=answer; statements: {_codes(ExperienceStatement)};"
        f" answers: {_codes(ExperienceAnswer)}; repeat",
    )
    p.add_argument("--by", default="person", help=_codes(AnsweredBy))
    p.add_argument("--on", help="the day asked (default today)")
    p.set_defaults(handler=_experience)
