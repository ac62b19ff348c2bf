"""Telecare equipment in a person's home: added with what it is, when it was installed
and who responds; each test recorded as it is done; who responds and the phone line
changed as they change; marked removed (kept in the record, never due again).

The dates' rules are the table's CHECK constraints (storage/tables/support.py) and the
row rules (no date in the future); each is checked here first so the user reads one
plain sentence, and nothing is half-written. When a test is due: app.values.telecare.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.services import clock
from app.services.changes import CASELOAD, SUPPORT, Change
from app.services.need_to_know.access import require_access_to_write, writable_person
from app.services.ops import operation, optional_date, text
from app.values.telecare import DEFAULT_TEST_EVERY_DAYS
from app.values.vocab import TelecareKind, TelecareResponder
from app.workspace import Workspace
from storage.audit_log import append as audit
from storage.tables import TelecareItem

# The caseload's count of telecare tests due changes with them.
_AREAS = frozenset({SUPPORT, CASELOAD})


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _not_future(value: date | None, what: str) -> date | None:
    if value is not None and value > clock.today():
        raise InvalidInputError("The {what} cannot be in the future.", what=what)
    return value


def _interval(value: int | str | None) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_TEST_EVERY_DAYS
    try:
        days = int(value)
    except ValueError:
        raise InvalidInputError("Enter how often it is tested, in days.") from None
    if not 1 <= days <= 730:
        raise InvalidInputError("How often it is tested must be from 1 to 730 days.")
    return days


def _line(value: bool | str | None) -> bool | None:
    """Still on an analogue phone line: yes, no, or not known (None, "")."""
    if value is None or isinstance(value, bool):
        return value
    answer = value.strip().lower()
    if answer in ("", "unknown", "not_known", "not known"):
        return None
    if answer in ("yes", "true", "analogue"):
        return True
    if answer in ("no", "false", "digital"):
        return False
    raise InvalidInputError("Say whether it is still on an analogue line: yes, no or not known.")


def _item(session: Session, item_id: str) -> TelecareItem:
    item = session.get(TelecareItem, item_id)
    if item is None:
        raise NotFoundError("No telecare equipment with that id is in this profile.")
    require_access_to_write(session, item.person_id)
    return item


def add_telecare(
    workspace: Workspace,
    *,
    person_id: str,
    kind: str,
    responder: str,
    installed_on: date | str | None = None,
    last_tested_on: date | str | None = None,
    description: str | None = None,
    responder_detail: str | None = None,
    analogue_line: bool | str | None = None,
    test_every_days: int | str | None = None,
    draft_key: str | None = None,
) -> Change:
    code = TelecareKind.parse(kind).value
    who = TelecareResponder.parse(responder).value
    installed = _not_future(optional_date(installed_on, "date installed"), "date installed")
    tested = _not_future(optional_date(last_tested_on, "date last tested"), "date last tested")
    if installed is not None and tested is not None and tested < installed:
        raise InvalidInputError(
            "It cannot have been tested before it was installed ({day}).", day=_day(installed)
        )
    with operation(workspace, draft_key=draft_key) as session:
        person = writable_person(session, person_id)
        if installed is not None and installed < person.date_of_birth:
            raise InvalidInputError("That date is before the person was born.")
        item = TelecareItem(
            person_id=person_id,
            kind=code,
            description=text(description, "description", limit=200) or None,
            installed_on=installed,
            last_tested_on=tested,
            test_every_days=_interval(test_every_days),
            responder=who,
            responder_detail=text(responder_detail, "who responds", limit=200) or None,
            analogue_line=_line(analogue_line),
            removed_on=None,
        )
        session.add(item)
        session.flush()
        audit(
            session,
            "telecare_added",
            person_id=person_id,
            detail={"item_id": item.id, "kind": code},
        )
    return Change(
        "telecare_added",
        person_id=person_id,
        entity_id=item.id,
        areas=_AREAS,
        fields=(
            "kind",
            "description",
            "installed_on",
            "last_tested_on",
            "test_every_days",
            "responder",
            "responder_detail",
            "analogue_line",
        ),
    )


def record_test(
    workspace: Workspace,
    *,
    item_id: str,
    tested_on: date | str | None = None,
    draft_key: str | None = None,
) -> Change:
    """A test done (today unless another day is given): the next is due from it."""
    on = optional_date(tested_on, "date tested") or clock.today()
    _not_future(on, "date tested")
    with operation(workspace, draft_key=draft_key) as session:
        item = _item(session, item_id)
        if item.removed_on is not None:
            raise InvalidInputError(
                "This equipment was removed on {day}.", day=_day(item.removed_on)
            )
        if item.installed_on is not None and on < item.installed_on:
            raise InvalidInputError(
                "It cannot have been tested before it was installed ({day}).",
                day=_day(item.installed_on),
            )
        if item.last_tested_on is not None and on < item.last_tested_on:
            raise InvalidInputError(
                "A later test is already recorded ({day}).", day=_day(item.last_tested_on)
            )
        changed = item.last_tested_on != on
        item.last_tested_on = on
        audit(session, "telecare_tested", person_id=item.person_id, detail={"item_id": item.id})
        person_id = item.person_id
    return Change(
        "telecare_tested",
        person_id=person_id,
        entity_id=item_id,
        areas=_AREAS,
        fields=("last_tested_on",) if changed else (),
    )


def change_telecare(
    workspace: Workspace,
    *,
    item_id: str,
    responder: str,
    responder_detail: str | None = None,
    analogue_line: bool | str | None = None,
    test_every_days: int | str | None = None,
    description: str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Who responds, the phone line, how often it is tested, and what it is."""
    who = TelecareResponder.parse(responder).value
    line = _line(analogue_line)
    every = _interval(test_every_days)
    with operation(workspace, draft_key=draft_key) as session:
        item = _item(session, item_id)
        values = {
            "responder": who,
            "responder_detail": text(responder_detail, "who responds", limit=200) or None,
            "analogue_line": line,
            "test_every_days": every,
            "description": text(description, "description", limit=200) or None,
        }
        changed = tuple(f for f, v in values.items() if getattr(item, f) != v)
        for field in changed:
            setattr(item, field, values[field])
        if changed:
            audit(
                session,
                "telecare_changed",
                person_id=item.person_id,
                detail={"item_id": item.id, "fields": list(changed)},
            )
        person_id = item.person_id
    return Change(
        "telecare_changed", person_id=person_id, entity_id=item_id, areas=_AREAS, fields=changed
    )


def remove_telecare(
    workspace: Workspace,
    *,
    item_id: str,
    removed_on: date | str | None = None,
    draft_key: str | None = None,
) -> Change:
    """Taken out of the home: kept in the record, never due a test again."""
    on = optional_date(removed_on, "date removed") or clock.today()
    _not_future(on, "date removed")
    with operation(workspace, draft_key=draft_key) as session:
        item = _item(session, item_id)
        if item.removed_on is not None:
            raise InvalidInputError(
                "This equipment was removed on {day}.", day=_day(item.removed_on)
            )
        if item.installed_on is not None and on < item.installed_on:
            raise InvalidInputError(
                "It cannot have been removed before it was installed ({day}).",
                day=_day(item.installed_on),
            )
        item.removed_on = on
        audit(session, "telecare_removed", person_id=item.person_id, detail={"item_id": item.id})
        person_id = item.person_id
    return Change(
        "telecare_removed",
        person_id=person_id,
        entity_id=item_id,
        areas=_AREAS,
        fields=("removed_on",),
    )
