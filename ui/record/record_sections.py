"""The record's sections other than the care plan and the timeline: About me,
risks and alerts, contacts and carers, consent, assessments. Layout only: each
section shows what it is given and emits what the user asks for."""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QTableView, QVBoxLayout, QWidget

from app.services import clock
from app.services.record.about_me import PROMPTS, SUPPORTED_BY
from app.services.record.record import AlertItem, ConsentItem, PersonRecord, RiskItem
from app.values import overdue
from app.values.vocab import (
    AlertKind,
    CapacityOutcome,
    ConsentCategory,
    ConsentDecision,
    ConsentMethod,
    RiskKind,
    RiskStatus,
)
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.rows_model import ROW_ROLE, ColumnSpec, RowsModel
from ui.kit.widgets import (
    button,
    button_row,
    esc,
    fit_rows,
    heading,
    reader,
    rows_html,
    size_columns,
    table,
)

logger = logging.getLogger(__name__)

# The PRSB prompts as the service defines them, in the order the person is asked.
ABOUT_ME_HEADINGS = dict((*PROMPTS, SUPPORTED_BY))


def selected(view: QTableView) -> object | None:
    index = view.currentIndex()
    return index.data(ROW_ROLE) if index.isValid() else None


class Page(QScrollArea):
    """A section that scrolls as one page."""

    def __init__(self, name: str, accessible: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName(tr(accessible))
        self.setWidgetResizable(True)
        self.body = QWidget()
        self.body.setObjectName("sectionBody")
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(20, 16, 20, 20)
        self.column.setSpacing(10)
        self.setWidget(self.body)


class AboutMeSection(QWidget):
    edit_about_me = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("aboutMeSection")
        self.text = reader("aboutMeText", "About me")
        self.edit = button(
            "Write or update About me…",
            name="editAboutMeButton",
            tip="The person's own words on what matters to them, written with them",
        )
        self.edit.clicked.connect(self.edit_about_me)
        top = QHBoxLayout()
        top.addWidget(heading("About me"))
        top.addStretch(1)
        top.addWidget(self.edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 20)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)

    def show_record(self, record: PersonRecord) -> None:
        about = record.about_me
        header = record.header
        pairs = [(tr(title), esc(about.get(key, ""))) for key, title in ABOUT_ME_HEADINGS.items()]
        if not any(value for _, value in pairs):
            pairs = [(tr("About me"), esc(tr("Nothing recorded yet in the person's own words.")))]
        if header.communication_needs:
            pairs.append((tr("Communication needs"), esc(header.communication_needs)))
        if record.about_me_updated:
            pairs.append(
                (tr("Last updated"), esc(formatting.british_date(record.about_me_updated)))
            )
        self.text.setHtml(rows_html(pairs))

    def clear(self) -> None:
        self.text.clear()


