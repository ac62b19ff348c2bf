"""Shared risk management and the alerts a visitor must see first."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded


class Risk(Recorded, Base):
    __tablename__ = "risk"
    __table_args__ = (
        CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood_range"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact_range"),
        # Overdue risk reviews (team view) are a range on active risks.
        Index("ix_risk_review", "status", "review_on"),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    mitigation: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[str | None] = mapped_column(String(36))
    review_on: Mapped[date | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="active")
    started_on: Mapped[date | None] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column()


class Alert(Recorded, Base):
    """Shown first on opening a record. `restricted_detail` (a key safe code,
    safeguarding detail) is for the roles that need it and is never printed."""

    __tablename__ = "alert"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    restricted_detail: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    started_on: Mapped[date | None] = mapped_column()
    ended_on: Mapped[date | None] = mapped_column()
