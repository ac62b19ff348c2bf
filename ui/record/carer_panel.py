"""Under the carers table, for the carer chosen there: their carer-strain trend
("8 → 12 → 17, risen by 5"), the team's prompt in red when it fires (said to be the
team's rule, not the scale's), their own assessment offered or done, and what happens
if they cannot care; with the buttons for a new check and for that plan. Layout only:
fed the record's `CarerItem`."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.services.record.record import CarerItem
from app.values import carer_strain
from app.values.vocab import CarersAssessment
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.widgets import button, button_row

logger = logging.getLogger(__name__)

TEAMS_RULE = (
    "This prompt is the team's rule (a total of {high} or more, or a rise of {rise} or more "
    "since the last check), not part of the published scale."
)


def strain_text(c: CarerItem) -> str:
    """'12 of 26' (the latest check), or '' when none has been done."""
    if not c.strain_totals:
        return ""
    return tr("{total} of {most}").format(total=c.strain_totals[-1], most=carer_strain.MOST)


def strain_spoken(c: CarerItem) -> str:
    if not c.strain_totals:
        return tr("No carer-strain check")
    said = tr("Carer strain {total} of {most}").format(
        total=c.strain_totals[-1], most=carer_strain.MOST
    )
    return f"{said}: {c.strain_prompt}" if c.strain_prompt else said


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CarerPanel(QWidget):
    strain_check = Signal(object)  # CarerItem
    contingency = Signal(object)  # CarerItem

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("carerPanel")
        self._carer: CarerItem | None = None
        self.strain = _label("carerStrainTrend")
        self.prompt = _label("carerStrainPrompt")
        # Red and bold with a red edge, whatever the theme (as the error summary).
        self.prompt.setStyleSheet(
            "QLabel#carerStrainPrompt { color: #D5281B; font-weight: bold;"
            " border-left: 4px solid #D5281B; padding: 4px 0 4px 10px; }"
        )
        self.assessment = _label("carerAssessment")
        self.plan = _label("carerContingency")
        self.check_button = button(
            "Carer-strain check…",
            name="strainCheckButton",
            tip="The 13 statements of the Modified Caregiver Strain Index, with the carer",
        )
        self.plan_button = button(
            "If they cannot care…",
            name="carerContingencyButton",
            tip="The carer's contingency plan: printed in the plan kept at home",
        )
        self.check_button.clicked.connect(lambda: self._emit(self.strain_check))
        self.plan_button.clicked.connect(lambda: self._emit(self.contingency))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        for widget in (self.strain, self.prompt, self.assessment, self.plan):
            layout.addWidget(widget)
        layout.addLayout(button_row(self.check_button, self.plan_button))
        self.show_carer(None)

    def _emit(self, signal: SignalInstance) -> None:
        if self._carer is not None:
            signal.emit(self._carer)

    def show_carer(self, carer: CarerItem | None) -> None:
        self._carer = carer
        self.setVisible(carer is not None)
        if carer is None:
            for label in (self.strain, self.prompt, self.assessment, self.plan):
                label.clear()
            return
        name = carer.name
        if carer.strain_totals:
            self.strain.setText(
                tr("{name}'s carer strain: {latest} ({trend})").format(
                    name=name, latest=strain_text(carer), trend=carer.strain_trend
                )
                if len(carer.strain_totals) > 1
                else tr("{name}'s carer strain: {latest} (one check)").format(
                    name=name, latest=strain_text(carer)
                )
            )
        else:
            self.strain.setText(tr("No carer-strain check with {name} yet.").format(name=name))
        self.prompt.setVisible(carer.strain_prompt is not None)
        self.prompt.setText(
            f"{carer.strain_prompt}. "
            + tr(TEAMS_RULE).format(high=carer_strain.HIGH_TOTAL, rise=carer_strain.RISE)
            if carer.strain_prompt
            else ""
        )
        self.assessment.setText(_assessment(carer))
        self.plan.setText(
            tr("If {name} cannot care: {plan}").format(name=name, plan=carer.contingency_plan)
            if carer.contingency_plan
            else tr("No plan yet for if {name} cannot care.").format(name=name)
        )
        self.check_button.setAccessibleName(tr("Carer-strain check with {name}").format(name=name))
        self.plan_button.setAccessibleName(tr("If {name} cannot care").format(name=name))


def _assessment(c: CarerItem) -> str:
    if not c.carers_assessment:
        return tr("Carer's own assessment: not recorded (Care Act s.10: offer one).")
    said = formatting.label(CarersAssessment, c.carers_assessment)
    if c.carers_assessment_date:
        said = f"{said}, {formatting.british_date(c.carers_assessment_date)}"
    return tr("Carer's own assessment: {said}.").format(said=said)


def carer_prompt_label() -> QLabel:
    """The record header's line for the team's carer-strain prompts (hidden when none)."""
    label = _label("headerCarerPrompt")
    label.setStyleSheet(
        "QLabel#headerCarerPrompt { color: #D5281B; font-weight: bold;"
        " border-left: 4px solid #D5281B; padding: 4px 0 4px 10px; }"
    )
    label.setVisible(False)
    return label


def show_carer_prompts(label: QLabel, prompts: tuple[str, ...]) -> None:
    label.setVisible(bool(prompts))
    if not prompts:
        label.clear()
        return
    label.setText(
        "\n".join(prompts)
        + "\n"
        + tr("See Contacts and carers. ")
        + tr(TEAMS_RULE).format(high=carer_strain.HIGH_TOTAL, rise=carer_strain.RISE)
    )
    label.setAccessibleName(label.text())
