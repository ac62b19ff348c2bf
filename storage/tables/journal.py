"""The change journal (what sync pushes), the audit log and device-local settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base


class ChangeRecord(Base):
    """One field-level change (op "set"), a whole new entity ("create", every
    journalled field at one clock stamp), a removal ("delete"), or a whole
    append-only row ("append"). Written in the same transaction as the data."""

    __tablename__ = "change_journal"
    __journal__ = None
    __table_args__ = (
        Index("ix_change_journal_entity", "entity", "entity_id"),
        Index("ix_change_journal_hlc", "hlc", "device_id"),
        # Only the changes not yet pushed (migration 0018): what the outbox reads.
        Index("ix_change_journal_unpushed", "seq", sqlite_where=text("pushed_at IS NULL")),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True)
    hlc: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[str] = mapped_column(String(36))
    author_id: Mapped[str | None] = mapped_column(String(36))
    organisation_id: Mapped[str | None] = mapped_column(String(36))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(60))
    # JSON: the new value for "set", the whole row for "create" and "append"; NULL for
    # a delete, and for an append pulled from the server, whose row is in its table
    # (storage.change_row.ROW_IN_ITS_TABLE).
    value: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
    pushed_at: Mapped[datetime | None] = mapped_column()
    # JSON list of the change ids this change replaces (see storage.merge).
    bases: Mapped[str | None] = mapped_column(Text)
    # Why the server refused this change, shown to the user; never dropped.
    push_error: Mapped[str | None] = mapped_column(Text)


class AuditEvent(Base):
    """Append-only and hash-chained per device: editing, removing or reordering
    an event breaks the chain, which `onerecord audit verify` detects."""

    __tablename__ = "audit_event"
    __journal__ = "append"
    __table_args__ = (Index("ix_audit_event_chain", "device_id", "device_seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    device_seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    actor_id: Mapped[str | None] = mapped_column(String(36))
    actor_role: Mapped[str | None] = mapped_column(String(40))
    organisation_id: Mapped[str | None] = mapped_column(String(36))
    # No foreign key (migration 0008): events outlive the person's record on a laptop.
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(40))
    # JSON with ids and counts only: never names, NHS numbers or narrative.
    detail: Mapped[str] = mapped_column(Text, default="{}")
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ProfileSetting(Base):
    """Device-local state inside the encrypted store (device id, signed-in user)."""

    __tablename__ = "profile_setting"
    __journal__ = None

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Draft(Base):
    """Work in progress (a visit note half typed when the laptop locked), kept
    inside the encrypted store and never synced until it is saved for real."""

    __tablename__ = "draft"
    __journal__ = None
    __table_args__ = (UniqueConstraint("user_id", "key", name="one_per_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str | None] = mapped_column(String(36))
    # What the draft is of, e.g. "visit_note:<person id>".
    key: Mapped[str] = mapped_column(String(120))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), index=True)
    payload: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class SyncConflict(Base):
    """An open conflict: two or more concurrent values of one field. Derived from
    the journal (storage.merge) and kept here so the app can list them quickly."""

    __tablename__ = "sync_conflict"
    __journal__ = None

    entity: Mapped[str] = mapped_column(String(60), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # JSON list of the heads, greatest first: change_id, hlc, device_id, value, author, org.
    heads: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime]


class KeptAside(Base):
    """A change pulled from the server that this laptop could not apply (a required
    value missing, a value of the wrong type, a clock stamp far ahead, a reference to
    a record that is not here), kept whole with the plain reason instead of stopping
    the sync. Device-local: never journalled, never pushed; tried again at each sync
    (its parent may arrive later) and shown to the user until it applies."""

    __tablename__ = "kept_aside"
    __journal__ = None

    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(60))
    # Whose record it belongs to, when known: evicting that person removes it too.
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # The change as it came (sync.protocol.Change as JSON), to be tried again.
    change: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    kept_at: Mapped[datetime]
