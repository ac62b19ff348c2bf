"""Organisations, localities, teams and the staff who use OneRecord."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded


class Organisation(Recorded, Base):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200))
    # ODS code where the organisation has one (GP practices, trusts, councils).
    ods_code: Mapped[str | None] = mapped_column(String(10), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))
    out_of_hours_phone: Mapped[str | None] = mapped_column(String(40))


class Locality(Recorded, Base):
    __tablename__ = "locality"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    postcode_districts: Mapped[str] = mapped_column(String(200), default="")


class Team(Recorded, Base):
    __tablename__ = "team"

    name: Mapped[str] = mapped_column(String(200))
    locality_id: Mapped[str | None] = mapped_column(String(36))
    organisation_id: Mapped[str | None] = mapped_column(String(36))
    phone: Mapped[str | None] = mapped_column(String(40))


class StaffMember(Recorded, Base):
    """A user of OneRecord: practitioner, coordinator, IG lead or administrator."""

    __tablename__ = "staff_member"

    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    organisation_id: Mapped[str | None] = mapped_column(String(36))
    team_id: Mapped[str | None] = mapped_column(String(36))
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
