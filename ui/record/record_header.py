"""The record's header: who this is, the alerts (first and prominent), and the lead
professional. Always visible above whichever section is open. Layout only.

Restricted alert detail (a key safe code, safeguarding detail) reaches this
widget only when the access policy lets this user see it, and is then shown
only when they press Show; otherwise it shows that the detail exists and whom
to ask. A record opened by break-glass shows a banner with when access ends.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services import clock
from app.services.record.record import AlertItem, Header, VisitItem
from app.values import overdue
from app.values.vocab import AlertKind, ClosedReason
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.rows_model import WARNING
from ui.kit.widgets import button, clear_layout_widgets, esc
from ui.kit.wrapped_lines import KeepsWrappedLines
from ui.record.carer_panel import carer_prompt_label, show_carer_prompts

logger = logging.getLogger(__name__)

# How each alert looks: danger (red) for the visitor's safety, clinical (dark
# blue) for resuscitation decisions, warning (yellow) for the rest.
_SEVERITY = {
    "lone_worker": "danger",
    "access_to_home": "danger",
    "safeguarding": "danger",
    "dnacpr": "clinical",
    "respect": "clinical",
}


class RecordHeader(KeepsWrappedLines, QFrame):
    # Show pressed on an alert's restricted detail (alert id): the controller audits
    # it (`restricted_viewed`) and then calls `reveal_restricted`.
    restricted_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordHeader")
        self.name = QLabel()
        self.name.setObjectName("recordName")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.known_as = QLabel()
        self.known_as.setObjectName("knownAs")
        self.identity = QLabel()
        self.identity.setObjectName("identity")
        self.identity.setWordWrap(True)
        self.identity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel()
        self.details.setObjectName("headerDetails")
        self.details.setWordWrap(True)
        self.record_visit = button(
            "Record a visit", name="recordVisitButton", primary=True, tip="Record a visit (Ctrl+N)"
        )
        self.close_case = button(
            "Close case…", name="closeCaseButton", tip="Discharged, moved, died, care home"
        )
        self.reopen_case = button("Reopen case", name="reopenCaseButton")
        self.closed = QLabel()
        self.closed.setObjectName("closedBanner")
        self.closed.setWordWrap(True)
        self.closed.setVisible(False)
        self.edit_details = button(
            "Edit details…",
            name="editDetailsButton",
            tip="Correct or add to names, date of birth, address, phone and language",
        )
        self.break_glass = QLabel()
        self.break_glass.setObjectName("breakGlassBanner")
        self.break_glass.setWordWrap(True)
        self.break_glass.setVisible(False)
        # Unmissable, whatever the theme: yellow with a thick red edge, bold.
        self.break_glass.setStyleSheet(
            "QLabel#breakGlassBanner { background: #ffdd00; color: #0b0c0c; font-weight: bold;"
            " border-left: 8px solid #d4351c; padding: 8px 12px; }"
        )
        self.carer_prompt = carer_prompt_label()
        self.alerts = QWidget()
        self.alerts.setObjectName("alertsStrip")
        self.alerts.setAccessibleName(tr("Alerts"))
        alerts_layout = QVBoxLayout(self.alerts)
        alerts_layout.setContentsMargins(0, 0, 0, 0)
        alerts_layout.setSpacing(6)

        name_row = QHBoxLayout()
        name_row.setSpacing(12)
        name_row.addWidget(self.name)
        name_row.addWidget(self.known_as, 0, Qt.AlignmentFlag.AlignBottom)
        name_row.addStretch(1)
        name_row.addWidget(self.close_case)
        name_row.addWidget(self.reopen_case)
        name_row.addWidget(self.edit_details)
        name_row.addWidget(self.record_visit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(8)
        layout.addWidget(self.break_glass)
        layout.addWidget(self.closed)
        layout.addLayout(name_row)
        layout.addWidget(self.identity)
        layout.addWidget(self.alerts)
        layout.addWidget(self.carer_prompt)
        layout.addWidget(self.details)

    def show_record(
        self,
        header: Header,
        alerts: tuple[AlertItem, ...],
        today: date,
        visits: tuple[VisitItem, ...] = (),
        now: datetime | None = None,
    ) -> None:
        title = f"{header.title} " if header.title else ""
        self.name.setText(f"{title}{header.given_name} {header.family_name}")
        self.name.setAccessibleName(tr("Name: {name}").format(name=header.full_name))
        preferred = header.preferred_name
        self.known_as.setText(tr("Known as {name}").format(name=preferred) if preferred else "")
        self.known_as.setVisible(bool(preferred))
        age = formatting.age_on(header.date_of_birth, today)
        parts = [
            (tr("NHS number"), header.nhs_number_formatted or tr("not yet known")),
            (tr("Born"), f"{formatting.british_date(header.date_of_birth)} ({age})"),
            (tr("Address"), ", ".join(header.address)),
            (tr("Phone"), header.phone or ""),
        ]
        self.identity.setText(_facts(parts))
        lead = header.lead_professional or tr("none allocated")
        if header.lead_professional and header.lead_professional_phone:
            lead = f"{lead}, {header.lead_professional_phone}"
        interpreter = tr("interpreter needed") if header.interpreter_needed else ""
        language = header.language if header.language != "English" or interpreter else ""
        details = _facts(
            [
                (tr("Lead professional"), lead),
                (tr("Level of need"), formatting.level_of_need_label(header.level_of_need)),
                (tr("Locality"), header.locality or ""),
                (tr("GP"), header.gp or ""),
                (tr("Language"), ", ".join(p for p in (language, interpreter) if p)),
                (tr("Lives alone"), _lives_alone(header.lives_alone)),
            ]
        )
        visits_html = _visits(visits, now or clock.now())
        self.details.setText(_SEP.join(p for p in (details, visits_html) if p))
        self._show_alerts(alerts, header.lead_professional)
        show_carer_prompts(self.carer_prompt, header.carer_prompts)
        closed = header.status != "open"
        self.close_case.setVisible(not closed)
        self.reopen_case.setVisible(closed and header.status != "deceased")
        self.closed.setVisible(closed)
        if closed:
            reason = formatting.label(ClosedReason, header.closed_reason or "")
            when = formatting.british_date(header.closed_on) if header.closed_on else ""
            self.closed.setText(
                tr(
                    "Case closed {when}: {reason}. The record is kept; the person is off the "
                    "active lists."
                ).format(when=when, reason=reason or tr("no reason recorded"))
            )

    def _show_alerts(self, alerts: tuple[AlertItem, ...], lead: str | None) -> None:
        clear_layout_widgets(self.alerts)
        layout = self.alerts.layout()
        assert layout is not None
        if not alerts:
            none = QLabel(tr("No alerts recorded."))
            none.setObjectName("noAlerts")
            layout.addWidget(none)
            return
        for alert in alerts:
            callout = _AlertCallout(alert, lead)
            if callout.reveal is not None:
                callout.reveal.clicked.connect(
                    lambda _=False, a=alert.id: self.restricted_requested.emit(a)
                )
            layout.addWidget(callout)

    def reveal_restricted(self, alert_id: str, detail: str) -> None:
        """Show an alert's restricted detail, once its showing has been audited."""
        layout = self.alerts.layout()
        assert layout is not None
        for index in range(layout.count()):
            item = layout.itemAt(index)
            callout = item.widget() if item is not None else None
            if isinstance(callout, _AlertCallout) and callout.alert_id == alert_id:
                callout.show_detail(detail)

    def show_break_glass(self, until: datetime | None) -> None:
        """The banner for a record opened by break-glass: when access ends."""
        if until is None:
            self.break_glass.clear()
            self.break_glass.setVisible(False)
            return
        text = tr("Break-glass access until {time}: audited and reported to your coordinator.")
        self.break_glass.setText(text.format(time=formatting.time_of_day(until)))
        self.break_glass.setAccessibleName(self.break_glass.text())
        self.break_glass.setVisible(True)

    def clear(self) -> None:
        for label in (self.name, self.known_as, self.identity, self.details):
            label.clear()
        self.show_break_glass(None)
        show_carer_prompts(self.carer_prompt, ())
        clear_layout_widgets(self.alerts)


