"""The record's Contacts and carers section: family, friends and carers as a table
to add to and correct (main carer, key holder, lasting power of attorney,
emergency contact, carer's assessment, the latest carer-strain total), the chosen
carer's strain trend, the team's prompt and their contingency plan below it
(ui/record/carer_panel.py), and the professionals involved (the key worker first;
one who has stopped stays, greyed, with their dates)."""

from __future__ import annotations

from PySide6.QtCore import Signal

from app.services.record.record import CarerItem, PersonRecord, ProfessionalItem
from app.values.vocab import CarersAssessment, LastingPowerOfAttorney
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.rows_model import ColumnSpec, RowsModel
from ui.kit.widgets import button, button_row, fit_rows, heading, size_columns, table
from ui.record.carer_panel import CarerPanel, strain_spoken, strain_text
from ui.record.record_sections import Page, selected


def roles_text(c: CarerItem) -> str:
    roles = [
        tr("main carer") if c.is_main_carer else "",
        tr("key holder") if c.is_key_holder else "",
        tr("emergency contact") if c.is_emergency_contact else "",
        tr("lasting power of attorney: {kind}").format(
            kind=formatting.label(LastingPowerOfAttorney, c.lasting_power_of_attorney).lower()
        )
        if c.lasting_power_of_attorney
        else "",
    ]
    return ", ".join(r for r in roles if r).capitalize()


class ContactsSection(Page):
    add_contact = Signal()
    edit_contact = Signal(object)  # CarerItem
    add_professional = Signal()
    edit_professional = Signal(object)  # ProfessionalItem
    strain_check = Signal(object)  # CarerItem
    carer_contingency = Signal(object)  # CarerItem

    def __init__(self) -> None:
        super().__init__("contactsSection", "Contacts and carers")
        self.model: RowsModel[CarerItem] = RowsModel(
            [
                ColumnSpec("Name", lambda c: c.name, bold=lambda c: c.is_main_carer),
                ColumnSpec("Relationship", lambda c: c.relationship),
                ColumnSpec("Phone", lambda c: c.phone or ""),
                ColumnSpec("Carer's assessment", _assessment),
                ColumnSpec(
                    "Carer strain",
                    strain_text,
                    spoken=strain_spoken,
                    tooltip=lambda c: c.strain_trend or None,
                    warn=lambda c: c.strain_prompt is not None,
                ),
                ColumnSpec("Roles", roles_text, tooltip=lambda c: c.comments or None),
            ],
            parent=self,
        )
        self.carers = table("carersTable", "Family, friends and carers")
        self.carers.setModel(self.model)
        self.add_button = button("Add family member or carer…", name="addContactButton")
        self.edit_button = button("Change…", name="editContactButton")
        self.add_button.clicked.connect(self.add_contact)
        self.edit_button.clicked.connect(self._edit_selected)
        self.carers.activated.connect(lambda _i: self._edit_selected())
        self.carer_panel = CarerPanel()
        self.carer_panel.strain_check.connect(self.strain_check)
        self.carer_panel.contingency.connect(self.carer_contingency)
        self.carers.selectionModel().currentRowChanged.connect(
            lambda *_: self.carer_panel.show_carer(selected(self.carers))  # type: ignore[arg-type]
        )
        self.pros_model: RowsModel[ProfessionalItem] = RowsModel(
            [
                ColumnSpec("Name", lambda p: p.name, bold=lambda p: p.is_key_worker),
                ColumnSpec("Role", lambda p: p.role),
                ColumnSpec("Key worker", lambda p: tr("Key worker") if p.is_key_worker else ""),
                ColumnSpec("Organisation", lambda p: p.organisation or ""),
                ColumnSpec("Contact", lambda p: p.contact_details or ""),
                ColumnSpec(
                    "Involved",
                    _involved,
                    quiet=lambda p: p.end_date is not None,
                    tooltip=lambda p: p.team or None,
                ),
            ],
            parent=self,
        )
        self.professionals = table("professionalsTable", "Professionals involved")
        self.professionals.setModel(self.pros_model)
        self.add_pro_button = button("Add a professional…", name="addProfessionalButton")
        self.edit_pro_button = button("Change or end…", name="editProfessionalButton")
        self.add_pro_button.clicked.connect(self.add_professional)
        self.edit_pro_button.clicked.connect(self._edit_professional)
        self.professionals.activated.connect(lambda _i: self._edit_professional())

        self.column.addWidget(heading("Family, friends and carers"))
        self.column.addWidget(self.carers)
        self.column.addLayout(button_row(self.add_button, self.edit_button))
        self.column.addWidget(self.carer_panel)
        self.column.addSpacing(12)
        self.column.addWidget(heading("Professionals involved"))
        self.column.addWidget(self.professionals)
        self.column.addLayout(button_row(self.add_pro_button, self.edit_pro_button))
        self.column.addStretch(1)

    def _edit_professional(self) -> None:
        if (item := selected(self.professionals)) is not None:
            self.edit_professional.emit(item)

    def _edit_selected(self) -> None:
        if (item := selected(self.carers)) is not None:
            self.edit_contact.emit(item)

    def show_record(self, record: PersonRecord) -> None:
        self.model.set_rows(record.carers)
        fit_rows(self.carers)
        size_columns(self.carers, stretch=self.model.columnCount() - 1)
        if self.model.rowCount():
            self.carers.selectRow(0)
        self.edit_button.setEnabled(bool(record.carers))
        self.carer_panel.show_carer(selected(self.carers))  # type: ignore[arg-type]
        self.pros_model.set_rows(record.professionals)
        fit_rows(self.professionals)
        size_columns(self.professionals, stretch=self.pros_model.columnCount() - 1)
        if self.pros_model.rowCount():
            self.professionals.selectRow(0)
        self.edit_pro_button.setEnabled(bool(record.professionals))

    def clear(self) -> None:
        self.carer_panel.show_carer(None)
        self.model.clear()
        self.pros_model.clear()


def _involved(p: ProfessionalItem) -> str:
    since = formatting.british_date(p.start_date) if p.start_date else ""
    if p.end_date is not None:
        return tr("{since} to {end}").format(
            since=since or "?", end=formatting.british_date(p.end_date)
        )
    return tr("since {since}").format(since=since) if since else tr("now")


def _assessment(c: CarerItem) -> str:
    if not c.carers_assessment:
        return ""
    return formatting.label(CarersAssessment, c.carers_assessment)
