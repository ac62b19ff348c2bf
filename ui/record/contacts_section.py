"""The record's Contacts and carers section: family, friends and carers as a table
to add to and correct (main carer, key holder, lasting power of attorney,
emergency contact, carer's assessment), and the professionals involved."""

from __future__ import annotations

from PySide6.QtCore import Signal

from app.services.record.record import CarerItem, PersonRecord
from app.values.vocab import CarersAssessment, LastingPowerOfAttorney
from ui.i18n import tr
from ui.kit import formatting
from ui.kit.rows_model import ColumnSpec, RowsModel
from ui.kit.widgets import button, button_row, esc, fit_rows, heading, reader, size_columns, table
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

    def __init__(self) -> None:
        super().__init__("contactsSection", "Contacts and carers")
        self.model: RowsModel[CarerItem] = RowsModel(
            [
                ColumnSpec("Name", lambda c: c.name, bold=lambda c: c.is_main_carer),
                ColumnSpec("Relationship", lambda c: c.relationship),
                ColumnSpec("Phone", lambda c: c.phone or ""),
                ColumnSpec("Carer's assessment", _assessment),
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
        self.professionals = reader("professionalsText", "Professionals involved")

        self.column.addWidget(heading("Family, friends and carers"))
        self.column.addWidget(self.carers)
        self.column.addLayout(button_row(self.add_button, self.edit_button))
        self.column.addSpacing(12)
        self.column.addWidget(heading("Professionals involved"))
        self.column.addWidget(self.professionals, 1)

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
        parts: list[str] = []
        if not record.professionals:
            parts.append(f"<p>{esc(tr('None recorded.'))}</p>")
        for p in record.professionals:
            line = f"<p><b>{esc(p.name)}</b>, {esc(p.role)}"
            if p.is_key_worker:
                line += f" — <b>{esc(tr('key worker'))}</b>"
            where = ", ".join(x for x in (p.team, p.organisation) if x)
            if where:
                line += f"<br>{esc(where)}"
            if p.contact_details:
                line += f"<br>{esc(p.contact_details)}"
            parts.append(line + "</p>")
        self.professionals.setHtml("".join(parts))

    def clear(self) -> None:
        self.model.clear()
        self.professionals.clear()


def _assessment(c: CarerItem) -> str:
    if not c.carers_assessment:
        return ""
    return formatting.label(CarersAssessment, c.carers_assessment)
