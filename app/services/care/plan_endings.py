"""Ending a strength, a need or a contingency plan: no longer true, met, or no longer
needed. Nothing is removed (records never are): the entry keeps its history and the
date it ended, and the plan as it stands (on screen, printed, exported) leaves it
out. Ending one changes the plan, so an agreed plan goes back to draft until it is
agreed again, as any other change does."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.care.care_plan import plan_edited
from app.services.changes import PLAN, Change
from app.services.need_to_know.access import require_access_to_write
from app.services.ops import operation, optional_date
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import ContingencyPlan, Need, Strength

# What can be ended, by the word the command line and the form use.
ENDABLE: dict[str, tuple[type[Any], str]] = {
    "strength": (Strength, "strength"),
    "need": (Need, "need"),
    "contingency": (ContingencyPlan, "contingency plan"),
}


def end_entry(
    workspace: Workspace,
    *,
    kind: str,
    entry_id: str,
    ended_on: date | str | None = None,
) -> Change:
    if kind not in ENDABLE:
        raise InvalidInputError(
            "'{kind}' cannot be ended here: choose one of {kinds}.",
            kind=kind,
            kinds=", ".join(ENDABLE),
        )
    table, what = ENDABLE[kind]
    when = optional_date(ended_on, "date it ended") or clock.today()
    if when > clock.today():
        raise InvalidInputError("An entry cannot end on a date still to come.")
    with operation(workspace) as session:
        row = session.get(table, entry_id)
        if row is None:
            raise NotFoundError("That {what} is no longer in the plan.", what=what)
        require_access_to_write(session, row.person_id)
        if row.ended_on is not None:
            raise InvalidInputError("That {what} has already ended.", what=what)
        row.ended_on = when
        plan_edited(session, row.person_id)
        audit(
            session,
            f"{kind}_ended",
            person_id=row.person_id,
            detail={"entry_id": row.id},
        )
        person_id = row.person_id
    return Change(
        f"{kind}_ended",
        person_id=person_id,
        entity_id=entry_id,
        areas=frozenset({PLAN}),
        fields=("ended_on",),
    )