class _AlertCallout(QFrame):
    def __init__(self, alert: AlertItem, lead: str | None) -> None:
        super().__init__()
        self.setObjectName("alertCallout")
        self.alert_id = alert.id
        self.setProperty("severity", _SEVERITY.get(alert.kind, "warning"))
        kind = formatting.label(AlertKind, alert.kind)
        summary = alert.summary
        # "Allergy: penicillin" under the heading Allergy says it twice.
        if summary.lower().startswith(kind.lower() + ":"):
            summary = summary[len(kind) + 1 :].strip()
        text = f"<b>{esc(kind)}</b>&nbsp;&nbsp;{esc(summary)}"
        spoken = tr("Alert: {kind}. {summary}").format(kind=kind, summary=alert.summary)
        self.reveal: QPushButton | None = None
        if alert.restricted_detail is not None:
            # This user's role needs it (access policy), but it stays off the screen
            # until asked for: a header is read over a shoulder in someone's home.
            restricted = tr("Restricted detail recorded: not shown here until you press Show.")
            text += f"<br><i>{esc(restricted)}</i>"
            spoken += f" {restricted}"
            self.reveal = button("Show", name="revealRestricted", tip=tr("Show restricted detail"))
        elif alert.has_restricted_detail:
            ask = alert.ask or (
                tr("Restricted — ask {lead}").format(lead=lead)
                if lead
                else tr("Restricted — ask the team coordinator")
            )
            text += f"<br><i>{esc(ask)}</i>"
            spoken += f" {ask}"
        label = QLabel(text)
        label.setObjectName("alertText")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAccessibleName(spoken)
        self.setAccessibleName(spoken)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(label, 1)
        if self.reveal is not None:
            row.addWidget(self.reveal, 0, Qt.AlignmentFlag.AlignTop)
        self.label = label

    def show_detail(self, detail: str) -> None:
        if self.reveal is not None:
            self.reveal.setEnabled(False)
        shown = QLabel(tr("Restricted detail: {detail}").format(detail=detail))
        shown.setObjectName("restrictedDetail")
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = self.layout()
        assert layout is not None
        layout.addWidget(shown)


