"""What this server sends a partner server that pulls from it.

The partner pulls by cursor, "<seq>.<generation>" as laptops do. Before each
page the sender (1) gives every new record its sharing category
(sync/server/categories.py), (2) brings the partner's grants up to date with
the agreement, consent and duty to share (partners/grants.py), then (3) either
backfills grants that are new since the partner's cursor passed their older
changes (consent given after the fact, an agreement widened), or streams the
changes after the cursor that fall within a grant. Grants are checked as they
stand now, so a withdrawal stops the flow at once, even for changes written
before it and not yet sent. Changes received from a partner are never sent on.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, exists, func, insert, or_, select, text

from sync.protocol import Change, PullResponse
from sync.server import schema as s
from sync.server.categories import CONSENT, DIRECTORY, UNREADABLE_KIND, category_of
from sync.server.journal_rows import stored_object
from sync.server.partners import grants as partner_grants
from sync.server.partners.agreements import active_agreement
from sync.server.pull import cursor_text, parse_cursor
from sync.server.store import ServerStore, _transaction, _wire

logger = logging.getLogger(__name__)

BACKFILL_PEOPLE = 200
_CATEGORISE_CHUNK = 5_000


class NoAgreementError(Exception):
    """This server has no active sharing agreement with the partner."""


def _org_kinds(conn: Connection) -> dict[str, str]:
    c = s.changes
    kinds: dict[str, str] = {}
    for row in conn.execute(
        select(c.c.entity_id, c.c.value)
        .where(c.c.entity == "organisation", c.c.op == "create")
        .order_by(c.c.hlc)
    ):
        value = stored_object(row.value)
        kind = value.get("kind") if value is not None else UNREADABLE_KIND
        if kind is None:
            kind = ""
        kinds[row.entity_id] = kind if isinstance(kind, str) else UNREADABLE_KIND
    return kinds


def categorise(conn: Connection) -> int:
    """Give every record created since the last call its category; the seq covered."""
    c, se = s.changes, s.shared_entity
    head: int = conn.execute(select(func.coalesce(func.max(c.c.seq), 0))).scalar_one()
    meta = s.server_meta
    done = int(
        conn.execute(select(meta.c.value).where(meta.c.key == "categorised_seq")).scalar() or 0
    )
    if head <= done:
        return done
    kinds = _org_kinds(conn)
    start = done
    while start < head:
        stop = min(head, start + _CATEGORISE_CHUNK)
        rows = conn.execute(
            select(c.c.entity, c.c.entity_id, c.c.value, c.c.organisation_id, c.c.person_id)
            .where(c.c.seq > start, c.c.seq <= stop, c.c.op.in_(("create", "append")))
            .order_by(c.c.seq)
        ).all()
        found: dict[str, dict[str, Any]] = {}
        for row in rows:
            value = stored_object(row.value)
            if value is None:
                # Unreadable, so its category cannot be known: never shared, and the
                # records after it are still categorised.
                continue
            category = category_of(row.entity, value, row.organisation_id, kinds)
            if category is None or row.entity_id in found:
                continue
            found[row.entity_id] = {
                "entity_id": row.entity_id,
                "entity": row.entity,
                "person_id": row.entity_id if row.entity == "person" else row.person_id,
                "category": category,
                "partner_org": value.get("partner_organisation_id")
                if category == CONSENT
                else None,
            }
        if found:
            held: set[str] = set(
                conn.execute(
                    select(se.c.entity_id).where(se.c.entity_id.in_(list(found)))
                ).scalars()
            )
            fresh = [r for key, r in found.items() if key not in held]
            if fresh:
                conn.execute(insert(se), fresh)
        start = stop
    conn.execute(delete(meta).where(meta.c.key == "categorised_seq"))
    conn.execute(insert(meta), [{"key": "categorised_seq", "value": str(head)}])
    return head


def _shareable(partner: dict[str, Any], own_org: str | None) -> Any:
    """Changes of this organisation (not received from a partner); consent
    decisions only if they name every partner, this partner (so it hears of a
    withdrawal) or us (what the partner needs before it may send to us)."""
    c, se = s.changes, s.shared_entity
    return and_(
        ~exists().where(s.partner_received.c.change_id == c.c.change_id),
        or_(
            se.c.category != CONSENT,
            se.c.partner_org.is_(None),
            se.c.partner_org == partner["organisation_id"],
            se.c.partner_org == own_org,
        ),
    )


def _backfill(
    conn: Connection,
    partner: dict[str, Any],
    own_org: str | None,
    waiting: dict[str, set[str]],
    after: int,
) -> list[Any]:
    """These people's changes in their newly granted categories that the cursor passed.
    Found from the people (an index) rather than by scanning every change."""
    if not after:
        return []
    c, se = s.changes, s.shared_entity
    by_person = se.join(c, and_(c.c.entity == se.c.entity, c.c.entity_id == se.c.entity_id))
    categories = sorted(set().union(*waiting.values()))
    found = conn.execute(
        select(c, se.c.person_id.label("owner"), se.c.category.label("granted"))
        .select_from(by_person)
        .where(
            se.c.person_id.in_(sorted(waiting)),
            se.c.category.in_(categories),
            c.c.seq <= after,
            _shareable(partner, own_org),
        )
        .order_by(c.c.seq)
    )
    return [row for row in found if row.granted in waiting[row.owner]]


def page(
    store: ServerStore, partner: dict[str, Any], cursor: str | None, limit: int
) -> PullResponse:
    after, generation = parse_cursor(cursor)
    c, se, g = s.changes, s.shared_entity, s.partner_grants
    pid = partner["partner_id"]
    # By kind and id, as the backfill joins: a partner's record may reuse the id of one
    # of ours that is never shared (a team's, a locality's, a meeting's: ids it has
    # seen), and by id alone that record of ours went out with the partner's category.
    joined = c.join(se, and_(se.c.entity == c.c.entity, se.c.entity_id == c.c.entity_id))
    with _transaction(store.engine) as conn:
        if conn.dialect.name == "postgresql":
            # One partner page at a time: categories and grants are written once.
            conn.execute(text("SELECT pg_advisory_xact_lock(7172)"))
        agreement = active_agreement(conn, pid)
        if agreement is None:
            raise NoAgreementError
        head = categorise(conn)
        own_org = conn.execute(
            select(s.server_meta.c.value).where(s.server_meta.c.key == "organisation_id")
        ).scalar()
        partner_grants.refresh(conn, partner, agreement, head)
        waiting = partner_grants.pending(conn, pid, generation)
        rows: list[Any] = []
        left = sorted(waiting)
        while left and not rows:
            people, left = left[:BACKFILL_PEOPLE], left[BACKFILL_PEOPLE:]
            rows = _backfill(conn, partner, own_org, {p: waiting[p] for p in people}, after)
            # Sent in the next generation, confirmed when the partner comes back with
            # it; with nothing behind the cursor there is nothing to confirm.
            sent_in = generation + 1 if rows else generation
            partner_grants.mark_sent(conn, pid, people, generation, sent_in)
        if rows:
            next_after, more, next_generation = after, True, generation + 1
        else:
            granted = exists().where(
                g.c.partner_id == pid,
                g.c.person_id == se.c.person_id,
                g.c.category == se.c.category,
            )
            rows = list(
                conn.execute(
                    select(c)
                    .select_from(joined)
                    .where(
                        c.c.seq > after,
                        c.c.seq <= head,
                        or_(se.c.category == DIRECTORY, granted),
                        _shareable(partner, own_org),
                    )
                    .order_by(c.c.seq)
                    .limit(limit)
                )
            )
            more = len(rows) == limit
            next_after = rows[-1].seq if more else max(after, head)
            next_generation = generation
    return PullResponse(
        changes=_readable(rows),
        cursor=cursor_text(next_after, next_generation),
        more=more,
    )


def _readable(rows: Sequence[Any]) -> list[Change]:
    """The page's rows as changes, leaving out any this server cannot read (spoilt by
    hand or by a bug: its value or bases not in the wire's form). The partner could not
    take it either, and a page that failed on it would fail at every pull, for good."""
    changes: list[Change] = []
    for row in rows:
        try:
            changes.append(_wire(row))
        except (ValueError, RecursionError):
            continue
    if len(changes) < len(rows):
        logger.warning(
            "%d stored change(s) could not be read and were left out of a partner's page",
            len(rows) - len(changes),
        )
    return changes
