"""The server administrator's trail: who (the operating-system account) ran which
`onerecord-server` command that changes who may do what or reads across the
organisation, when, and whether it was done or refused.

An information-governance lead asks "who enrolled that laptop, who agreed to send
health records to that partner, who ran the organisation's outcome report?": the
laptops' audit chains cannot say (those are the server's own acts). Every command
is written here in one place (`record`, called by the command line after each
command), so a new command cannot be left out; what is kept of its arguments is a
named list per command (`SAFE`): names of teams, staff and partners, ids, dates and
kinds, never a person's NHS number, an enrolment code, a key or a file's contents.

Append only and hash-chained: each row's hash covers its fields and the previous
row's hash, so an edited, removed or reordered row breaks the chain (`verify`).
One row at a time under the database's own lock (SQLite: the write lock taken by
the insert's transaction; PostgreSQL: a transaction-scoped advisory lock), so two
administrators at once still make one chain.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from sync.server import schema as s
from sync.server import servertime
from sync.server.store import ServerStore

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
_LOCK = 724_017  # the advisory lock's key on PostgreSQL: any fixed number of ours

# Per command (its words as typed), the arguments kept; anything else is left out.
SAFE: dict[str, tuple[str, ...]] = {
    "team add": ("name",),
    "user add": ("name", "role", "team"),
    "enrol": ("user", "hours"),
    "revoke": ("device",),
    "devices": (),
    "partner identity": (),
    "partner add": ("name", "url"),
    "partner remove": ("name",),
    "partner list": (),
    "partner sync": ("name",),
    "agreement add": ("partner", "categories", "team"),
    "agreement list": (),
    "agreement end": ("partner",),
    "duty-to-share add": ("partner", "by"),
    "duty-to-share end": ("partner", "by"),
    "audit verify": (),
    "audit report": ("start", "end", "kind", "staff", "format"),
    "report outcomes": ("start", "end", "period", "team", "locality"),
    "report rebuild": (),
    "admin-log": (),
}
# Arguments that name a person or hold a secret or free text: only that they were
# given is kept (a duty to share's reason may name the person; an identity card is
# the partner's key).
GIVEN_ONLY = frozenset({"nhs", "person", "reason", "identity", "ca", "csv", "pdf"})
# The subcommand's dest for each command with subcommands.
_SUBCOMMANDS = {
    "team": "team_command",
    "user": "user_command",
    "partner": "partner_command",
    "agreement": "agreement_command",
    "duty-to-share": "duty_command",
    "audit": "audit_command",
    "report": "report_command",
}


def action_of(args: Mapping[str, Any]) -> str | None:
    """The command's words as typed ("agreement add"); None for serving."""
    command = args.get("command") or "serve"
    if command == "serve":
        return None
    dest = _SUBCOMMANDS.get(command)
    return f"{command} {args.get(dest)}" if dest else str(command)


@dataclass(frozen=True)
class Entry:
    seq: int
    at: datetime
    account: str
    action: str
    outcome: str
    detail: dict[str, Any]


def _account() -> str:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        name = f"uid {os.getuid()}"
    return name[:120]


def _hash(prev: str, at: str, account: str, action: str, outcome: str, detail: str) -> str:
    canonical = json.dumps([prev, at, account, action, outcome, detail], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _stamp(at: datetime) -> str:
    """The time as both databases give it back: UTC, without an offset (SQLite keeps
    no time zone; PostgreSQL returns one in the session's zone)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def kept(action: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """What of a command's arguments goes in the trail (`SAFE`, `GIVEN_ONLY`)."""
    detail: dict[str, Any] = {}
    for name in SAFE.get(action, ()):
        value = args.get(name)
        if value is not None:
            detail[name] = value if isinstance(value, int | float) else str(value)
    for name in GIVEN_ONLY:
        if args.get(name):
            detail[f"{name}_given"] = True
    return detail


def record(store: ServerStore, action: str, outcome: str, detail: Mapping[str, Any]) -> None:
    """Append one entry to the chain, in its own transaction."""
    with store.engine.begin() as conn:
        append_in(conn, action, outcome, dict(detail))


def append_in(
    conn: Connection,
    action: str,
    outcome: str,
    detail: dict[str, Any],
    *,
    account: str | None = None,
) -> None:
    """Append inside the caller's transaction (`account`: who, when not the account
    running this process: a laptop enrolling itself with its one-time code)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
    log = s.admin_log
    prev = conn.execute(select(log.c.hash).order_by(log.c.seq.desc()).limit(1)).scalar()
    at = servertime.now()
    account = (account or _account())[:120]
    body = json.dumps(detail, sort_keys=True, ensure_ascii=False)
    digest = _hash(prev or GENESIS, _stamp(at), account, action, outcome, body)
    conn.execute(
        insert(log).values(
            at=at,
            account=account,
            action=action,
            outcome=outcome,
            detail=body,
            prev_hash=prev or GENESIS,
            hash=digest,
        )
    )


def entries(store: ServerStore, *, limit: int = 200) -> list[Entry]:
    """The newest entries, newest first."""
    log = s.admin_log
    with store.engine.connect() as conn:
        rows = conn.execute(select(log).order_by(log.c.seq.desc()).limit(limit)).all()
    return [Entry(r.seq, r.at, r.account, r.action, r.outcome, json.loads(r.detail)) for r in rows]


def verify(store: ServerStore) -> tuple[int, list[int]]:
    """(entries, the seq of each entry whose hash or link does not hold)."""
    log = s.admin_log
    broken: list[int] = []
    prev = GENESIS
    with store.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(log)).scalar_one()
        for r in conn.execute(select(log).order_by(log.c.seq)):
            at: datetime = r.at
            expected = _hash(prev, _stamp(at), r.account, r.action, r.outcome, r.detail)
            if r.prev_hash != prev or r.hash != expected:
                broken.append(int(r.seq))
            prev = r.hash
    return int(count), broken