class RisksSection(Page):
    add_risk = Signal()
    edit_risk = Signal(object)  # RiskItem
    add_alert = Signal()
    edit_alert = Signal(object)  # AlertItem

    def __init__(self) -> None:
        super().__init__("risksSection", "Risks and alerts")
        self._today = clock.today()
        self.risks_model: RowsModel[RiskItem] = RowsModel(
            [
                ColumnSpec(
                    "Risk",
                    lambda r: formatting.label(RiskKind, r.kind),
                    bold=lambda r: r.status == "active",
                ),
                ColumnSpec(
                    "Score",
                    lambda r: formatting.risk_text(r.score),
                    warn=lambda r: r.score >= 15 and r.status == "active",
                ),
                ColumnSpec("Likelihood", lambda r: f"{r.likelihood} / 5"),
                ColumnSpec("Impact", lambda r: f"{r.impact} / 5"),
                ColumnSpec("Review", self._review_text, warn=self._review_overdue),
                ColumnSpec(
                    "Status",
                    lambda r: formatting.label(RiskStatus, r.status),
                    quiet=lambda r: r.status != "active",
                ),
                ColumnSpec(
                    "What it is and how it is managed",
                    lambda r: (
                        f"{r.description} — {r.mitigation}" if r.mitigation else r.description
                    ),
                    tooltip=lambda r: r.mitigation or None,
                ),
            ],
            parent=self,
        )
        self.alerts_model: RowsModel[AlertItem] = RowsModel(
            [
                ColumnSpec(
                    "Alert", lambda a: formatting.label(AlertKind, a.kind), bold=lambda a: True
                ),
                ColumnSpec("Since", lambda a: formatting.british_date(a.started_on)),
                ColumnSpec(
                    "Restricted detail",
                    lambda a: tr("Recorded, not shown") if a.has_restricted_detail else "",
                ),
                ColumnSpec("Summary", lambda a: a.summary),
            ],
            parent=self,
        )
        self.risks = table("risksTable", "Risks")
        self.risks.setModel(self.risks_model)
        self.alerts = table("alertsTable", "Alerts")
        self.alerts.setModel(self.alerts_model)
        self.add_risk_button = button("Add a risk…", name="addRiskButton")
        self.edit_risk_button = button("Review risk…", name="editRiskButton")
        self.add_alert_button = button("Add an alert…", name="addAlertButton")
        self.edit_alert_button = button("Change or end alert…", name="editAlertButton")
        self.add_risk_button.clicked.connect(self.add_risk)
        self.edit_risk_button.clicked.connect(lambda: self._emit(self.risks, self.edit_risk))
        self.add_alert_button.clicked.connect(self.add_alert)
        self.edit_alert_button.clicked.connect(lambda: self._emit(self.alerts, self.edit_alert))
        self.risks.activated.connect(lambda _i: self._emit(self.risks, self.edit_risk))
        self.alerts.activated.connect(lambda _i: self._emit(self.alerts, self.edit_alert))

        self.column.addWidget(heading("Risks"))
        self.column.addWidget(self.risks)
        self.column.addLayout(button_row(self.add_risk_button, self.edit_risk_button))
        self.column.addSpacing(12)
        self.column.addWidget(heading("Alerts"))
        self.column.addWidget(self.alerts)
        self.column.addLayout(button_row(self.add_alert_button, self.edit_alert_button))
        self.column.addStretch(1)

    def _emit(self, view: QTableView, signal: SignalInstance) -> None:
        if (item := selected(view)) is not None:
            signal.emit(item)

    def _review_overdue(self, risk: RiskItem) -> bool:
        return overdue.risk_review_overdue(risk.status, risk.review_on, self._today)

    def _review_text(self, risk: RiskItem) -> str:
        if self._review_overdue(risk) and risk.review_on is not None:
            return formatting.overdue_since(risk.review_on)
        return formatting.british_date(risk.review_on)

    def show_record(self, record: PersonRecord, today: date) -> None:
        self._today = today
        self.risks_model.set_rows(record.risks)
        self.alerts_model.set_rows(record.alerts)
        for view in (self.risks, self.alerts):
            fit_rows(view)
            size_columns(view, stretch=view.model().columnCount() - 1)
            if view.model().rowCount():
                view.selectRow(0)

    def clear(self) -> None:
        self.risks_model.clear()
        self.alerts_model.clear()


