"""Replication from a partner server: this server pulls what the partner's
agreement and its people's consent let it send, page by page, by cursor.

Each page and the cursor that follows it commit in one transaction, so a cut
anywhere repeats at most one page, and a repeated page stores nothing twice
(changes are idempotent by id). Changes keep their original provenance
(device, author, organisation, clock stamp) and are marked as received from
the partner, so this server never forwards them to anyone else. People the
partner shares join the caseload of the team named in our agreement with it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Connection, insert, select, update

from storage import wallclock
from sync.protocol import Change
from sync.pull_pages import Malformed, NewerPage, UnreadablePage, read_pull_page
from sync.server import schema as s
from sync.server.partners.agreements import active_agreement, partner, server_key
from sync.server.partners.checks import held_back, partner_refusal
from sync.server.partners.scope import scope_refusals
from sync.server.store import RIDES_ON_REFUSED, ServerStore, _transaction, riding_on_refused
from sync.transport import client, request

logger = logging.getLogger(__name__)


@dataclass
class PartnerPull:
    received: int = 0
    duplicates: int = 0
    refused: list[str] = field(default_factory=list)
    pages: int = 0
    # Stopped at `max_pages` while the partner still said it had more.
    more: bool = False


def ingest(
    store: ServerStore,
    peer: dict[str, Any],
    changes: Sequence[Change],
    cursor: str,
    malformed: Sequence[Malformed] = (),
) -> PartnerPull:
    """Store one page from a partner and move its cursor, in one transaction. The
    page's malformed changes are refused with the rest, so the next page follows."""
    result = PartnerPull(pages=1)
    pid = peer["partner_id"]
    with _transaction(store.engine) as conn:
        # Our server, our laptops and our staff: a partner never writes as any of them.
        ours = {store.server_id} | set(
            conn.execute(
                select(s.devices.c.device_id).where(
                    s.devices.c.device_id.in_({c.device_id for c in changes})
                )
            ).scalars()
        )
        ours |= set(
            conn.execute(
                select(s.staff.c.user_id).where(
                    s.staff.c.user_id.in_({c.author_id for c in changes if c.author_id})
                )
            ).scalars()
        )
        own_org = store.meta("organisation_id")
        good: list[Change] = []
        now = wallclock.utcnow()
        refused: list[dict[str, Any]] = [
            {
                "change_id": m.stand_in.change_id,
                "partner_id": pid,
                "reason": m.reason,
                "refused_at": now,
            }
            for m in malformed
        ]
        for change in changes:
            reason = partner_refusal(change, peer, ours, own_org)
            if reason:
                refused.append(
                    {
                        "change_id": change.change_id,
                        "partner_id": pid,
                        "reason": reason,
                        "refused_at": now,
                    }
                )
            else:
                good.append(change)

        def take_out(out: Sequence[tuple[Change, str]]) -> None:
            """Refuse these, then every change the page makes to a record whose create
            (or append) on the page is refused: its person and category were the
            create's, so an edit riding on a refused decoy create of one of our records
            was judged as the partner's own (store.riding_on_refused, page-wide)."""
            gone = {c.change_id: why for c, why in out}
            dropped = {r["change_id"] for r in refused} | set(gone)
            for rider in riding_on_refused(changes, dropped):
                gone[rider] = RIDES_ON_REFUSED
            for change in [c for c in good if c.change_id in gone]:
                good.remove(change)
                refused.append(
                    {
                        "change_id": change.change_id,
                        "partner_id": pid,
                        "reason": gone[change.change_id],
                        "refused_at": now,
                    }
                )

        take_out([])
        agreement = active_agreement(conn, pid)
        # Only people shared between us, in agreed categories, never moving ours: people
        # held back first, so a person refused here is never taken as the partner's own.
        take_out(held_back(conn, good))
        take_out(scope_refusals(conn, peer, agreement, own_org, good))
        held: set[str] = set(
            conn.execute(
                select(s.changes.c.change_id).where(
                    s.changes.c.change_id.in_([c.change_id for c in good])
                )
            ).scalars()
        )
        team_id = agreement["team_id"] if agreement else None
        accepted, duplicates, unknown = store._insert(
            conn, {"device_id": peer["server_id"], "team_id": team_id}, good
        )
        unknown_ids = {r.change_id for r in unknown}
        refused += [
            {"change_id": r.change_id, "partner_id": pid, "reason": r.reason, "refused_at": now}
            for r in unknown
        ]
        fresh = {c.change_id for c in good} - held - unknown_ids
        if fresh:
            conn.execute(
                insert(s.partner_received),
                [{"change_id": cid, "partner_id": pid} for cid in sorted(fresh)],
            )
        _keep_refusals(conn, refused)
        _local_team(conn, [c.entity_id for c in good if c.entity == "person"], team_id)
        conn.execute(
            update(s.partners)
            .where(s.partners.c.partner_id == pid)
            .values(pull_cursor=cursor, last_pulled_at=now)
        )
    result.received, result.duplicates = accepted, duplicates
    result.refused = [r["change_id"] for r in refused]
    if refused:
        logger.warning("refused %d changes from a partner server", len(refused))
    return result


