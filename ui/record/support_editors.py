"""The dialogs of "Support at home": add a piece of telecare equipment, record its
test, change who responds or the phone line, mark it removed; add, change and end a
personal budget. Each is one app operation (app/services/support/); every bad input
comes back from it as one plain line in the dialog, and nothing is half-written."""

from __future__ import annotations

import logging
from typing import Any

from app.services import clock
from app.services.changes import Change
from app.services.record.record import PersonRecord
from app.services.support import budgets, telecare
from app.services.support.support_view import BudgetRow, TelecareRow
from app.values.money import pounds
from app.values.telecare import DEFAULT_TEST_EVERY_DAYS
from app.values.vocab import (
    BudgetKind,
    BudgetManagement,
    BudgetPeriod,
    TelecareKind,
    TelecareResponder,
)
from app.workspace import Workspace
from ui.i18n import tr
from ui.kit.forms import Field
from ui.record.editor import Editor, choices, date_text

logger = logging.getLogger(__name__)

# The status bar's "… saved." for each Change.action these dialogs make.
SAVED = {
    "telecare_added": "Telecare equipment added.",
    "telecare_tested": "Test recorded: the next is due from today's date.",
    "telecare_changed": "Telecare equipment saved.",
    "telecare_removed": "Marked as removed: kept in the record, never due a test again.",
    "budget_added": "Personal budget added: it prints in the plan.",
    "budget_changed": "Personal budget saved.",
    "budget_ended": "Personal budget ended: kept in the record, out of the plan.",
}

# What each dialog is, as the Today page's waiting drafts name them.
KINDS = {
    "new_telecare": "Telecare equipment",
    "telecare_test": "Telecare test",
    "telecare": "Telecare equipment",
    "telecare_removed": "Telecare equipment removed",
    "new_budget": "Personal budget",
    "budget": "Personal budget",
    "budget_end": "Ending a personal budget",
}

# Values as text: a choice's data is what a draft keeps.
LINE_CHOICES = (
    ("", "Not known"),
    ("yes", "Yes: still on an analogue line (needs moving)"),
    ("no", "No: digital or mobile"),
)
KEY_SAFE_HINT = "Never the key safe code: that goes in the restricted key safe alert."


def _text(values: dict[str, Any], name: str) -> str:
    return str(values.get(name) or "")


def _line_value(line: bool | None) -> str:
    return {True: "yes", False: "no", None: ""}[line]


def _responder_fields() -> tuple[Field, ...]:
    return (
        Field(
            "responder", "Who responds when it alarms", "choice", choices=choices(TelecareResponder)
        ),
        Field(
            "responder_detail",
            "Their name or service, and number",
            optional=True,
            hint="For example: Dales Careline, 01969 123456; or their daughter Ann.",
        ),
        Field("analogue_line", "Still on an analogue phone line?", "choice", choices=LINE_CHOICES),
        Field(
            "test_every_days",
            "Tested every (days)",
            "number",
            minimum=1,
            maximum=730,
            hint="The provider's schedule: 182 days is six-monthly.",
        ),
    )


def add_telecare(record: PersonRecord) -> Editor:
    header = record.header

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return telecare.add_telecare(
            ws,
            person_id=header.person_id,
            kind=_text(v, "kind"),
            description=_text(v, "description"),
            installed_on=_text(v, "installed_on"),
            last_tested_on=_text(v, "last_tested_on"),
            responder=_text(v, "responder"),
            responder_detail=_text(v, "responder_detail"),
            analogue_line=_text(v, "analogue_line"),
            test_every_days=v.get("test_every_days"),
            draft_key=draft,
        )

    fields = (
        Field("kind", "Equipment", "choice", choices=choices(TelecareKind)),
        Field("description", "Make, model or where it is", optional=True, hint=KEY_SAFE_HINT),
        Field("installed_on", "Installed on", "date", optional=True),
        Field("last_tested_on", "Last tested on", "date", optional=True, beside=True),
        *_responder_fields(),
    )
    return Editor(
        kind="new_telecare",
        entity_id=None,
        person_id=header.person_id,
        title=tr("Add telecare equipment: {name}").format(name=header.full_name),
        fields=fields,
        save=save,
        initial={"test_every_days": DEFAULT_TEST_EVERY_DAYS},
        intro=tr("The next test is due from the last test, or from the install if never tested."),
        focus="kind",
    )


def record_test(record: PersonRecord, item: TelecareRow) -> Editor:
    header = record.header

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return telecare.record_test(
            ws, item_id=item.id, tested_on=_text(v, "tested_on"), draft_key=draft
        )

    return Editor(
        kind="telecare_test",
        entity_id=item.id,
        person_id=header.person_id,
        title=tr("Record a test of the {what}: {name}").format(
            what=item.kind.lower(), name=header.full_name
        ),
        fields=(Field("tested_on", "Tested on", "date"),),
        save=save,
        initial={"tested_on": date_text(clock.today())},
        intro=tr("A test done with the person or their provider: the alarm reached who responds."),
        submit_label="Record the test",
        focus="tested_on",
    )