_SEP = "&nbsp;&nbsp;·&nbsp;&nbsp;"


def _lives_alone(value: bool | None) -> str:
    """Shown once it is recorded either way; nothing when no one has asked yet."""
    return "" if value is None else (tr("yes") if value else tr("no"))


def _facts(parts: list[tuple[str, str]]) -> str:
    shown = [f"<b>{esc(label)}</b> {esc(value)}" for label, value in parts if value]
    return _SEP.join(shown)


def _visits(visits: tuple[VisitItem, ...], now: datetime) -> str:
    """The planned visits (still planned, soonest first): a missed one is said in words and
    red (`app.values.overdue`), never shown as the next; then the next one ahead."""
    missed = [v for v in visits if overdue.visit_overdue("planned", v.due_at, now)]
    ahead = next((v for v in visits if v not in missed), None)
    parts = []
    if missed:
        when = formatting.british_date_time(missed[0].due_at)
        text = (
            tr("Planned visit overdue since {when}").format(when=when)
            if len(missed) == 1
            else tr("{count} planned visits overdue, the first since {when}").format(
                count=len(missed), when=when
            )
        )
        parts.append(f'<b style="color:{WARNING.name()}">{esc(text)}</b>')
    if ahead is not None:
        parts.append(_facts([(tr("Next visit"), formatting.british_date_time(ahead.due_at))]))
    return _SEP.join(parts)