class ConsentSection(Page):
    record_consent = Signal()
    review_consent = Signal(object)  # ConsentItem

    def __init__(self) -> None:
        super().__init__("consentSection", "Consent to share")
        self._today = clock.today()
        self.model: RowsModel[ConsentItem] = RowsModel(
            [
                ColumnSpec("Shared with", lambda c: c.partner or tr("All partners")),
                ColumnSpec("Information", lambda c: formatting.label(ConsentCategory, c.category)),
                ColumnSpec(
                    "Decision",
                    lambda c: formatting.label(ConsentDecision, c.decision),
                    bold=lambda c: True,
                    warn=lambda c: c.decision != "given",
                ),
                ColumnSpec("Given by", lambda c: c.given_by),
                ColumnSpec("How", lambda c: formatting.label(ConsentMethod, c.method)),
                ColumnSpec("Decided", lambda c: formatting.british_date(c.decided_on)),
                ColumnSpec("Review by", self._review_text, warn=self._review_overdue),
                ColumnSpec("Reason refused", lambda c: c.reason_refused or ""),
            ],
            parent=self,
        )
        self.table = table("consentTable", "Consent decisions")
        self.table.setModel(self.model)
        self.record_button = button("Record consent…", name="recordConsentButton")
        self.review_button = button("Review selected decision…", name="reviewConsentButton")
        self.record_button.clicked.connect(self.record_consent)
        self.review_button.clicked.connect(self._review)
        self.table.activated.connect(lambda _i: self._review())
        explain = QLabel(
            tr(
                "What the person agreed to share, with which partner organisations, "
                "captured at the first assessment and reviewed since."
            )
        )
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setObjectName("planText")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.capacity = QLabel()
        self.capacity.setObjectName("capacityNote")
        self.capacity.setWordWrap(True)
        self.capacity.hide()
        self.column.addWidget(heading("Consent to share"))
        self.column.addWidget(explain)
        self.column.addWidget(self.table)
        self.column.addWidget(self.detail)
        self.column.addLayout(button_row(self.record_button, self.review_button))
        self.column.addWidget(self.capacity)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.column.addStretch(1)

    def _review(self) -> None:
        if (item := selected(self.table)) is not None:
            self.review_consent.emit(item)

    def _review_overdue(self, item: ConsentItem) -> bool:
        return overdue.consent_review_overdue(
            item.decision, item.review_on, item.withdrawn_on, self._today
        )

    def _review_text(self, item: ConsentItem) -> str:
        if self._review_overdue(item) and item.review_on is not None:
            return formatting.overdue_since(item.review_on)
        return formatting.british_date(item.review_on)

    def _show_detail(self) -> None:
        item = selected(self.table)
        if not isinstance(item, ConsentItem):
            self.detail.setText(esc(tr("No consent decision recorded yet.")))
            return
        decision = formatting.label(ConsentDecision, item.decision)
        lines = [
            tr("{decision} by {who} ({how}) on {on}: {category} information, {partner}.").format(
                decision=decision,
                who=item.given_by,
                how=formatting.label(ConsentMethod, item.method).lower(),
                on=formatting.british_date(item.decided_on),
                category=formatting.label(ConsentCategory, item.category).lower(),
                partner=item.partner or tr("all partner organisations"),
            )
        ]
        if item.reason_refused:
            lines.append(tr("Reason: {reason}").format(reason=item.reason_refused))
        if item.review_on is not None:
            late = self._review_overdue(item)
            text = tr("Review overdue since {date}.") if late else tr("Review by {date}.")
            lines.append(text.format(date=formatting.british_date(item.review_on)))
        self.detail.setText("<br>".join(esc(line) for line in lines))

    def show_record(self, record: PersonRecord, today: date) -> None:
        self._today = today
        self.model.set_rows(record.consent)
        fit_rows(self.table)
        size_columns(self.table, stretch=7)
        if record.consent:
            self.table.selectRow(0)
        self._show_detail()
        latest = record.capacity[0] if record.capacity else None
        self.capacity.setVisible(latest is not None)
        if latest is None:
            self.capacity.setText("")
        else:
            self.capacity.setText(
                tr("Mental capacity ({when}, about “{decision}”): {outcome}.").format(
                    when=formatting.british_date(latest.assessed_on),
                    decision=latest.kind,
                    outcome=formatting.label(CapacityOutcome, latest.score).lower(),
                )
            )

    def clear(self) -> None:
        self.model.clear()
        self.detail.clear()
        self.capacity.clear()
