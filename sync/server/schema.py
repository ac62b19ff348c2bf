"""The partner server's tables (SQLAlchemy Core, the same on SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()
# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL wants BIGINT.
Seq = BigInteger().with_variant(Integer(), "sqlite")

server_meta = Table(
    "server_meta",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)

# Every change any laptop pushed, in arrival order: `seq` is the pull cursor.
changes = Table(
    "changes",
    metadata,
    Column("seq", Seq, primary_key=True, autoincrement=True),
    Column("change_id", String(36), nullable=False, unique=True),
    Column("hlc", BigInteger, nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("author_id", String(36)),
    Column("organisation_id", String(36)),
    Column("entity", String(60), nullable=False),
    Column("entity_id", String(36), nullable=False),
    Column("op", String(10), nullable=False),
    Column("field", String(60)),
    Column("value", Text),
    Column("bases", Text),
    Column("recorded_at", String(40), nullable=False),
    # Whose record this change belongs to: what decides which laptops receive it.
    Column("person_id", String(36), index=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_changes_entity", "entity", "entity_id"),
)

# The team each person belongs to now (the winning value of person.team_id).
person_team = Table(
    "person_team",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("team_id", String(36), index=True),
    Column("hlc", BigInteger, nullable=False),
    Column("device_id", String(36), nullable=False),
)

teams = Table(
    "teams",
    metadata,
    Column("team_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
)

staff = Table(
    "staff",
    metadata,
    Column("user_id", String(36), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(40), nullable=False),
    Column("team_id", String(36)),
    Column("active", Boolean, nullable=False, default=True),
)

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("user_id", String(36), nullable=False),
    Column("team_id", String(36)),
    Column("public_key", String(100), nullable=False),
    Column("name", String(120), nullable=False, default=""),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

enrolment_codes = Table(
    "enrolment_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("user_id", String(36), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

# Nonces seen inside the signature window: a replayed request is refused.
nonces = Table(
    "nonces",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False, index=True),
)

# Which people a device has been sent in full, and the pull generation that
# sent (or evicted) them, so a lost response is sent again, never assumed.
device_people = Table(
    "device_people",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True),
    Column("sent_generation", Integer, nullable=False),
    Column("evicted_generation", Integer),
)
