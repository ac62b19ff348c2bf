"""A team's own settings, shared by every laptop of the team: today, the weights it
gives the priority list's factors (`app.services.priority.weights`).

Kept as a history, never edited: each change of a team's weights is a new row, so
who changed them, when and why stays on record (the team's current weights are its
newest row's) and two coordinators changing them offline never conflict. Not part
of any person's record (no person_id): the server sends them to every laptop of its
own organisation and never to a partner organisation (sync/server/categories.py).
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, Recorded


class PriorityWeights(Recorded, Base):
    """The team's weights as set by its coordinator at `recorded_at`: a JSON object,
    factor key -> whole number of points (a factor missing keeps its default)."""

    __tablename__ = "priority_weights"
    __journal__ = "append"

    team_id: Mapped[str] = mapped_column(String(36), index=True)
    weights: Mapped[str] = mapped_column(Text)
    # Why the team changed them, as the coordinator put it (None: not given).
    reason: Mapped[str | None] = mapped_column(Text)
