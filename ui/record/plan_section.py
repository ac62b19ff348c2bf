"""The care and support plan section: whether it is agreed, strengths and needs,
goals ("I" statements) with their actions, and the contingency plan. Layout
only: it emits what the user asks to change."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from app.services import clock
from app.services.record.record import (
    ActionItem,
    ContingencyItem,
    GoalItem,
    PersonRecord,
    PlanView,
    TextItem,
)
from app.values import overdue
from app.values.vocab import ActionStatus, CareActOutcome, GoalStatus
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.rows_model import ColumnSpec, RowsModel
from ui.kit.widgets import button, button_row, esc, fit_rows, heading, size_columns, table
from ui.record.record_sections import selected

logger = logging.getLogger(__name__)


class PlanSection(QScrollArea):
    agree_plan = Signal()
    set_review = Signal()
    add_goal = Signal()
    edit_goal = Signal(object)  # GoalItem
    review_goal = Signal(object)  # GoalItem: its result (and score, on a scale)
    add_action = Signal(object)  # the GoalItem it serves
    edit_action = Signal(object)  # ActionItem
    add_strength = Signal()
    add_need = Signal()
    add_contingency = Signal()
    # An entry to reword or end: ("strength" | "need" | "contingency", its item).
    edit_entry = Signal(str, object)
    print_plan = Signal()
    flag_for_meeting = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("planSection")
        self.setAccessibleName(tr("Care and support plan"))
        self.setWidgetResizable(True)
        self._today = clock.today()
        self._plan: PlanView | None = None

        self.status = QLabel()
        self.status.setObjectName("planStatus")
        self.status.setWordWrap(True)
        self.agree_button = button(
            "Mark plan agreed…",
            name="agreePlanButton",
            primary=True,
            tip="Record that the person (or their carer) agreed this plan: a new version",
        )
        self.review_button = button("Set review date…", name="reviewDateButton")
        self.print_button = button(
            "Print plan…", name="printPlanButton", tip="Print the plan for the home folder (Ctrl+P)"
        )
        self.flag_button = button(
            "Flag for the team meeting…",
            name="flagForMeetingButton",
            tip="Ask for this person to be discussed at the team's next meeting, saying why",
        )

        self.strengths = QLabel()
        self.strengths.setObjectName("planText")
        self.strengths.setWordWrap(True)
        self.strengths.setTextFormat(Qt.TextFormat.RichText)
        self.add_strength_button = button("Add a strength…", name="addStrengthButton")
        self.add_need_button = button("Add a need…", name="addNeedButton")

        self.goals_model: RowsModel[GoalItem] = RowsModel(
            [
                ColumnSpec(
                    "My goal",
                    lambda g: g.statement,
                    tooltip=lambda g: g.statement,
                    quiet=lambda g: g.status not in overdue.OPEN_GOALS,
                ),
                ColumnSpec("Importance", lambda g: f"{g.importance} / 10"),
                ColumnSpec(
                    "Status",
                    lambda g: formatting.label(GoalStatus, g.status),
                    bold=lambda g: g.status == "achieved",
                ),
                ColumnSpec("Target", self._target, warn=self._goal_overdue),
                ColumnSpec("Outcome", lambda g: g.outcome or "", tooltip=lambda g: g.outcome),
            ],
            parent=self,
        )
        self.goals = table("goalsTable", "My goals")
        self.goals.setModel(self.goals_model)
        size_columns(self.goals, stretch=0, fixed={4: 280})
        self.add_goal_button = button("Add a goal…", name="addGoalButton")
        self.edit_goal_button = button("Edit goal…", name="editGoalButton")
        self.review_goal_button = button(
            "Review…",
            name="reviewGoalButton",
            tip="How the selected goal went, in the person's terms (and its attainment score)",
        )
        self.review_goal_button.setAccessibleName(tr("Review the selected goal"))
        self.add_action_button = button("Add an action…", name="addActionButton")

        action_columns: tuple[ColumnSpec[ActionItem], ...] = (
            ColumnSpec("What", lambda a: a.what, tooltip=lambda a: a.what),
            ColumnSpec("Who", lambda a: ", ".join(p for p in (a.who_name, a.who_role) if p)),
            ColumnSpec("When", self._when, warn=self._action_overdue),
            ColumnSpec(
                "Status",
                lambda a: formatting.label(ActionStatus, a.status),
                quiet=lambda a: a.status in ("done", "cancelled"),
            ),
            ColumnSpec("Confidence", lambda a: f"{a.confidence} / 10" if a.confidence else ""),
        )
        self.actions_model: RowsModel[ActionItem] = RowsModel(action_columns, parent=self)
        self.actions_table = table("actionsTable", "Actions for the selected goal")
        self.actions_table.setModel(self.actions_model)
        size_columns(self.actions_table, stretch=0)
        self.actions_heading = heading("Actions", level=3)
        self.edit_action_button = button("Edit action…", name="editActionButton")
        # Agreed at a team meeting, serving no goal: the same columns, shown when any.
        self.meeting_actions_model: RowsModel[ActionItem] = RowsModel(action_columns, parent=self)
        self.meeting_actions_table = table("meetingActionsTable", "Agreed at the team meeting")
        self.meeting_actions_table.setModel(self.meeting_actions_model)
        size_columns(self.meeting_actions_table, stretch=0)
        self.meeting_actions_heading = heading("Agreed at the team meeting", level=3)

        self.contingency = QLabel()
        self.contingency.setObjectName("planText")
        self.contingency.setWordWrap(True)
        self.contingency.setTextFormat(Qt.TextFormat.RichText)
        self.add_contingency_button = button("Add a contingency plan…", name="addContingencyButton")

        body = QWidget()
        body.setObjectName("sectionBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(20, 16, 20, 20)
        column.setSpacing(10)
        column.addWidget(heading("Care and support plan"))
        column.addWidget(self.status)
        column.addLayout(
            button_row(self.agree_button, self.review_button, self.print_button, self.flag_button)
        )
        column.addSpacing(8)
        column.addWidget(heading("My goals", level=3))
        column.addWidget(self.goals)
        column.addLayout(
            button_row(
                self.add_goal_button,
                self.edit_goal_button,
                self.review_goal_button,
                self.add_action_button,
            )
        )
        column.addWidget(self.actions_heading)
        column.addWidget(self.actions_table)
        column.addLayout(button_row(self.edit_action_button))
        column.addWidget(self.meeting_actions_heading)
        column.addWidget(self.meeting_actions_table)
        column.addSpacing(8)
        column.addWidget(heading("Strengths and needs", level=3))
        column.addWidget(self.strengths)
        column.addLayout(button_row(self.add_strength_button, self.add_need_button))
        column.addSpacing(8)
        column.addWidget(heading("If things change: contingency plan", level=3))
        column.addWidget(self.contingency)
        column.addLayout(button_row(self.add_contingency_button))
        column.addStretch(1)
        self.setWidget(body)

        self.agree_button.clicked.connect(self.agree_plan)
        self.review_button.clicked.connect(self.set_review)
        self.add_goal_button.clicked.connect(self.add_goal)
        self.edit_goal_button.clicked.connect(self._edit_goal)
        self.goals.activated.connect(lambda _i: self._edit_goal())
        self.review_goal_button.clicked.connect(self._review_goal)
        self.add_action_button.clicked.connect(self._add_action)
        self.edit_action_button.clicked.connect(self._edit_action)
        self.actions_table.activated.connect(lambda _i: self._edit_action())
        self.meeting_actions_table.activated.connect(lambda _i: self._edit_meeting_action())
        self.add_strength_button.clicked.connect(self.add_strength)
        self.add_need_button.clicked.connect(self.add_need)
        self.add_contingency_button.clicked.connect(self.add_contingency)
        # "Change…" beside each strength, need and contingency plan: kind:id links.
        self.strengths.linkActivated.connect(self._entry_link)
        self.contingency.linkActivated.connect(self._entry_link)
        self.print_button.clicked.connect(self.print_plan)
        self.flag_button.clicked.connect(self.flag_for_meeting)
        self.goals.selectionModel().currentRowChanged.connect(lambda *_: self._show_actions())

    # -- user requests ------------------------------------------------------------------

    def selected_goal(self) -> GoalItem | None:
        item = selected(self.goals)
        return item if isinstance(item, GoalItem) else None

    def _entry_link(self, link: str) -> None:
        kind, _, entry_id = link.partition(":")
        plan = self._plan
        if plan is None:
            return
        entries: dict[str, tuple[TextItem | ContingencyItem, ...]] = {
            "strength": plan.strengths,
            "need": plan.needs,
            "contingency": plan.contingency,
        }
        item = next((e for e in entries.get(kind, ()) if e.id == entry_id), None)
        if item is not None:
            self.edit_entry.emit(kind, item)

    def _edit_goal(self) -> None:
        if (goal := self.selected_goal()) is not None:
            self.edit_goal.emit(goal)

    def _review_goal(self) -> None:
        if (goal := self.selected_goal()) is not None:
            self.review_goal.emit(goal)

    def _add_action(self) -> None:
        if (goal := self.selected_goal()) is not None:
            self.add_action.emit(goal)

    def _edit_action(self) -> None:
        if isinstance(action := selected(self.actions_table), ActionItem):
            self.edit_action.emit(action)

    def _edit_meeting_action(self) -> None:
        if isinstance(action := selected(self.meeting_actions_table), ActionItem):
            self.edit_action.emit(action)

    # -- showing ------------------------------------------------------------------------

    def show_record(self, record: PersonRecord, today: date) -> None:
        self._today = today
        plan = record.plan
        keep = self.selected_goal()
        self._plan = plan
        self._show_status(plan)
        self.goals_model.set_rows(plan.goals)
        fit_rows(self.goals, most=10)
        row = next((i for i, g in enumerate(plan.goals) if keep and g.id == keep.id), 0)
        if plan.goals:
            self.goals.selectRow(row)
        self._show_actions()
        agreed = plan.agreed_at_meetings
        self.meeting_actions_model.set_rows(agreed)
        fit_rows(self.meeting_actions_table, least=1, most=6)
        self.meeting_actions_heading.setVisible(bool(agreed))
        self.meeting_actions_table.setVisible(bool(agreed))
        self.strengths.setText(_strengths_html(plan))
        self.contingency.setText(_contingency_html(plan))

    def _show_status(self, plan: PlanView) -> None:
        if plan.version == 0:
            text = tr("Draft: not yet agreed with the person.")
            state = "draft"
        elif plan.status == "agreed":
            text = tr("Agreed: version {version}, agreed with {who} ({role}) on {on}.").format(
                version=plan.version,
                who=plan.agreed_with_name or "",
                role=tr(plan.agreed_with_role or ""),
                on=formatting.british_date(plan.agreed_on),
            )
            state = "agreed"
        else:
            text = tr(
                "Draft: changed since version {version} was agreed on {on}. "
                "Agree it again when the person is happy with it."
            ).format(version=plan.version, on=formatting.british_date(plan.agreed_on))
            state = "draft"
        if plan.review_due:
            if overdue.plan_review_overdue(plan.review_due, self._today):
                text += " " + tr("Review overdue since {date}.").format(
                    date=formatting.british_date(plan.review_due)
                )
                state = "overdue" if state == "agreed" else state
            else:
                review = tr("Review by {date}.")
                text += " " + review.format(date=formatting.british_date(plan.review_due))
        self.status.setText(text)
        self.status.setAccessibleName(text)
        self.status.setProperty("state", state)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    # -- overdue, by the one rule (app.values.overdue), in words as well as red ------------

    def _goal_overdue(self, goal: GoalItem) -> bool:
        return overdue.goal_overdue(goal.status, goal.target_date, self._today)

    def _target(self, goal: GoalItem) -> str:
        if self._goal_overdue(goal) and goal.target_date is not None:
            return formatting.overdue_since(goal.target_date)
        return formatting.british_date(goal.target_date)

    def _action_overdue(self, action: ActionItem) -> bool:
        return overdue.action_overdue(action.status, action.due_on, self._today)

    def _when(self, action: ActionItem) -> str:
        if self._action_overdue(action) and action.due_on is not None:
            if action.timing:
                return tr("{timing}; overdue since {date}").format(
                    timing=action.timing, date=formatting.british_date(action.due_on)
                )
            return formatting.overdue_since(action.due_on)
        return action.timing or formatting.british_date(action.due_on)

    def _show_actions(self) -> None:
        goal = self.selected_goal()
        actions = goal.actions if goal else ()
        self.actions_model.set_rows(actions)
        self.actions_heading.setText(
            tr("Actions towards: {goal}").format(goal=goal.statement) if goal else tr("Actions")
        )
        fit_rows(self.actions_table, least=1, most=8)
        if actions:
            self.actions_table.selectRow(0)
        self.add_action_button.setEnabled(goal is not None)
        self.edit_goal_button.setEnabled(goal is not None)
        self.review_goal_button.setEnabled(goal is not None)
        self.edit_action_button.setEnabled(bool(actions))

    def clear(self) -> None:
        self._plan = None
        self.status.clear()
        self.goals_model.clear()
        self.actions_model.clear()
        self.meeting_actions_model.clear()
        self.actions_heading.setText(tr("Actions"))
        self.strengths.clear()
        self.contingency.clear()


def _change_link(kind: str, entry_id: str) -> str:
    """A link to reword or end one entry (the label's linkActivated gets kind:id)."""
    return f' — <a href="{kind}:{esc(entry_id)}">{esc(tr("Change or end…"))}</a>'


def _strengths_html(plan: PlanView) -> str:
    def items(rows: list[str]) -> str:
        if not rows:
            return f"<p>{esc(tr('None recorded yet.'))}</p>"
        return "<ul>" + "".join(f"<li>{row}</li>" for row in rows) + "</ul>"

    strengths = [esc(s.text) + _change_link("strength", s.id) for s in plan.strengths]
    needs = []
    for n in plan.needs:
        outcome = formatting.label(CareActOutcome, n.detail) if n.detail else ""
        shown = esc(n.text) + (f" <i>({esc(outcome)})</i>" if outcome else "")
        needs.append(shown + _change_link("need", n.id))
    return (
        f"<p><b>{esc(tr('What is working well'))}</b></p>{items(strengths)}"
        f"<p><b>{esc(tr('What I need help with'))}</b></p>{items(needs)}"
    )


def _contingency_html(plan: PlanView) -> str:
    if not plan.contingency:
        return f"<p>{esc(tr('No contingency plan recorded yet.'))}</p>"
    parts = []
    for c in plan.contingency:
        lines = [
            f"<p><b>{esc(c.name)}</b><br>",
            f"{esc(tr('If'))}: {esc(c.trigger)}<br>",
            f"{esc(tr('Then'))}: {esc(c.what_should_happen)}",
        ]
        if c.who_to_contact:
            lines.append(f"<br>{esc(tr('Who to call'))}: {esc(c.who_to_contact)}")
        if c.early_warning_signs:
            lines.append(f"<br>{esc(tr('Early warning signs'))}: {esc(c.early_warning_signs)}")
        lines.append(f"<br>{_change_link('contingency', c.id).strip(' —')}")
        parts.append("".join(lines) + "</p>")
    return "".join(parts)
