"""An editing dialog's spec: the fields of a `FormDialog` and the app operation that
saves them (run on the task runner by the record controller), with the helpers every
editor uses. The editors themselves: editors.py (visit note, and `editor_for`),
plan_editors.py, risk_editors.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.services.changes import Change
from app.services.record.drafts import key_for
from app.values.vocab import Coded
from app.workspace import Workspace
from ui.kit import formatting
from ui.kit.forms import Field, FormDialog

Save = Callable[[Workspace, dict[str, Any], str | None], Change]


@dataclass(frozen=True)
class Editor:
    kind: str
    entity_id: str | None  # what it edits (a goal id...), or the person for new things
    person_id: str
    title: str
    fields: tuple[Field, ...]
    save: Save
    initial: dict[str, Any] = field(default_factory=dict)
    intro: str = ""
    submit_label: str = "Save"
    focus: str = ""  # the field that gets the cursor
    # Called once the dialog is filled (a draft restored too): fields that follow
    # each other as the user types (a planned end that follows the start date).
    wire: Callable[[FormDialog], None] | None = None

    @property
    def draft_key(self) -> str:
        return key_for(self.kind, self.entity_id or self.person_id)


def choices(kind: type[Coded]) -> tuple[tuple[str, str], ...]:
    return tuple((member.value, member.label) for member in kind)


def date_text(value: Any) -> str:
    return formatting.british_date(value) if value else ""