def change_telecare(record: PersonRecord, item: TelecareRow) -> Editor:
    header = record.header

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return telecare.change_telecare(
            ws,
            item_id=item.id,
            description=_text(v, "description"),
            responder=_text(v, "responder"),
            responder_detail=_text(v, "responder_detail"),
            analogue_line=_text(v, "analogue_line"),
            test_every_days=v.get("test_every_days"),
            draft_key=draft,
        )

    return Editor(
        kind="telecare",
        entity_id=item.id,
        person_id=header.person_id,
        title=tr("{what}: {name}").format(what=item.kind, name=header.full_name),
        fields=(
            Field("description", "Make, model or where it is", optional=True, hint=KEY_SAFE_HINT),
            *_responder_fields(),
        ),
        save=save,
        initial={
            "description": item.description or "",
            "responder": item.responder_code,
            "responder_detail": item.responder_detail or "",
            "analogue_line": _line_value(item.analogue_line),
            "test_every_days": item.test_every_days,
        },
        focus="responder",
    )


def remove_telecare(record: PersonRecord, item: TelecareRow) -> Editor:
    header = record.header

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return telecare.remove_telecare(
            ws, item_id=item.id, removed_on=_text(v, "removed_on"), draft_key=draft
        )

    return Editor(
        kind="telecare_removed",
        entity_id=item.id,
        person_id=header.person_id,
        title=tr("The {what} was removed: {name}").format(
            what=item.kind.lower(), name=header.full_name
        ),
        fields=(Field("removed_on", "Removed on", "date"),),
        save=save,
        initial={"removed_on": date_text(clock.today())},
        intro=tr("It stays in the record, is never due a test again, and is no longer printed."),
        submit_label="Mark removed",
        focus="removed_on",
    )


# -- the personal budget ------------------------------------------------------------------


def _budget_fields() -> tuple[Field, ...]:
    return (
        Field("amount", "Amount", hint="In pounds and pence, for example £245.50."),
        Field("period", "Every", "choice", choices=choices(BudgetPeriod), beside=True),
        Field("managed_as", "How it is managed", "choice", choices=choices(BudgetManagement)),
        Field("pays_for", "What it pays for", "text", optional=True, lines=3),
    )


def add_budget(record: PersonRecord) -> Editor:
    header = record.header

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return budgets.add_budget(
            ws,
            person_id=header.person_id,
            kind=_text(v, "kind"),
            amount=_text(v, "amount"),
            period=_text(v, "period"),
            managed_as=_text(v, "managed_as"),
            pays_for=_text(v, "pays_for"),
            started_on=_text(v, "started_on"),
            draft_key=draft,
        )

    return Editor(
        kind="new_budget",
        entity_id=None,
        person_id=header.person_id,
        title=tr("Add a personal budget: {name}").format(name=header.full_name),
        fields=(
            Field("kind", "Kind of budget", "choice", choices=choices(BudgetKind)),
            Field("started_on", "Since", "date", beside=True),
            *_budget_fields(),
        ),
        save=save,
        initial={"started_on": date_text(clock.today()), "period": BudgetPeriod.WEEK.value},
        intro=tr("It is printed in the plan while it runs."),
        focus="kind",
    )


def change_budget(record: PersonRecord, budget: BudgetRow) -> Editor:
    header = record.header

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return budgets.change_budget(
            ws,
            budget_id=budget.id,
            amount=_text(v, "amount"),
            period=_text(v, "period"),
            managed_as=_text(v, "managed_as"),
            pays_for=_text(v, "pays_for"),
            draft_key=draft,
        )

    return Editor(
        kind="budget",
        entity_id=budget.id,
        person_id=header.person_id,
        title=tr("{kind}: {name}").format(kind=budget.kind, name=header.full_name),
        fields=_budget_fields(),
        save=save,
        initial={
            "amount": pounds(budget.amount_pence),
            "period": budget.period_code,
            "managed_as": budget.managed_as_code,
            "pays_for": budget.pays_for,
        },
        focus="amount",
    )


def end_budget(record: PersonRecord, budget: BudgetRow) -> Editor:
    header = record.header

    def save(ws: Workspace, v: dict[str, Any], draft: str | None) -> Change:
        return budgets.end_budget(
            ws, budget_id=budget.id, ended_on=_text(v, "ended_on"), draft_key=draft
        )

    return Editor(
        kind="budget_end",
        entity_id=budget.id,
        person_id=header.person_id,
        title=tr("End the {kind}: {name}").format(kind=budget.kind.lower(), name=header.full_name),
        fields=(Field("ended_on", "Ended on", "date"),),
        save=save,
        initial={"ended_on": date_text(clock.today())},
        intro=tr("It stays in the record and is no longer printed in the plan."),
        submit_label="End the budget",
        focus="ended_on",
    )


def editor_for(kind: str, entity_id: str | None, record: PersonRecord) -> Editor | None:
    """One of these dialogs again, from its kind and entity (after an unlock)."""
    support = record.support
    item = next((t for t in (support.telecare if support else ()) if t.id == entity_id), None)
    budget = next((b for b in (support.budgets if support else ()) if b.id == entity_id), None)
    match kind:
        case "new_telecare":
            return add_telecare(record)
        case "telecare_test" if item is not None and item.in_use:
            return record_test(record, item)
        case "telecare" if item is not None and item.in_use:
            return change_telecare(record, item)
        case "telecare_removed" if item is not None and item.in_use:
            return remove_telecare(record, item)
        case "new_budget":
            return add_budget(record)
        case "budget" if budget is not None and budget.ended_on is None:
            return change_budget(record, budget)
        case "budget_end" if budget is not None and budget.ended_on is None:
            return end_budget(record, budget)
    return None
