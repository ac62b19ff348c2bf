"""What sync must leave on every replica, worked out apart from the code under test.

The model knows only what each laptop has seen: every field value written (a create
counts for every field it carries), which laptop knows it, and what each edit
replaced. A sync pushes what the laptop knows to the server and pulls everything
the server has (one team: every laptop may see every change). From that alone it
says, for each field: which edit an ordinary edit on a laptop must replace (the
value that laptop shows: the head with the greatest stamp, then device), which
edits a resolution replaces (every head it was chosen from), and, once every laptop
has synced, the heads: one head is the value; two or more are an open conflict that
every replica must hold, listing each head's value, the winner first.

Stamps and devices are read from the laptop's journal as each change is made (the
model cannot know a clock); everything it predicts is then checked against them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.workspace import Workspace
from storage.tables import ChangeRecord

Key = tuple[str, str, str]  # (entity, entity id, field)


@dataclass(frozen=True)
class Written:
    """One value of one field, as a journal row carries it."""

    change_id: str
    hlc: int
    device_id: str
    value: Any
    bases: frozenset[str]

    @property
    def order(self) -> tuple[int, str]:
        return (self.hlc, self.device_id)


@dataclass
class Model:
    laptops: int
    # field -> change id -> the value written there
    written: dict[Key, dict[str, Written]] = field(default_factory=dict)
    known: list[set[str]] = field(default_factory=list)
    server: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.known = [set() for _ in range(self.laptops)]

    def record(self, who: int, key: Key, value: Written) -> None:
        self.written.setdefault(key, {})[value.change_id] = value
        self.known[who].add(value.change_id)

    def made(self, who: int, change_id: str) -> None:
        """A change that is no field's value (a note appended): only who has seen it."""
        self.known[who].add(change_id)

    def sync(self, who: int) -> None:
        """Push what this laptop knows, then pull everything the server holds."""
        self.server |= self.known[who]
        self.known[who] |= self.server

    def heads(self, key: Key, who: int | None = None) -> list[Written]:
        """The values nobody replaced (as one laptop knows them, or all), winner first."""
        pool = [
            w
            for w in self.written.get(key, {}).values()
            if who is None or w.change_id in self.known[who]
        ]
        replaced = {base for w in pool for base in w.bases}
        return sorted(
            (w for w in pool if w.change_id not in replaced), key=lambda w: w.order, reverse=True
        )

    def fields(self) -> list[Key]:
        return sorted(self.written)

    def conflicts(self, who: int) -> list[Key]:
        """The fields this laptop must show as open conflicts now."""
        return [key for key in self.fields() if len(self.heads(key, who)) > 1]


def journal(ws: Workspace, entity: str, entity_id: str) -> list[ChangeRecord]:
    """One entity's journal rows on one laptop, oldest first."""
    with ws.store.read() as session:
        return list(
            session.execute(
                select(ChangeRecord)
                .where(ChangeRecord.entity == entity, ChangeRecord.entity_id == entity_id)
                .order_by(ChangeRecord.seq)
            ).scalars()
        )


def written(row: ChangeRecord, value: Any) -> Written:
    return Written(
        change_id=row.change_id,
        hlc=row.hlc,
        device_id=row.device_id,
        value=value,
        bases=frozenset(json.loads(row.bases) if row.bases else ()),
    )
