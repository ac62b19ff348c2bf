"""The multi-disciplinary team meeting: the meeting itself (a team's own record) and
each person discussed at it (a part of that person's record).

The meeting (`mdt_meeting`) is the team's: when and where. Like the team's priority
weights it is no person's record, kept as written (a meeting moved is a new meeting
its list moves to), so the server sends it to its own teams' laptops and never to a
partner organisation. What is said about a person (`mdt_item`: why they are on the
list, what was decided and who was in the room) is theirs, travels with their record
to every agency that shares it, and names its meeting by id only: a partner's laptop
holds the item without the meeting.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded


class MdtMeeting(Recorded, Base):
    """One meeting of a team, set up by its coordinator (its list: the items naming it)."""

    __tablename__ = "mdt_meeting"
    __journal__ = "append"

    team_id: Mapped[str] = mapped_column(String(36), index=True)
    meets_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(200))
    # Moved: this meeting replaces that one (its list moved here). Cancelled: this row
    # only says that one will not happen (`cancelled`), and is no meeting itself.
    replaces_id: Mapped[str | None] = mapped_column(String(36))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)


class MdtItem(Recorded, Base):
    """A person on a meeting's list: why (a colleague's flag, the priority list, a
    new referral, an overdue review, a reablement episode that ended), and what the
    meeting decided. `meeting_id` None: flagged for the next meeting, not yet listed."""

    __tablename__ = "mdt_item"
    __table_args__ = (
        Index("ix_mdt_item_meeting", "meeting_id"),
        CheckConstraint("(decision IS NULL) = (decided_on IS NULL)", name="decided_with_a_date"),
    )

    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"), index=True)
    meeting_id: Mapped[str | None] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(30))
    why: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None] = mapped_column()
    # Who was in the room when it was decided: a JSON list of "name, role,
    # organisation" lines (app.values.attendees).
    attendees: Mapped[str | None] = mapped_column(Text)
    # Taken off the list before it was discussed (kept: records are never removed).
    taken_off_on: Mapped[date | None] = mapped_column()
    # The note the discussion became in the person's record.
    note_id: Mapped[str | None] = mapped_column(String(36))
