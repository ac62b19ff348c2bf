"""Declarative base and the provenance every shared record entry carries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import Date, DateTime, MetaData, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage import wallclock
from storage.ids import new_id

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes in, timezone-aware UTC datetimes out."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: record times in UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# References to the directory (organisations, localities, teams, staff) are plain
# ids, not foreign keys: the directory comes from partner servers and a record
# may name a colleague from another organisation before their entry arrives.
# References inside one person's record (a goal's person, an action's goal) are
# foreign keys: they always travel together.


def utcnow() -> datetime:
    return wallclock.utcnow()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, date: Date}

    # How the change journal treats this table: "fields" journals each changed
    # field, "append" journals whole rows and forbids updates and deletes,
    # None leaves the table out (device-local state).
    __journal__: ClassVar[str | None] = "fields"


class Recorded:
    """Who recorded an entry, for which organisation, from which device, and when.

    Filled by the store from the signed-in actor; never typed by hand.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str | None] = mapped_column(String(36))
    recorded_org: Mapped[str | None] = mapped_column(String(36))
    recorded_device: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime | None] = mapped_column()
    updated_by: Mapped[str | None] = mapped_column(String(36))


# Provenance columns the journal does not carry as field changes: the journal
# row itself says who, when and from where.
UNJOURNALLED_COLUMNS = frozenset({"updated_at", "updated_by"})
