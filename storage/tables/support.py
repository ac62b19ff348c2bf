"""Support around the person and their carer: the carer-strain check, telecare
equipment, and a personal budget.

The rules that tie a row's own fields together are CHECK constraints here, so the
laptop's store, its services and the partner server (which evaluates them on the
record as it will stand, `app.services.write_rules.row_validity`) refuse the same
rows.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded


class CarerStrainCheck(Recorded, Base):
    """The carer-strain check done with a carer (`carer_id`: their entry among the
    person's personal contacts), signed by whoever asked. `answers` is the JSON list
    of the 13 answers in the scale's order (each 0-2: the row rules hold it to the
    scale, `app.values.carer_strain`); the total is always their sum, worked out when
    read, so no stored total can disagree with them."""

    __tablename__ = "carer_strain_check"
    __table_args__ = (Index("ix_carer_strain_check_carer", "carer_id", "checked_on"),)

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    carer_id: Mapped[str] = mapped_column(ForeignKey("personal_contact.id"))
    checked_on: Mapped[date]
    answers: Mapped[str] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    asked_by_id: Mapped[str] = mapped_column(String(36))


class TelecareItem(Recorded, Base):
    """A piece of telecare equipment in the person's home: what it is, when it was
    installed and last tested, who responds when it raises an alarm, and whether it
    still runs over an analogue phone line (which the national switch-off ends)."""

    __tablename__ = "telecare_item"
    __table_args__ = (
        CheckConstraint(
            "last_tested_on IS NULL OR installed_on IS NULL OR last_tested_on >= installed_on",
            name="tested_after_installed",
        ),
        CheckConstraint(
            "removed_on IS NULL OR installed_on IS NULL OR removed_on >= installed_on",
            name="removed_after_installed",
        ),
        CheckConstraint("test_every_days BETWEEN 1 AND 730", name="test_interval_range"),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # vocab.TelecareKind
    description: Mapped[str | None] = mapped_column(String(200))
    installed_on: Mapped[date | None] = mapped_column()
    last_tested_on: Mapped[date | None] = mapped_column()
    # How often it should be tested (the provider's own schedule; six months by default).
    test_every_days: Mapped[int] = mapped_column(Integer, default=182)
    responder: Mapped[str] = mapped_column(String(30))  # vocab.TelecareResponder
    responder_detail: Mapped[str | None] = mapped_column(String(200))
    # Still on an analogue phone line (None: not known).
    analogue_line: Mapped[bool | None] = mapped_column(Boolean)
    removed_on: Mapped[date | None] = mapped_column()


class PersonalBudget(Recorded, Base):
    """The person's personal budget (social care) or personal health budget: how much,
    how it is managed, and what it pays for; shown in the printed plan."""

    __tablename__ = "personal_budget"
    __table_args__ = (
        CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # vocab.BudgetKind
    # In pence, so money is never a float.
    amount_pence: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(10))  # vocab.BudgetPeriod
    managed_as: Mapped[str] = mapped_column(String(30))  # vocab.BudgetManagement
    pays_for: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date]
    ended_on: Mapped[date | None] = mapped_column()
