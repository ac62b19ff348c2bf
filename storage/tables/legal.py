"""Consent to share, mental capacity, assessments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded


class ConsentToShare(Recorded, Base):
    """What the person agreed to share, with which partner, for which kind of information.

    A partner of NULL means every partner organisation in the sharing agreement.
    """

    __tablename__ = "consent_to_share"
    __table_args__ = (
        CheckConstraint("decision IN ('given', 'refused', 'withdrawn')", name="decision_kind"),
        CheckConstraint(
            "decision != 'refused' OR length(coalesce(reason_refused, '')) > 0",
            name="refusal_has_reason",
        ),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    partner_organisation_id: Mapped[str | None] = mapped_column(String(36))
    category: Mapped[str] = mapped_column(String(40))
    decision: Mapped[str] = mapped_column(String(20))
    given_by: Mapped[str] = mapped_column(String(200), default="the person")
    method: Mapped[str] = mapped_column(String(20), default="verbal")
    decided_on: Mapped[date]
    review_on: Mapped[date | None] = mapped_column(index=True)
    withdrawn_on: Mapped[date | None] = mapped_column()
    reason_refused: Mapped[str | None] = mapped_column(Text)


class MentalCapacityAssessment(Recorded, Base):
    __tablename__ = "mental_capacity_assessment"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    decision: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(30))
    assessed_on: Mapped[date]
    assessed_by_id: Mapped[str | None] = mapped_column(String(36))
    notes: Mapped[str | None] = mapped_column(Text)
    document_location: Mapped[str | None] = mapped_column(String(200))


class Assessment(Recorded, Base):
    """An assessment, signed by whoever performed it. A part of the joint initial
    assessment names its `part` (app.values.vocab.AssessmentPart): each profession
    writes its own parts, and the assessment is the sum of them. Parts are separate
    rows, not fields of one document, so two professions writing offline never
    overwrite each other."""

    __tablename__ = "assessment"

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    assessment_type: Mapped[str] = mapped_column(String(120))
    assessed_on: Mapped[date]
    summary: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[str | None] = mapped_column(String(40))
    performed_by_id: Mapped[str | None] = mapped_column(String(36))
    # The part of the joint initial assessment this is (None: a standalone one).
    part: Mapped[str | None] = mapped_column(String(30))
    # Daily living: the Care Act outcomes (CareActOutcome codes, comma-separated)
    # the person cannot achieve without help.
    needs_help_with: Mapped[str | None] = mapped_column(String(400))
    # Whether the person agreed that what this found is shown in their printed plan
    # (the folder in the home is read by visitors and family): None, not asked (not
    # shown). Nullable, as every column added to a journalled table is: a row written
    # before the column existed travels without it.
    shown_in_plan: Mapped[bool | None] = mapped_column(Boolean, default=False)
