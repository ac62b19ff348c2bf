"""Visits and contact notes from every agency, and planned visits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded


class ContactNote(Recorded, Base):
    """A record of a contact. Append-only: a correction is a new note that amends it.

    `occurred_at` is when the visit happened; `recorded_at` (provenance) is when
    it was written, so a note typed up after a visit with no signal says both.
    """

    __tablename__ = "contact_note"
    __journal__ = "append"
    __table_args__ = (
        Index("ix_contact_note_timeline", "person_id", "occurred_at"),
        # Contacts per week by organisation (team charts), from the index alone.
        Index("ix_contact_note_week", "occurred_at", "organisation_id"),
        # Every column that refers to another record has an index (migration 0017): see
        # storage/tables/care_plan.py's Goal. Few notes amend another: a partial index.
        Index("ix_contact_note_amends", "amends_id", sqlite_where=text("amends_id IS NOT NULL")),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"))
    contact_type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime]
    location: Mapped[str | None] = mapped_column(String(120))
    narrative: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(40))
    author_id: Mapped[str | None] = mapped_column(String(36))
    author_role: Mapped[str | None] = mapped_column(String(40))
    organisation_id: Mapped[str | None] = mapped_column(String(36))
    # JSON list of goal ids this contact worked towards; frozen with the note.
    linked_goal_ids: Mapped[str] = mapped_column(Text, default="[]")
    amends_id: Mapped[str | None] = mapped_column(ForeignKey("contact_note.id"))
    # Why a correction was made: shown beside the note it corrects (set with amends_id).
    amendment_reason: Mapped[str | None] = mapped_column(String(500))
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)


class PlannedVisit(Recorded, Base):
    __tablename__ = "planned_visit"
    __table_args__ = (
        Index("ix_planned_visit_due", "due_at", "status"),
        # See ContactNote: a referring column has an index.
        Index(
            "ix_planned_visit_done_note",
            "done_note_id",
            sqlite_where=text("done_note_id IS NOT NULL"),
        ),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    due_at: Mapped[datetime]
    assigned_to_id: Mapped[str | None] = mapped_column(String(36), index=True)
    purpose: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    done_note_id: Mapped[str | None] = mapped_column(ForeignKey("contact_note.id"))


class CaseloadSummary(Base):
    """Per-person figures the caseload and team view sort on, kept current by SQLite
    triggers (migrations 0003, 0008) on planned_visit, risk, alert, contact_note,
    consent_to_share and sync_conflict, whatever wrote to them. A person with none
    of those has no row yet: readers outer-join.

    Derived and device-local: never journalled, rebuilt by the triggers on any replica.
    """

    __tablename__ = "caseload_summary"
    __journal__ = None

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), primary_key=True)
    next_visit_due: Mapped[datetime | None] = mapped_column(index=True)
    highest_risk: Mapped[int | None] = mapped_column(index=True)
    alert_kinds: Mapped[str | None] = mapped_column(Text)
    last_contact_at: Mapped[datetime | None] = mapped_column(index=True)
    # The soonest review of consent in force, and of an active risk.
    consent_review_due: Mapped[date | None] = mapped_column(index=True)
    risk_review_due: Mapped[date | None] = mapped_column(index=True)
    open_conflicts: Mapped[int | None] = mapped_column(index=True)
