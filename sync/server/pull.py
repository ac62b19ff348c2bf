"""One laptop's pull, inside the store's transaction: whom to send whole (a
backfill), the stream of new changes, and whom to remove, with the cursor the
page answers with. `ServerStore.pull` runs it and keeps, per device, what a pull
that found no one either way was settled on (`Settled`), so the next quiet pull
skips both set differences."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    update,
)

from app.services.need_to_know.access_policy import receives_records
from sync.server import generations, scope_version, servertime, stream
from sync.server import schema as s
from sync.server.pull_wire import PULL_COLUMNS, Page, within
from sync.server.validation import SERVER_ONLY


def cursor_text(seq: int, generation: int) -> str:
    """The cursor a page answers with: "<seq>.<generation>"."""
    return f"{seq}.{generation}"


OWN_CHANGES = "~own"
# A backfill page sends people whole, so it is bounded by its change count only, not
# by PULL_PAGE_CHARS: it stays at the size pages had before the stream's grew to
# MAX_PULL_PAGE. (A first download is the stream: a new laptop's first backfill page
# only notes whom it holds.)
BACKFILL_PAGE = 5_000


def parse_cursor(text: str | None) -> tuple[int, int]:
    if not text:
        return 0, 0
    try:
        seq, _, generation = text.partition(".")
        values = max(0, int(seq)), max(0, int(generation or 0))
    except ValueError:
        raise ValueError("The sync cursor is not one this server gave out.") from None
    # Beyond a 64-bit integer no database column can hold it (found by fuzzing).
    if max(values) >= 2**63:
        raise ValueError("The sync cursor is not one this server gave out.")
    return values


def device_scope(device: dict[str, Any], role: str | None, *, now: datetime | None = None) -> Any:
    """Ids of the people this device may hold (stream.scope), at `now` (the server's
    clock unless given): what pull sends, and what the same-person check may name."""
    if not receives_records(role):
        # An administrator's laptop holds the directory, never a person's record.
        return select(s.person_team.c.person_id).where(false())
    return stream.scope(device["team_id"], device["device_id"], now or servertime.now())


# However still everything stays, a device's caseload is worked out again this often:
# a bound on any staleness the token cannot see (triggers disabled by hand, a replica's
# writes that bypass them).
SETTLED_FOR_SECONDS = 300.0


@dataclass(frozen=True)
class Settled:
    """What a pull's "whom to send whole, whom to remove" was worked out from. When a
    pull found no one either way, the device holds exactly its scope (every dp row not
    evicted is sent and in scope, no one in scope unsent): the same inputs give the
    same answer, so the next pull with them skips both set differences. The scope is
    the device's team's caseload and its break-glass grants, what it holds is
    device_people (all three change the scope_version token); a device with any
    grant, in force or expired, always works it out (expiry changes no token); role
    and team come from the device's own rows, read every pull."""

    team_id: str | None
    role: str | None
    generation: int
    version: str | None


@dataclass(frozen=True)
class Pulled:
    """A page, and what the store remembers of the pull once it has committed."""

    page: Page
    settled: Settled
    quiet: bool
    # Everyone in scope is held and no one else (no one sent whole or removed, no grant).
    holds_its_scope: bool


