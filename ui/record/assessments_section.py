"""The Assessments section of the record: how the person came to the team, the joint
initial assessment part by part (who signed each, whether the person agreed it is
printed, what is still to do, whether consent to share has been asked), then other
assessments and mental capacity decision by decision."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.services.care.joint_assessment import initial_parts, parts_to_do
from app.services.record.record import PersonRecord
from app.values.vocab import AssessmentPart, CapacityOutcome, CareActOutcome, ReferralSource
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.widgets import button, button_row, esc, heading, reader


class AssessmentsSection(QWidget):
    add_part = Signal()
    add_assessment = Signal()
    add_capacity = Signal()
    record_consent = Signal()
    add_referral = Signal()
    needs_from_part = Signal(str)  # a daily living part's id: its outcomes as needs
    change_part = Signal(str)  # a part's id: reword it (its signer) or the say on printing

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("assessmentsSection")
        self.text = reader("assessmentsText", "Assessments")
        self.add_part_button = button(
            "Add my part of the initial assessment…", primary=True, name="addPartButton"
        )
        self.consent_button = button("Record consent to share…", name="assessmentConsentButton")
        self.add_assessment_button = button("Record an assessment…", name="addAssessmentButton")
        self.add_capacity_button = button(
            "Record a mental capacity assessment…", name="addCapacityButton"
        )
        self.add_referral_button = button("Record a referral…", name="addReferralButton")
        self.add_referral_button.clicked.connect(self.add_referral)
        self.add_part_button.clicked.connect(self.add_part)
        self.consent_button.clicked.connect(self.record_consent)
        self.add_assessment_button.clicked.connect(self.add_assessment)
        self.add_capacity_button.clicked.connect(self.add_capacity)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 20)
        layout.addWidget(heading("Assessments"))
        layout.addLayout(button_row(self.add_part_button, self.consent_button))
        layout.addLayout(
            button_row(
                self.add_assessment_button, self.add_capacity_button, self.add_referral_button
            )
        )
        layout.addWidget(self.text, 1)
        self.text.anchorClicked.connect(self._link)

    def show_record(self, record: PersonRecord) -> None:
        parts = [*_referrals(record), *_initial(record)]
        for a in record.assessments:
            if a.part:
                continue
            score = f" — {esc(a.score)}" if a.score else ""
            by = f"<br><i>{esc(tr('Assessed by {who}').format(who=a.by))}</i>" if a.by else ""
            parts.append(
                f"<p><b>{esc(a.kind)}</b>, {esc(formatting.british_date(a.assessed_on))}{score}"
                f"{by}<br>{esc(a.summary)}</p>"
            )
        if record.capacity:
            parts.append(f"<h3>{esc(tr('Mental capacity'))}</h3>")
            for m in record.capacity:
                outcome = formatting.label(CapacityOutcome, m.score).lower()
                when = formatting.british_date(m.assessed_on)
                by = f"<br><i>{esc(tr('Assessed by {who}').format(who=m.by))}</i>" if m.by else ""
                parts.append(
                    f"<p><b>{esc(m.kind)}</b>, {esc(when)}: {esc(outcome)}{by}"
                    f"<br>{esc(m.summary)}</p>"
                )
        self.text.setHtml("".join(parts) or f"<p>{esc(tr('No assessments recorded.'))}</p>")

    def clear(self) -> None:
        self.text.clear()

    def _link(self, url: QUrl) -> None:
        kind, _, part_id = url.toString().partition(":")
        if kind == "needs" and part_id:
            self.needs_from_part.emit(part_id)
        elif kind == "part" and part_id:
            self.change_part.emit(part_id)


def _referrals(record: PersonRecord) -> list[str]:
    parts: list[str] = []
    for r in record.referrals:
        source = formatting.label(ReferralSource, r.source)
        who = f" ({esc(r.referrer_name)})" if r.referrer_name else ""
        urgent = f" — <b>{esc(tr('urgent'))}</b>" if r.urgency == "urgent" else ""
        due = ""
        if r.first_contact_due:
            day = formatting.british_date(r.first_contact_due)
            due = f"<br>{esc(tr('First contact due by {day}').format(day=day))}"
        received = formatting.british_date(r.received_on)
        heading_text = tr("Referred by {source}").format(source=source)
        parts.append(
            f"<p><b>{esc(heading_text)}</b>{who}, {esc(received)}{urgent}{due}"
            f"<br>{esc(r.reason)}</p>"
        )
    return parts


def _initial(record: PersonRecord) -> list[str]:
    """The initial assessment as it stands: each part signed; what is left to do."""
    done = initial_parts(record.assessments)
    if not done and not record.referrals:
        return []
    html = [f"<h3>{esc(tr('Initial assessment'))}</h3>"]
    for p in done:
        label = formatting.label(AssessmentPart, p.part or "")
        when = formatting.british_date(p.assessed_on)
        printed = tr("shown in the printed plan") if p.shown_in_plan else tr("not printed")
        needs = ""
        if p.needs_help_with:
            outcomes = "; ".join(formatting.label(CareActOutcome, c) for c in p.needs_help_with)
            needs = f"<br>{esc(tr('Needs help with: {outcomes}').format(outcomes=outcomes))}"
            link = esc(tr("Add these to the plan's needs"))
            needs += f' — <a href="needs:{esc(p.id)}">{link}</a>'
        by = esc(tr("Signed by {who}").format(who=p.by or tr("unknown")))
        by += f' — <a href="part:{esc(p.id)}">{esc(tr("Change…"))}</a>'
        html.append(
            f"<p><b>{esc(label)}</b>, {esc(when)} ({esc(printed)})<br>{esc(p.summary)}{needs}"
            f"<br><i>{by}</i></p>"
        )
    to_do = parts_to_do(record.assessments)
    if to_do:
        left = ", ".join(formatting.label(AssessmentPart, code) for code in to_do)
        html.append(f"<p>{esc(tr('Still to do: {parts}').format(parts=left))}</p>")
    if not record.consent:
        html.append(
            f"<p><b>{esc(tr('Consent to share: not yet asked.'))}</b> "
            f"{esc(tr('Nothing is shared with partner organisations until it is recorded.'))}</p>"
        )
    return html
