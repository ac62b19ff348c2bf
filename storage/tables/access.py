"""Break-glass grants: who opened whose record outside their caseload, why, until when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded


class BreakGlassGrant(Recorded, Base):
    """Append-only and journalled: it travels with the person's record, so the
    person's coordinator and the IG lead see it on their own laptops. A grant
    is never edited or ended early; it simply expires."""

    __tablename__ = "break_glass"
    __journal__ = "append"
    __table_args__ = (
        CheckConstraint("length(reason) > 0", name="reason_present"),
        CheckConstraint("expires_at > started_at", name="expires_after_start"),
        Index("ix_break_glass_who", "staff_member_id", "person_id", "expires_at"),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    staff_member_id: Mapped[str | None] = mapped_column(String(36))
    staff_role: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime]
    expires_at: Mapped[datetime]