def page(
    conn: Connection,
    device: dict[str, Any],
    cursor: str | None,
    limit: int,
    *,
    last: tuple[Settled, float] | None,
    page_chars: int,
) -> Pulled:
    """The next page for one laptop (as rows: sync/server/pull_wire.py writes it
    out), inside the store's transaction; `last` is what the device's last pull
    that held its scope was settled on, and when (ServerStore keeps it).

    The cursor is "<seq>.<generation>": the laptop holds every visible change up
    to `seq`, and has received every response up to `generation`. People who
    joined the laptop's caseload after it passed their older changes are sent
    those first (a backfill, one generation each); then new changes stream by
    seq; people who left the caseload are listed for eviction. A response that
    never arrived is sent again, because its generation is never confirmed.
    """
    # "~own": a laptop restored from a backup asks for its own changes too (it no
    # longer holds those made after the backup) until it has caught up.
    own = bool(cursor) and str(cursor).endswith(OWN_CHANGES)
    after, generation = parse_cursor(str(cursor or "").removesuffix(OWN_CHANGES))
    device_id, team_id = device["device_id"], device["team_id"]
    dp = s.device_people
    # First, before anything it vouches for is read (one statement: a quiet
    # sync is mostly a handful of them).
    role, token, glass = conn.execute(
        _SETTLED_ON, {"user_id": device.get("user_id"), "device": device_id}
    ).one()
    # The role of the device's enrolled user (None: no such member of staff).
    settled = Settled(
        team_id,
        None if role is None else str(role),
        generation,
        None if token is None else str(token),
    )
    glass = bool(glass)
    # One clock for the pull: the grants in force are the same in every query.
    now = servertime.now()
    quiet = (
        last is not None
        and last[0] == settled
        and time.monotonic() - last[1] < SETTLED_FOR_SECONDS
        and not glass
        # No token (its row gone): nothing can vouch that the scope is still.
        and settled.version is not None
    )
    # Whom to send whole, and (below) whom to remove: the set differences a
    # quiet pull skips (the stream's query carries the scope itself: stream.scope).
    in_scope: Any = None
    newcomers: list[str] = []
    if not quiet:
        # Rows for responses this laptop's cursor has not confirmed: a lost answer,
        # or a laptop restored from a backup (its generation is older than ones
        # already given out). It does not hold those people: they are sent again.
        # Left in place, a restored laptop's next generations reused their numbers,
        # and someone sent after the backup could count as held, and never come.
        # An eviction stays: a newer backup, restored later, may hold them.
        conn.execute(
            delete(dp).where(
                dp.c.device_id == device_id,
                dp.c.sent_generation > generation,
                dp.c.evicted_generation.is_(None),
            )
        )
        in_scope = device_scope(device, settled.role, now=now)
        known = select(dp.c.person_id).where(
            dp.c.device_id == device_id,
            dp.c.sent_generation <= generation,
            dp.c.evicted_generation.is_(None),
        )
        newcomers = sorted(conn.execute(in_scope.except_(known)).scalars())
    if newcomers:
        rows, batch = _backfill(conn, newcomers, after, min(limit, BACKFILL_PAGE))
        next_generation = generations.next_for(conn, device_id, generation)
        _mark_sent(conn, device_id, batch, next_generation)
        next_after, more = after, True
    else:
        # The head first, and nothing past it: rows committed after it are the next
        # pull's. Read after the rows, a change committed in between (another
        # process: an administrator's command, a partner's pull; SQLite gives a
        # pull that writes nothing no snapshot) was skipped by the cursor for good.
        head = _head(conn)
        stream_query = stream.query(
            receives=receives_records(settled.role), own=own, dialect=conn.dialect.name
        )
        # One row past the page says whether there is more: a page that fills to the
        # limit with nothing after it is the last, not followed by a request for an
        # empty one (a round trip saved on every sync that ends on a full page).
        rows, full = within(
            conn.execute(
                stream_query,
                stream.params(device, now=now, after=after, head=head, limit=limit + 1),
            ),
            page_chars,
        )
        more = full or len(rows) > limit
        del rows[limit:]
        # Nothing visible beyond the last row means nothing to wait for up to head.
        next_after = rows[-1].seq if more else max(after, head)
        next_generation = generation
    evict = [] if quiet else _evictions(conn, device_id, generation, in_scope)
    # Everyone in scope is held and no one else: until the scope or the laptop's
    # team, role or generation moves, that stays so.
    holds_its_scope = not newcomers and not evict and not glass
    if evict:
        if next_generation == generation:
            next_generation = generations.next_for(conn, device_id, generation)
        # Never lowered, so a newer backup restored later is told too. A fresh
        # generation (generations.py) is past any given since device_generation
        # was kept; the comparison covers ones given before (an upgraded server).
        conn.execute(
            update(dp)
            .where(dp.c.device_id == device_id, dp.c.person_id.in_(evict))
            .values(
                evicted_generation=case(
                    (dp.c.evicted_generation > next_generation, dp.c.evicted_generation),
                    else_=next_generation,
                )
            )
        )
    # For the progress bar: changes after the cursor, seen or not (the stream
    # has no gaps to speak of). Counting them cost as much as all that was left,
    # on every page of a first download.
    remaining = max(0, _head(conn) - next_after) if more else 0
    return Pulled(
        page=Page(
            rows=rows,
            cursor=cursor_text(next_after, next_generation) + (OWN_CHANGES if own and more else ""),
            more=more,
            total=remaining,
            evict=evict,
            now=now,
        ),
        settled=settled,
        quiet=quiet,
        holds_its_scope=holds_its_scope,
    )


