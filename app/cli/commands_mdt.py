"""`onerecord meeting ...`: the team's multi-disciplinary meeting from a script.

    meeting new --when 2026-12-10T10:00 [--place P]     the coordinator sets one up
    meeting move --when ... [--place P] | cancel         the coordinator moves or cancels it
    meeting list [--meeting ID]                          the next meeting's list
    meeting flag --nhs N --why TEXT                      ask for someone to be discussed
    meeting offered [--meeting ID]                       who the record suggests, and why
    meeting add --nhs N [--why TEXT] [--meeting ID]      the coordinator lists someone
    meeting take-off --nhs N [--meeting ID]
    meeting pack --out FILE.pdf [--meeting ID]           the briefs, one page each
    meeting decide --nhs N --decision TEXT --present "Name, role" (repeat)
                   [--action "WHAT|WHO|ROLE|YYYY-MM-DD"] (repeat) [--meeting ID]

Without --meeting, the team's next meeting. Refusals are one plain line (exit 5
for a role that may not).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.commands_person import parse_visit_time
from app.cli.commands_profile import open_workspace
from app.cli.output import british_date
from app.cli.person_reference import person_id
from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.values.vocab import MdtReason

if TYPE_CHECKING:
    from app.services.mdt import agenda, decisions
    from app.workspace import Workspace

Common = Callable[[argparse.ArgumentParser], None]
NO_NEXT = "Your team has no meeting coming up: the coordinator sets one up with 'meeting new'."


def _meeting_id(workspace: Workspace, args: argparse.Namespace) -> str:
    from app.services.mdt import meetings

    if args.meeting:
        return str(args.meeting)
    found = meetings.next_meeting(workspace)
    if found is None:
        raise NotFoundError(NO_NEXT)
    return found.id


def _heading(workspace: Workspace, meeting_id: str) -> str:
    from app.services.mdt import meetings

    found = next(m for m in meetings.team_meetings(workspace) if m.id == meeting_id)
    at = clock.local(found.meets_at)
    place = f", {found.place}" if found.place else ""
    late = (
        " (the list went out less than 24 hours before)"
        if clock.now() > found.list_closes_at
        else ""
    )
    return f"Team meeting {british_date(at.date())} {at:%H:%M}{place}{late} [{found.id}]"


def _with(args: argparse.Namespace, work: Callable[[Workspace], int]) -> int:
    workspace = open_workspace(args)
    try:
        return work(workspace)
    finally:
        workspace.close()


def _new(args: argparse.Namespace) -> int:
    from app.services.mdt import meetings

    when = parse_visit_time(args.when)

    def work(ws: Workspace) -> int:
        change = meetings.set_up_meeting(ws, meets_at=when, place=args.place)
        print(f"Team meeting set up: {_heading(ws, str(change.entity_id))}")
        return 0

    return _with(args, work)


def _move(args: argparse.Namespace) -> int:
    from app.services.mdt import meetings

    when = parse_visit_time(args.when)

    def work(ws: Workspace) -> int:
        change = meetings.move_meeting(ws, _meeting_id(ws, args), meets_at=when, place=args.place)
        print(f"Team meeting moved: {_heading(ws, str(change.entity_id))}")
        return 0

    return _with(args, work)


def _cancel(args: argparse.Namespace) -> int:
    from app.services.mdt import meetings

    def work(ws: Workspace) -> int:
        meetings.cancel_meeting(ws, _meeting_id(ws, args))
        print("Team meeting cancelled: flags on its list wait for the next one.")
        return 0

    return _with(args, work)


def _print_rows(rows: list[agenda.Listed], *, detail: bool = False) -> None:
    for n, row in enumerate(rows, start=1):
        by = f" (flagged by {row.flagged_by})" if row.flagged_by else ""
        decided = (
            f"\n      Decided {british_date(row.decided_on)}: {row.decision}"
            if row.decision
            else ""
        )
        print(f"{n:>3}. {row.display_name} ({row.nhs_number_formatted}): {row.said}{by}{decided}")


def _list(args: argparse.Namespace) -> int:
    from app.services.mdt import agenda

    def work(ws: Workspace) -> int:
        meeting_id = _meeting_id(ws, args)
        rows = agenda.meeting_list(ws, meeting_id)
        print(_heading(ws, meeting_id))
        print(f"{len(rows)} on the list." if rows else "No one on the list yet.")
        _print_rows(rows)
        return 0

    return _with(args, work)


def _offered(args: argparse.Namespace) -> int:
    from app.services.mdt import agenda

    def work(ws: Workspace) -> int:
        meeting_id = _meeting_id(ws, args)
        rows = agenda.offered(ws, meeting_id)
        print(_heading(ws, meeting_id))
        print(f"The record suggests {len(rows)}:" if rows else "The record suggests no one.")
        _print_rows(rows, detail=True)
        return 0

    return _with(args, work)


def _flag(args: argparse.Namespace) -> int:
    from app.services.mdt import agenda

    def work(ws: Workspace) -> int:
        agenda.flag_for_discussion(ws, person_id=person_id(ws, args.nhs), why=args.why)
        print("Flagged for the team's next meeting.")
        return 0

    return _with(args, work)


def _add(args: argparse.Namespace) -> int:
    from app.services.mdt import agenda

    def work(ws: Workspace) -> int:
        meeting_id = _meeting_id(ws, args)
        who = person_id(ws, args.nhs)
        if any(r.person_id == who for r in agenda.meeting_list(ws, meeting_id)):
            raise InvalidInputError(agenda.ALREADY_LISTED)
        suggested = next((o for o in agenda.offered(ws, meeting_id) if o.person_id == who), None)
        if args.why:
            reason, why, flag = MdtReason.FLAGGED, args.why, None
            if suggested is not None:
                reason, flag = suggested.reason, suggested.item_id
        elif suggested is not None:
            reason, why, flag = suggested.reason, suggested.why, suggested.item_id
        else:
            raise InvalidInputError(
                "Say why they are on the list (--why): the record suggests nothing."
            )
        agenda.add_to_list(ws, meeting_id, person_id=who, reason=reason, why=why, flag_id=flag)
        print("Added to the list.")
        return 0

    return _with(args, work)


def _listed_item(ws: Workspace, meeting_id: str, nhs: str) -> agenda.Listed:
    from app.services.mdt import agenda

    who = person_id(ws, nhs)
    found = next((r for r in agenda.meeting_list(ws, meeting_id) if r.person_id == who), None)
    if found is None or found.item_id is None:
        raise NotFoundError(agenda.NOT_LISTED)
    return found


def _take_off(args: argparse.Namespace) -> int:
    from app.services.mdt import agenda

    def work(ws: Workspace) -> int:
        meeting_id = _meeting_id(ws, args)
        item = _listed_item(ws, meeting_id, args.nhs)
        assert item.item_id is not None
        agenda.take_off_list(ws, item.item_id)
        print("Taken off the list.")
        return 0

    return _with(args, work)


def _pack(args: argparse.Namespace) -> int:
    from app.reports.mdt_pack import save_pack

    def work(ws: Workspace) -> int:
        meeting_id = _meeting_id(ws, args)
        pack, pdf = save_pack(ws, meeting_id, args.out)
        print(f"Saved {len(pack.briefs)} briefs ({pdf.pages} pages) to {args.out}.")
        if pack.not_shown:
            print(f"{pack.not_shown} on the list are not yours to open: not in this pack.")
        return 0

    return _with(args, work)


def parse_action(text: str) -> decisions.AgreedAction:
    """'WHAT|WHO|ROLE|YYYY-MM-DD' (ROLE may be empty)."""
    from app.services.mdt import decisions

    parts = [p.strip() for p in text.split("|")]
    if len(parts) != 4:
        raise InvalidInputError(
            "Give each action as 'what|who|role|due date', for example "
            "'Refer to the falls clinic|Dr Shah|GP|2026-12-18'."
        )
    what, who, role, due = parts
    return decisions.AgreedAction(what, who, role or None, due)


def _decide(args: argparse.Namespace) -> int:
    from app.services.mdt import decisions

    actions = [parse_action(a) for a in args.action or []]

    def work(ws: Workspace) -> int:
        meeting_id = _meeting_id(ws, args)
        item = _listed_item(ws, meeting_id, args.nhs)
        assert item.item_id is not None
        decisions.record_decision(
            ws, item.item_id, decision=args.decision, attendees=args.present or [], actions=actions
        )
        print(f"Decision recorded, with {len(actions)} action(s) in the plan.")
        return 0

    return _with(args, work)


def register(sub: Any, common: Common) -> None:
    group = sub.add_parser("meeting", help="the team's multi-disciplinary meeting")
    steps = group.add_subparsers(
        dest="meeting_command", required=True, parser_class=sub._parser_class
    )

    def step(name: str, help_text: str, handler: Callable[[argparse.Namespace], int]) -> Any:
        p = steps.add_parser(name, help=help_text)
        common(p)
        p.set_defaults(handler=handler)
        if name not in ("new", "flag"):
            p.add_argument("--meeting", help="the meeting's id (default: the team's next)")
        return p

    p = step("new", "set up the team's next meeting (coordinator)", _new)
    p.add_argument("--when", required=True, help="date and time, e.g. 2026-12-10T10:00")
    p.add_argument("--place", help="where it meets")
    p = step("move", "move the meeting, its list with it (coordinator)", _move)
    p.add_argument("--when", required=True, help="the new date and time, e.g. 2026-12-10T10:00")
    p.add_argument("--place", help="where it meets")
    step("cancel", "cancel the meeting (coordinator)", _cancel)
    step("list", "the meeting's list, with why and any decision", _list)
    p = step("flag", "ask for someone to be discussed at the next meeting", _flag)
    p.add_argument("--nhs", required=True, help="their NHS number")
    p.add_argument("--why", required=True, help="why the team should discuss them")
    step("offered", "who the record suggests for the list, and why", _offered)
    p = step("add", "put someone on the list (coordinator)", _add)
    p.add_argument("--nhs", required=True, help="their NHS number")
    p.add_argument("--why", help="why (default: what the record suggests)")
    p = step("take-off", "take someone off the list (coordinator)", _take_off)
    p.add_argument("--nhs", required=True, help="their NHS number")
    p = step("pack", "save every brief as a PDF, one page each", _pack)
    p.add_argument("--out", required=True, type=Path, help="the PDF file to write")
    p = step("decide", "record what the meeting decided about someone", _decide)
    p.add_argument("--nhs", required=True, help="their NHS number")
    p.add_argument("--decision", required=True, help="what the meeting decided")
    p.add_argument("--present", action="append", help="who was there, 'Name, role' (repeat)")
    p.add_argument(
        "--action", action="append", help="an agreed action 'what|who|role|YYYY-MM-DD' (repeat)"
    )
