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

# One row: a random token the database's own triggers change at every row written to
# person_team, break_glass_scope and device_people (sync/server/scope_version.py).
scope_version = Table(
    "scope_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("token", String(40), nullable=False),
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

# No record is created twice: at most one create (or append) of each (kind, id). The
# database holds this rule, so a push need not look up every record it creates
# (row_references.lifecycle_refusals does only when an insert breaks it, and always
# on a server whose journal broke it before the index existed). Over every change:
# (kind, id, then '' for a create or append and the change's own id for any other),
# so it also answers every lookup by kind, or kind and id, that ix_changes_entity did,
# and takes its place (each index costs every insert). ServerStore makes it when
# missing, then drops what it replaces (and ix_changes_entity_id, which an earlier
# version made on PostgreSQL for the lookup this index makes rare).
CREATED_ONCE = "ux_changes_created_once"
CREATED_ONCE_DDL = (
    f"CREATE UNIQUE INDEX IF NOT EXISTS {CREATED_ONCE} ON changes (entity, entity_id, "
    "(CASE WHEN op IN ('create', 'append') THEN '' ELSE change_id END))"
)
REPLACED_INDEX = "ix_changes_entity"
RETIRED_INDEXES = ("ix_changes_entity_id",)

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

# How many changes the server has refused from each device, for the administrator
# (`onerecord-server devices`): a laptop that keeps sending what it may not is worth
# a look. Apart from `devices` so an existing database gains it by create_all.
device_refusals = Table(
    "device_refusals",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("refused", BigInteger, nullable=False),
    Column("last_refused_at", DateTime(timezone=True), nullable=False),
)

enrolment_codes = Table(
    "enrolment_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("user_id", String(36), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

# What the server's administrators did (sync/server/admin_log.py): each command that
# changes who may do what (teams, staff, enrolment codes, laptops, partners,
# agreements, duties to share) or reads across the organisation (reports), with the
# operating-system account that ran it and whether it was done or refused. Append
# only, hash-chained (`hash` covers the row and the previous row's hash), so an
# edited, removed or reordered row is found by `onerecord-server admin-log --verify`.
admin_log = Table(
    "admin_log",
    metadata,
    Column("seq", Seq, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("account", String(120), nullable=False),
    Column("action", String(60), nullable=False),
    Column("outcome", String(20), nullable=False),
    # JSON: names of teams, staff and partners, ids and counts; never a person's NHS
    # number or name, an enrolment code or a key.
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
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

# The highest pull generation given to each device (sync/server/generations.py), so
# a new one is never a number given out before, even to a laptop restored from a
# backup whose cursor is older.
device_generation = Table(
    "device_generation",
    metadata,
    Column("device_id", String(36), primary_key=True),
    Column("issued", Integer, nullable=False),
)

# --- sharing with partner servers (sync/server/partner_*.py) ----------------

# A partner organisation's server: its identity (exchanged by the administrators)
# and, on this side, how far this server has pulled from it.
partners = Table(
    "partners",
    metadata,
    Column("partner_id", String(36), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("url", String(300), nullable=False),
    Column("ca_pem", Text),
    Column("server_id", String(36), nullable=False, unique=True),
    Column("public_key", String(100), nullable=False),
    Column("organisation_id", String(36), nullable=False),
    Column("organisation_kind", String(40), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("removed_at", DateTime(timezone=True)),
    Column("pull_cursor", String(40), nullable=False, default=""),
    Column("last_pulled_at", DateTime(timezone=True)),
    # Sender side: consent changes already folded into partner_grants, and the
    # agreement those grants were computed under (a new one recomputes them all).
    Column("consent_seq", Seq, nullable=False, default=0),
    Column("grants_agreement_id", String(36)),
)

# What this organisation agreed to send a partner: a list of consent categories,
# and the local team whose caseload receives the people the partner shares.
agreements = Table(
    "agreements",
    metadata,
    Column("agreement_id", String(36), primary_key=True),
    Column("partner_id", String(36), nullable=False, index=True),
    Column("categories", String(200), nullable=False),
    Column("team_id", String(36)),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

# A recorded duty to share safeguarding information without consent.
duty_to_share = Table(
    "duty_to_share",
    metadata,
    Column("duty_id", String(36), primary_key=True),
    Column("partner_id", String(36), nullable=False),
    Column("person_id", String(36), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("decided_by", String(36), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
)

# The sharing category of every entity (decided by its create), and whose record it is.
shared_entity = Table(
    "shared_entity",
    metadata,
    Column("entity_id", String(36), primary_key=True),
    Column("entity", String(60), nullable=False),
    Column("person_id", String(36)),
    Column("category", String(40), nullable=False),
    # consent_to_share only: the partner organisation it is about (NULL: every partner).
    Column("partner_org", String(36)),
    Index("ix_shared_entity_person", "person_id", "category"),
)

# Sender side: (person, category) a partner may receive now, and the pull
# generation that backfilled it (NULL until sent), as device_people for laptops.
partner_grants = Table(
    "partner_grants",
    metadata,
    Column("partner_id", String(36), primary_key=True),
    Column("person_id", String(36), primary_key=True),
    Column("category", String(40), primary_key=True),
    Column("sent_generation", Integer),
)

# Receiver side: changes that came from a partner (never forwarded on), and
# those refused, with the reason (kept, never silently dropped).
partner_received = Table(
    "partner_received",
    metadata,
    Column("change_id", String(36), primary_key=True),
    Column("partner_id", String(36), nullable=False),
)

partner_refused = Table(
    "partner_refused",
    metadata,
    Column("change_id", String(36), primary_key=True),
    Column("partner_id", String(36), nullable=False),
    Column("reason", Text, nullable=False),
    Column("refused_at", DateTime(timezone=True), nullable=False),
)

# Break-glass from a laptop for someone beyond its team (sync/server/beyond_team.py):
# the person is in that device's scope until `expires_at`, then evicted as usual.
break_glass_scope = Table(
    "break_glass_scope",
    metadata,
    Column("grant_id", String(36), primary_key=True),
    Column("device_id", String(36), nullable=False, index=True),
    Column("person_id", String(36), nullable=False),
    Column("user_id", String(36), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# --- kept beside the journal for the outcome report (sync/server/outcome_records.py) --

# Each record of the kinds the report reads (outcome_kinds.KINDS) as the journal folds
# it now: only the fields the report needs (JSON text), or NULL when its changes cannot
# be read (the report counts it). A record removed, or never created, has no row.
# Written in the transaction of every change that touches the record.
outcome_records = Table(
    "outcome_records",
    metadata,
    Column("entity", String(60), primary_key=True),
    Column("entity_id", String(36), primary_key=True),
    Column("person_id", String(36), nullable=False),
    Column("value", Text),
)

# Each contact note that is a contact (not a correction): whose, and when it happened
# (outcome_typed.contact_of: microseconds since 1970 in UTC and the day in England as
# an ordinal; both NULL when its time cannot be read). `readable` false: the note is
# not a JSON record.
outcome_contacts = Table(
    "outcome_contacts",
    metadata,
    Column("change_id", String(36), primary_key=True),
    Column("person_id", String(36), nullable=False),
    Column("at_us", BigInteger),
    Column("day", Integer),
    Column("readable", Boolean, nullable=False),
)
