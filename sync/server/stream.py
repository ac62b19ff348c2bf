"""The pull's stream query, built once: the changes after a cursor a device is sent.

A sync with nothing to do is mostly this query finding nothing. Built anew for
every pull it cost three times its own run: SQLAlchemy's construction, its cache
key, and its IN lists rendered again at each execution. So each shape is built once
(whether the device's user receives records, whether the laptop asks for its own
changes too, and the dialect), and the device, its team, the grants' clock, the
cursor, the head and the page size are bound parameters (`params`)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    false,
    literal,
    literal_column,
    or_,
    select,
)

from sync.server import schema as s
from sync.server.pull_wire import PULL_COLUMNS
from sync.server.validation import DIRECTORY, SERVER_ONLY, TEAM_SETTINGS


def params(
    device: dict[str, Any], *, now: datetime, after: int, head: int, limit: int
) -> dict[str, Any]:
    """The bound values of one pull's stream query."""
    return {
        "device": device["device_id"],
        "team": device["team_id"],
        "now": now,
        "after": after,
        "head": head,
        "limit": limit,
    }


@cache
def query(*, receives: bool, own: bool, dialect: str) -> Select[Any]:
    """Up to `limit` changes with `after < seq <= head` the device may hold, in seq
    order: its team's caseload and its break-glass grants in force (when its user
    receives records at all), the directory and the teams' settings (no one's record:
    weights are not patient data), never what stays on the server, and not what the
    laptop wrote itself unless it asks (`own`: restored from a backup)."""
    c = s.changes.c
    shared = and_(c.person_id.is_(None), c.entity.in_(_constants(DIRECTORY | TEAM_SETTINGS)))
    visible: ColumnElement[bool] = shared
    if receives:
        # `= :team` is never true for a device with no team (NULL), as in `scope`.
        in_scope = scope(bindparam("team"), bindparam("device"), bindparam("now"))
        visible = or_(_person_in_seq_order(dialect).in_(in_scope), shared)
    return (
        select(*PULL_COLUMNS)
        .where(
            c.seq > bindparam("after"),
            c.seq <= bindparam("head"),
            visible,
            c.entity.not_in(_constants(SERVER_ONLY)),
            # A laptop already holds what it wrote (a backfill still sends it).
            *(() if own else (c.device_id != bindparam("device"),)),
        )
        .order_by(c.seq)
        .limit(bindparam("limit"))
        # Read as the page is cut, not whole first (PostgreSQL: a server side cursor;
        # SQLite's reads are lazy already).
        .execution_options(stream_results=True)
    )


def scope(team: Any, device: Any, now: Any) -> Select[Any]:
    """Ids of the people a device may hold: its team's caseload and its break-glass
    grants in force at `now` (values, or bound parameters)."""
    pt = s.person_team
    return select(pt.c.person_id).where(or_(_on_team(team), pt.c.person_id.in_(glass(device, now))))


def team_caseload(team: Any) -> Select[Any]:
    """Ids of a team's people."""
    return select(s.person_team.c.person_id).where(_on_team(team))


def _on_team(team: Any) -> Any:
    """A person is on the team: never for no team (not everyone whose team is unset;
    a bound NULL team, `= NULL`, is never true either)."""
    return false() if team is None else s.person_team.c.team_id == team


def glass(device: Any, now: Any) -> Select[Any]:
    """People a device may hold by a break-glass grant in force at `now`
    (sync/server/beyond_team.py); when it expires the next pull evicts them."""
    bg = s.break_glass_scope
    return select(bg.c.person_id).where(bg.c.device_id == device, bg.c.expires_at > now)


def _constants(names: frozenset[str]) -> list[Any]:
    """A fixed IN list as plain parameters: an expanding one is rendered anew at
    every execution."""
    return [literal(name) for name in sorted(names)]


def _person_in_seq_order(dialect: str) -> Any:
    """The changes' person column for the "in scope" test. SQLite would answer it
    from the person index: every change of each person after the cursor, then all of
    them sorted, so each page of a first download cost as much as all that was left.
    The unary + keeps it reading in seq order, up to the page's limit."""
    person = s.changes.c.person_id
    if dialect != "sqlite":
        return person
    return literal_column(f"+{s.changes.name}.{person.name}", person.type)
