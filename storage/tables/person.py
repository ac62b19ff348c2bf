"""The person at the centre of the record: demographics, About me, contacts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded


class Person(Recorded, Base):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint(
            "nhs_number IS NULL OR (length(nhs_number) = 10 AND nhs_number NOT GLOB '*[^0-9]*')",
            name="nhs_number_digits",
        ),
        CheckConstraint("length(family_name) > 0", name="family_name_present"),
        Index("ix_person_sort_name", "family_name", "given_name"),
    )

    nhs_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    nhs_number_status: Mapped[str] = mapped_column(String(2), default="02")
    title: Mapped[str | None] = mapped_column(String(20))
    given_name: Mapped[str] = mapped_column(String(120))
    family_name: Mapped[str] = mapped_column(String(120))
    preferred_name: Mapped[str | None] = mapped_column(String(120))
    date_of_birth: Mapped[date]
    sex: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(40))
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str] = mapped_column(String(10), default="", index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    gp_practice_id: Mapped[str | None] = mapped_column(String(36))
    gp_name: Mapped[str | None] = mapped_column(String(120))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(60), default="English")
    large_print: Mapped[bool] = mapped_column(Boolean, default=False)
    communication_needs: Mapped[str | None] = mapped_column(Text)
    locality_id: Mapped[str | None] = mapped_column(String(36), index=True)
    team_id: Mapped[str | None] = mapped_column(String(36), index=True)
    level_of_need: Mapped[str] = mapped_column(String(20), default="targeted", index=True)
    life_stage: Mapped[str] = mapped_column(String(20), default="ageing_well")
    lead_professional_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    date_of_death: Mapped[date | None] = mapped_column()
    # Why and when the case was closed (cleared when it is reopened).
    closed_reason: Mapped[str | None] = mapped_column(String(30))
    closed_on: Mapped[date | None] = mapped_column()
    # Whether the person lives alone (a factor of the team's priority list): None, not
    # recorded. Nullable, as every column added to a journalled table is: a row
    # written before the column existed travels without it.
    lives_alone: Mapped[bool | None] = mapped_column(Boolean)


class AboutMe(Recorded, Base):
    """PRSB About Me: the person's own words on what matters to them."""

    __tablename__ = "about_me"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), unique=True)
    most_important: Mapped[str] = mapped_column(Text, default="")
    important_people: Mapped[str] = mapped_column(Text, default="")
    how_i_communicate: Mapped[str] = mapped_column(Text, default="")
    my_wellness: Mapped[str] = mapped_column(Text, default="")
    please_do_and_dont: Mapped[str] = mapped_column(Text, default="")
    how_and_when_to_support_me: Mapped[str] = mapped_column(Text, default="")
    also_worth_knowing: Mapped[str] = mapped_column(Text, default="")
    supported_to_write_by: Mapped[str | None] = mapped_column(String(200))
    last_updated: Mapped[date | None] = mapped_column()


class PersonalContact(Recorded, Base):
    """Family, friends, neighbours: carers, key holders, attorneys, emergency contacts."""

    __tablename__ = "personal_contact"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str | None] = mapped_column(String(40))
    is_main_carer: Mapped[bool] = mapped_column(Boolean, default=False)
    # not_offered, offered, declined, done
    carers_assessment: Mapped[str | None] = mapped_column(String(20))
    carers_assessment_date: Mapped[date | None] = mapped_column()
    is_key_holder: Mapped[bool] = mapped_column(Boolean, default=False)
    # health_and_welfare, property_and_financial, both
    lasting_power_of_attorney: Mapped[str | None] = mapped_column(String(30))
    is_emergency_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    comments: Mapped[str | None] = mapped_column(Text)
    # The carer's contingency plan: "if I cannot care, this happens" (printed in the
    # home plan beside the person's own contingency plan). None: not made yet.
    contingency_plan: Mapped[str | None] = mapped_column(Text)


class ProfessionalContact(Recorded, Base):
    """Professionals involved in the person's care; one may be the key worker."""

    __tablename__ = "professional_contact"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    staff_member_id: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(120), default="")
    team: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[str | None] = mapped_column(String(36))
    contact_details: Mapped[str | None] = mapped_column(String(200))
    is_key_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[date | None] = mapped_column()
    end_date: Mapped[date | None] = mapped_column()


class Referral(Recorded, Base):
    """How the person came to the team: who referred them, why, how urgently, when it
    arrived and when first contact is due. A referral not taken on closes the case
    with that reason (Person.closed_reason); the referral itself is kept."""

    __tablename__ = "referral"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    source: Mapped[str] = mapped_column(String(30))
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(20), default="routine")
    received_on: Mapped[date]
    first_contact_due: Mapped[date | None] = mapped_column()
