"""The Meeting tab's two forms: setting up a meeting (when, where) and recording what
the meeting decided about one person (the decision, who was in the room, and up to
three actions, each with what, who, their role and a due date)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from app.services.mdt.agenda import Listed
from app.services.mdt.decisions import AgreedAction
from ui.i18n import tr
from ui.kit.forms import Field, FormDialog

ACTIONS = 3


def set_up_dialog(
    parent: QWidget, *, title: str = "Set up the team meeting", submit: str = "Set up"
) -> FormDialog:
    dialog = FormDialog(
        title,
        [
            Field("meets_at", "When", "datetime", hint="The list goes out 24 hours before."),
            Field("place", "Where", optional=True, hint="A room, or how to join the call."),
        ],
        intro=tr("Everyone on the team sees the meeting and its list as their laptop syncs."),
        submit_label=submit,
        parent=parent,
    )
    dialog.setObjectName("meetingSetUpDialog")
    return dialog


def cancel_dialog(parent: QWidget) -> FormDialog:
    dialog = FormDialog(
        "Cancel the team meeting",
        [
            Field(
                "sure",
                "Cancel it: flags on its list wait for the next meeting, the rest come off",
                "check",
            )
        ],
        intro=tr("What was already decided stays in each person's record."),
        submit_label="Cancel the meeting",
        parent=parent,
    )
    dialog.setObjectName("meetingCancelDialog")
    return dialog


def _action_fields(n: int) -> list[Field]:
    return [
        Field(f"what{n}", f"Action {n}: what is to be done", optional=True),
        Field(f"who{n}", "Who will do it", optional=True),
        Field(f"role{n}", "Their role", optional=True, beside=True),
        Field(f"due{n}", "By when", "date", optional=True, beside=True),
    ]


def decision_dialog(parent: QWidget, listed: Listed, present: str) -> FormDialog:
    fields = [
        Field("decision", "What the meeting decided", "text", lines=3),
        Field(
            "present",
            "Who was there (one a line: name, role, organisation)",
            "text",
            lines=3,
        ),
    ]
    for n in range(1, ACTIONS + 1):
        fields += _action_fields(n)
    dialog = FormDialog(
        tr("Decision for {name}").format(name=f"{listed.given_name} {listed.family_name}"),
        fields,
        intro=tr("Why on the list: {why}. Each action goes into their plan with its owner.").format(
            why=listed.why
        ),
        submit_label="Record the decision",
        parent=parent,
    )
    dialog.setObjectName("meetingDecisionDialog")
    dialog.set_values({"present": present})
    return dialog


def agreed_actions(values: dict[str, Any]) -> list[AgreedAction]:
    """The actions typed (a row left blank is no action; a half-filled one goes to the
    service, which says what is missing)."""
    found = []
    for n in range(1, ACTIONS + 1):
        row = [str(values.get(f"{k}{n}") or "").strip() for k in ("what", "who", "role", "due")]
        if any(row):
            what, who, role, due = row
            found.append(AgreedAction(what, who, role or None, due))
    return found


def attendee_lines(values: dict[str, Any]) -> list[str]:
    return [line for line in str(values.get("present") or "").splitlines() if line.strip()]