def _head(conn: Connection) -> int:
    return int(conn.execute(_HEAD).scalar_one())


def _backfill(
    conn: Connection, newcomers: list[str], after: int, limit: int
) -> tuple[list[Any], list[str]]:
    """Whole people, up to about `limit` changes: their changes the stream has passed."""
    counts: dict[str, int] = dict(
        conn.execute(
            select(s.changes.c.person_id, func.count())
            .where(s.changes.c.person_id.in_(newcomers), s.changes.c.seq <= after)
            .group_by(s.changes.c.person_id)
        ).all()
    )
    batch: list[str] = []
    size = 0
    for person_id in newcomers:
        count = counts.get(person_id, 0)
        if batch and size + count > limit:
            break
        batch.append(person_id)
        size += count
    rows = list(
        conn.execute(
            select(*PULL_COLUMNS)
            .where(
                s.changes.c.person_id.in_([p for p in batch if counts.get(p)]),
                s.changes.c.seq <= after,
                s.changes.c.entity.not_in(SERVER_ONLY),
            )
            .order_by(s.changes.c.seq)
        ).all()
    )
    return rows, batch


def _mark_sent(conn: Connection, device_id: str, people: list[str], generation: int) -> None:
    dp = s.device_people
    conn.execute(delete(dp).where(dp.c.device_id == device_id, dp.c.person_id.in_(people)))
    conn.execute(
        insert(dp),
        [{"device_id": device_id, "person_id": p, "sent_generation": generation} for p in people],
    )


def _evictions(conn: Connection, device_id: str, generation: int, in_scope: Any) -> list[str]:
    """People this laptop may hold who are no longer on its team's caseload: those it
    was sent, and those it was told to remove by a response its cursor does not yet
    confirm. An eviction is kept once confirmed (evicted_generation): a laptop
    restored from a backup made before it comes back with an older generation, holds
    the person again, and is told again. (Confirmed evictions were once deleted, and
    such a laptop kept the record for good.) Someone sent again is a row anew."""
    dp = s.device_people
    held = select(dp.c.person_id).where(
        dp.c.device_id == device_id,
        or_(dp.c.evicted_generation.is_(None), dp.c.evicted_generation > generation),
    )
    return sorted(conn.execute(held.except_(in_scope)).scalars())


# Statements every pull runs, built once (a quiet sync is mostly these).
_HEAD = select(func.coalesce(func.max(s.changes.c.seq), 0))
_ROLE = select(s.staff.c.role).where(s.staff.c.user_id == bindparam("user_id"))
# What a pull's "whom to send whole, whom to remove" is settled on (Settled): the
# device's user's role, the scope token, and whether the device has any grant.
_SETTLED_ON = select(
    _ROLE.scalar_subquery(),
    scope_version.TOKEN.scalar_subquery(),
    exists().where(s.break_glass_scope.c.device_id == bindparam("device")),
)
