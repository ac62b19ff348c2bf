"""The record's "Support at home" section: the telecare equipment in the home (when
each is next tested, an overdue test in red with "overdue since", who responds, and a
line still on analogue said in words), and the personal budget. Layout only: it shows
the record's `SupportView` and emits what the user asks for (the controller is
`support_controller`)."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel

from app.services.record.record import PersonRecord
from app.services.support.support_view import BudgetRow, SupportView, TelecareRow
from app.values.money import pounds
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.rows_model import ColumnSpec, RowsModel
from ui.kit.widgets import button, button_row, esc, fit_rows, heading, size_columns, table
from ui.record.record_sections import Page, selected

logger = logging.getLogger(__name__)

NEEDS_MOVING = "Still on an analogue line: needs moving"


def next_test(item: TelecareRow) -> str:
    """ "Overdue since 1 May 2027", "Due 3 Jun 2027", "Removed 2 Feb 2027", or why not."""
    if item.removed_on is not None:
        return tr("Removed {day}").format(day=formatting.british_date(item.removed_on))
    if item.due_on is None:
        return tr("Not known: add when installed or tested")
    day = formatting.british_date(item.due_on)
    return (
        tr("Overdue since {day}").format(day=day)
        if item.overdue
        else tr("Due {day}").format(day=day)
    )


def line_text(item: TelecareRow) -> str:
    """The table's cell: short, so the table fits a laptop screen (the words above the
    table and the tooltip say it in full)."""
    if item.analogue_line is None:
        return tr("Not known")
    return tr("Analogue: needs moving") if item.analogue_line else tr("Digital")


def _who(item: TelecareRow) -> str:
    return f"{item.responder}: {item.responder_detail}" if item.responder_detail else item.responder


def _every(b: BudgetRow) -> str:
    return tr("{amount} a {period}").format(amount=pounds(b.amount_pence), period=b.period.lower())


class SupportSection(Page):
    add_telecare = Signal()
    record_test = Signal(object)  # TelecareRow
    change_telecare = Signal(object)  # TelecareRow
    remove_telecare = Signal(object)  # TelecareRow
    add_budget = Signal()
    change_budget = Signal(object)  # BudgetRow
    end_budget = Signal(object)  # BudgetRow

    def __init__(self) -> None:
        super().__init__("supportSection", "Support at home")
        self.status = QLabel()
        self.status.setObjectName("telecareStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)

        self.telecare_model: RowsModel[TelecareRow] = RowsModel(
            [
                ColumnSpec(
                    "Equipment",
                    lambda t: t.what,
                    tooltip=lambda t: t.what,
                    quiet=lambda t: not t.in_use,
                ),
                ColumnSpec("Who responds", _who, tooltip=_who),
                ColumnSpec(
                    "Last tested",
                    lambda t: formatting.british_date(t.last_tested_on) or tr("Never"),
                ),
                ColumnSpec(
                    "Next test", next_test, warn=lambda t: t.overdue, bold=lambda t: t.overdue
                ),
                ColumnSpec(
                    "Phone line",
                    line_text,
                    warn=lambda t: t.needs_line_move,
                    tooltip=lambda t: tr(NEEDS_MOVING) if t.needs_line_move else None,
                    spoken=lambda t: tr(NEEDS_MOVING) if t.needs_line_move else line_text(t),
                ),
            ],
            parent=self,
        )
        self.telecare = table("telecareTable", "Telecare equipment")
        self.telecare.setModel(self.telecare_model)
        self.telecare_hint = QLabel()
        self.telecare_hint.setObjectName("hint")
        self.telecare_hint.setWordWrap(True)
        self.add_telecare_button = button(
            "Add equipment…",
            name="addTelecareButton",
            tip="A pendant alarm, falls detector, key safe…",
        )
        self.test_button = button(
            "Record a test…",
            name="telecareTestButton",
            primary=True,
            tip="The selected equipment was tested: the next test is due from then",
        )
        self.change_telecare_button = button(
            "Change…",
            name="changeTelecareButton",
            tip="Who responds, the phone line, how often it is tested",
        )
        self.remove_button = button(
            "Removed…", name="removeTelecareButton", tip="Taken out of the home: kept in the record"
        )

        self.budget_model: RowsModel[BudgetRow] = RowsModel(
            [
                ColumnSpec("Budget", lambda b: b.kind, quiet=lambda b: b.ended_on is not None),
                ColumnSpec("Amount", _every, bold=lambda b: b.ended_on is None),
                ColumnSpec("How it is managed", lambda b: b.managed_as),
                ColumnSpec("What it pays for", lambda b: b.pays_for, tooltip=lambda b: b.pays_for),
                ColumnSpec("Since", lambda b: formatting.british_date(b.started_on)),
                ColumnSpec("Ended", lambda b: formatting.british_date(b.ended_on)),
            ],
            parent=self,
        )
        self.budgets = table("budgetTable", "Personal budgets")
        self.budgets.setModel(self.budget_model)
        self.budget_hint = QLabel()
        self.budget_hint.setObjectName("hint")
        self.budget_hint.setWordWrap(True)
        self.add_budget_button = button("Add a budget…", name="addBudgetButton")
        self.change_budget_button = button("Change budget…", name="changeBudgetButton")
        self.end_budget_button = button("End budget…", name="endBudgetButton")

        c = self.column
        c.addWidget(heading("Support at home"))
        c.addWidget(heading("Telecare", level=3))
        c.addWidget(self.status)
        c.addWidget(self.telecare)
        c.addWidget(self.telecare_hint)
        c.addLayout(
            button_row(
                self.test_button,
                self.add_telecare_button,
                self.change_telecare_button,
                self.remove_button,
            )
        )
        c.addSpacing(8)
        c.addWidget(heading("Personal budget", level=3))
        c.addWidget(self.budgets)
        c.addWidget(self.budget_hint)
        c.addLayout(
            button_row(self.add_budget_button, self.change_budget_button, self.end_budget_button)
        )
        c.addStretch(1)

        self.add_telecare_button.clicked.connect(self.add_telecare)
        self.test_button.clicked.connect(lambda: self._emit_item(self.record_test))
        self.change_telecare_button.clicked.connect(lambda: self._emit_item(self.change_telecare))
        self.remove_button.clicked.connect(lambda: self._emit_item(self.remove_telecare))
        self.add_budget_button.clicked.connect(self.add_budget)
        self.change_budget_button.clicked.connect(lambda: self._emit_budget(self.change_budget))
        self.end_budget_button.clicked.connect(lambda: self._emit_budget(self.end_budget))
        self.telecare.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.budgets.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.clear()

    # -- user requests ------------------------------------------------------------------

    def _emit_item(self, signal: object) -> None:
        item = selected(self.telecare)
        if isinstance(item, TelecareRow) and item.in_use:
            signal.emit(item)  # type: ignore[attr-defined]

    def _emit_budget(self, signal: object) -> None:
        budget = selected(self.budgets)
        if isinstance(budget, BudgetRow) and budget.ended_on is None:
            signal.emit(budget)  # type: ignore[attr-defined]

    def _enable(self) -> None:
        item = selected(self.telecare)
        in_use = isinstance(item, TelecareRow) and item.in_use
        for b in (self.test_button, self.change_telecare_button, self.remove_button):
            b.setEnabled(in_use)
        budget = selected(self.budgets)
        running = isinstance(budget, BudgetRow) and budget.ended_on is None
        self.change_budget_button.setEnabled(running)
        self.end_budget_button.setEnabled(running)

    # -- showing ------------------------------------------------------------------------

    def show_record(self, record: PersonRecord, today: date) -> None:
        view = record.support
        if view is None:
            self.clear()
            return
        self._show_status(view)
        self.telecare_model.set_rows(view.telecare)
        self.telecare.setVisible(bool(view.telecare))
        fit_rows(self.telecare, least=1, most=8)
        # Who responds takes the spare width (its tooltip has it all); the rest fit.
        size_columns(self.telecare, stretch=1)
        if view.telecare:
            self.telecare.selectRow(0)
        self.telecare_hint.setText("" if view.telecare else tr("No telecare equipment recorded."))
        self.telecare_hint.setVisible(not view.telecare)
        self.budget_model.set_rows(view.budgets)
        self.budgets.setVisible(bool(view.budgets))
        fit_rows(self.budgets, least=1, most=4)
        size_columns(self.budgets, stretch=3)
        if view.budgets:
            self.budgets.selectRow(0)
        running = view.running_budgets(today)
        self.budget_hint.setText(
            tr("Printed in the plan while it runs.")
            if running
            else tr("No personal budget running.")
        )
        self._enable()

    def _show_status(self, view: SupportView) -> None:
        """The overdue tests and the analogue lines, in words, above the table."""
        lines = []
        for item in view.in_use:
            if item.overdue:
                lines.append(
                    tr("{what}: test overdue since {day}").format(
                        what=item.kind, day=formatting.british_date(item.due_on)
                    )
                )
            if item.needs_line_move:
                lines.append(
                    tr("{what}: still on an analogue line: needs moving").format(what=item.kind)
                )
        if not lines:
            self.status.clear()
            self.status.hide()
            self.status.setAccessibleName("")
            return
        self.status.setText("<br>".join(f"<b>{esc(line)}</b>" for line in lines))
        self.status.setAccessibleName("; ".join(lines))
        self.status.show()

    def clear(self) -> None:
        self.status.clear()
        self.status.hide()
        self.telecare_model.clear()
        self.budget_model.clear()
        self.telecare_hint.clear()
        self.budget_hint.clear()
        for b in (
            self.test_button,
            self.change_telecare_button,
            self.remove_button,
            self.change_budget_button,
            self.end_budget_button,
        ):
            b.setEnabled(False)