def _keep_refusals(conn: Connection, refused: list[dict[str, Any]]) -> None:
    r = s.partner_refused
    if not refused:
        return
    held: set[str] = set(
        conn.execute(
            select(r.c.change_id).where(r.c.change_id.in_([x["change_id"] for x in refused]))
        ).scalars()
    )
    rows = {x["change_id"]: x for x in refused if x["change_id"] not in held}
    if rows:
        conn.execute(insert(r), list(rows.values()))


def _local_team(conn: Connection, people: list[str], team_id: str | None) -> None:
    """A partner's person joins our receiving team unless one of our teams has them."""
    if not people or team_id is None:
        return
    pt = s.person_team
    ours = select(s.teams.c.team_id)
    conn.execute(
        update(pt)
        .where(pt.c.person_id.in_(sorted(set(people))), pt.c.team_id.not_in(ours))
        .values(team_id=team_id)
    )


def pull_from(
    store: ServerStore,
    partner_name: str,
    *,
    page_size: int = 2000,
    max_pages: int | None = None,
    transport: httpx.BaseTransport | None = None,
) -> PartnerPull:
    """Replicate from one partner until it has nothing more (or `max_pages` pages, or
    it says it has more but sends nothing new)."""
    with store.engine.connect() as conn:
        peer = partner(conn, partner_name)
    if peer["removed_at"] is not None:
        raise ValueError(f"'{peer['name']}' is no longer a partner.")
    total = PartnerPull()
    http = client(
        peer["url"],
        ca_pem=peer["ca_pem"],
        device_id=store.server_id,
        private_key=server_key(store),
        transport=transport,
    )
    with http:
        cursor = peer["pull_cursor"] or ""
        while max_pages is None or total.pages < max_pages:
            response = request(
                http, "GET", "/partner/pull", params={"cursor": cursor, "limit": page_size}
            )
            try:
                page, malformed = read_pull_page(response.content)
            except NewerPage:
                raise ValueError(
                    "The partner server sends changes in a newer form than this server "
                    "reads: upgrade this server. Nothing was changed."
                ) from None
            except UnreadablePage:
                raise ValueError(
                    "The partner server's answer was not in the expected form."
                ) from None
            if len(page.changes) + len(malformed) > page_size:
                # A page is checked and stored in one transaction, which on SQLite holds
                # the one writer every laptop's sync waits for: a partner sets no size.
                raise ValueError(
                    "The partner server sent more changes than were asked for: nothing was changed."
                )
            if not page.changes and not malformed and page.cursor == cursor:
                total.pages += 1  # nothing new: no write at all
                if page.more:
                    # "More" from a cursor that did not move would be asked for again,
                    # and again: a partner that is not honest (or a bug) held this
                    # server's partner pulls for ever.
                    logger.warning("a partner server said it had more but sent nothing")
                break
            done = ingest(store, peer, page.changes, page.cursor, malformed)
            total.pages += 1
            total.received += done.received
            total.duplicates += done.duplicates
            total.refused += done.refused
            cursor = page.cursor
            if not page.more:
                break
        else:
            total.more = True
    return total
