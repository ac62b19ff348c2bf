"""Support at home, projected from the person's snapshot
(`record_snapshot.load_snapshot`): their telecare equipment with when each is next due
its test (app.values.telecare) and who responds, and their personal budgets. The
record's "Support at home" section, `onerecord show` and the printed plan read it; no
table is read here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.services.record.record_snapshot import RecordSnapshot, undated_first
from app.values import telecare
from app.values.vocab import (
    BudgetKind,
    BudgetManagement,
    BudgetPeriod,
    Coded,
    TelecareKind,
    TelecareResponder,
)


@dataclass(frozen=True)
class TelecareRow:
    id: str
    kind: str  # its label
    kind_code: str
    description: str | None
    installed_on: date | None
    last_tested_on: date | None
    test_every_days: int
    responder: str  # its label
    responder_code: str
    responder_detail: str | None
    analogue_line: bool | None  # None: not known
    removed_on: date | None
    due_on: date | None  # the next test (None: removed, or no date to count from)
    overdue: bool

    @property
    def in_use(self) -> bool:
        return self.removed_on is None

    @property
    def needs_line_move(self) -> bool:
        """Still on an analogue line, which the national switch-off ends."""
        return self.in_use and self.analogue_line is True

    @property
    def what(self) -> str:
        """ "Pendant alarm (Tunstall Lifeline)": the kind, and its description."""
        return f"{self.kind} ({self.description})" if self.description else self.kind


@dataclass(frozen=True)
class BudgetRow:
    id: str
    kind: str  # its label
    kind_code: str
    amount_pence: int
    period: str  # its label: Week, Month, Year
    period_code: str
    managed_as: str  # its label
    managed_as_code: str
    pays_for: str
    started_on: date
    ended_on: date | None

    def running(self, today: date) -> bool:
        return self.ended_on is None or self.ended_on >= today


@dataclass(frozen=True)
class SupportView:
    # Equipment in use first (the soonest due first), then what was removed.
    telecare: tuple[TelecareRow, ...]
    # Running budgets first, newest first; then those that ended.
    budgets: tuple[BudgetRow, ...]

    @property
    def in_use(self) -> tuple[TelecareRow, ...]:
        return tuple(t for t in self.telecare if t.in_use)

    def running_budgets(self, today: date) -> tuple[BudgetRow, ...]:
        return tuple(b for b in self.budgets if b.running(today))


def support_view(snap: RecordSnapshot, today: date) -> SupportView:
    items = [
        TelecareRow(
            id=t.id,
            kind=_label(TelecareKind, t.kind),
            kind_code=t.kind,
            description=t.description,
            installed_on=t.installed_on,
            last_tested_on=t.last_tested_on,
            test_every_days=t.test_every_days or telecare.DEFAULT_TEST_EVERY_DAYS,
            responder=_label(TelecareResponder, t.responder),
            responder_code=t.responder,
            responder_detail=t.responder_detail,
            analogue_line=t.analogue_line,
            removed_on=t.removed_on,
            due_on=telecare.test_due_on(t),
            overdue=telecare.test_overdue(t, today),
        )
        for t in snap.telecare
    ]
    items.sort(key=lambda t: (not t.in_use, undated_first(t.due_on), t.kind, t.id))
    budgets = [
        BudgetRow(
            id=b.id,
            kind=_label(BudgetKind, b.kind),
            kind_code=b.kind,
            amount_pence=b.amount_pence,
            period=_label(BudgetPeriod, b.period),
            period_code=b.period,
            managed_as=_label(BudgetManagement, b.managed_as),
            managed_as_code=b.managed_as,
            pays_for=b.pays_for or "",
            started_on=b.started_on,
            ended_on=b.ended_on,
        )
        for b in snap.budgets
    ]
    budgets.sort(key=lambda b: (b.started_on, b.id), reverse=True)
    budgets.sort(key=lambda b: not b.running(today))
    return SupportView(telecare=tuple(items), budgets=tuple(budgets))


def _label(kind: type[Coded], code: str) -> str:
    try:
        return kind(code).label
    except ValueError:  # a code from a newer version: shown as stored
        return code
