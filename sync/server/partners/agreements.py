"""Partner servers and sharing agreements: what an administrator sets up.

Each server has its own Ed25519 key pair (as each laptop has). Two organisations
enrol each other by exchanging identity cards: `onerecord-server partner
identity` prints this server's card (server id, public key, organisation) and
its fingerprint; the other administrator runs `partner add --identity CARD`
after checking the fingerprint with us by phone. No secret ever travels.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from app.errors import OneRecordError
from storage import wallclock
from sync import signing
from sync.server import directory
from sync.server import schema as s
from sync.server.categories import parse_categories
from sync.server.journal_rows import stored_object
from sync.server.store import ServerStore, _transaction

CARD_PREFIX = "onerecord-partner:"


def server_key(store: ServerStore) -> bytes:
    """This server's private signing key, made on first use (kept in its database)."""
    held = store.meta("server_private_key")
    if held is None:
        key = signing.new_private_key()
        store.set_meta("server_private_key", base64.b64encode(key).decode("ascii"))
        return key
    return base64.b64decode(held)


def own_organisation(store: ServerStore) -> dict[str, Any]:
    org_id = directory.organisation(store)
    with store.engine.connect() as conn:
        value = conn.execute(
            select(s.changes.c.value).where(
                s.changes.c.entity == "organisation", s.changes.c.entity_id == org_id
            )
        ).scalar()
    if not value:
        return {"id": org_id}
    row = stored_object(value)
    if row is None or not all(isinstance(row.get(k), str) for k in ("id", "name", "kind")):
        # Spoilt on this server (by hand, or a bug): a card made from it would be
        # refused by the partner, or name the wrong organisation.
        raise directory.AdminError(
            "This server's entry for its own organisation cannot be read: restore the "
            "database from its last backup before sharing with a partner."
        )
    return row


def fingerprint(public_key: str) -> str:
    digest = hashlib.sha256(public_key.encode("ascii")).hexdigest()[:20].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 20, 4))


def identity_card(store: ServerStore) -> str:
    org = own_organisation(store)
    card = {
        "server_id": store.server_id,
        "public_key": signing.public_key_of(server_key(store)),
        "organisation_id": org["id"],
        "organisation_name": org.get("name") or "",
        "organisation_kind": org.get("kind") or "",
    }
    return CARD_PREFIX + base64.urlsafe_b64encode(json.dumps(card).encode()).decode("ascii")


def read_card(card: str) -> dict[str, str]:
    try:
        raw = card.strip().removeprefix(CARD_PREFIX)
        found = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
        needed = ("server_id", "public_key", "organisation_id", "organisation_kind")
        if not all(isinstance(found.get(k), str) and found[k] for k in needed):
            raise ValueError
        uuid.UUID(found["server_id"])
        if len(base64.b64decode(found["public_key"])) != 32:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeError):
        raise directory.AdminError(
            "That is not a partner identity card: copy the whole line that "
            "'onerecord-server partner identity' printed."
        ) from None
    return {k: str(v) for k, v in found.items()}


def add_partner(
    store: ServerStore, name: str, url: str, card: str, ca_pem: str | None = None
) -> dict[str, Any]:
    name = " ".join(name.split())
    if not name:
        raise directory.AdminError("Give the partner a name.")
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise directory.AdminError("A partner's address must start with https://.")
    peer = read_card(card)
    if peer["server_id"] == store.server_id:
        raise directory.AdminError("That identity card is this server's own.")
    row = {
        "partner_id": str(uuid.uuid4()),
        "name": name,
        "url": url.rstrip("/"),
        "ca_pem": ca_pem,
        "server_id": peer["server_id"],
        "public_key": peer["public_key"],
        "organisation_id": peer["organisation_id"],
        "organisation_kind": peer["organisation_kind"],
        "added_at": wallclock.utcnow(),
        "pull_cursor": "",
        "consent_seq": 0,
    }
    with _transaction(store.engine) as conn:
        clash = conn.execute(
            select(s.partners.c.name).where(
                (s.partners.c.name == name) | (s.partners.c.server_id == peer["server_id"])
            )
        ).first()
        if clash:
            raise directory.AdminError(f"That partner is already added (as '{clash.name}').")
        conn.execute(insert(s.partners), [row])
    return row


def partner(conn: Connection, name_or_id: str) -> dict[str, Any]:
    p = s.partners
    found = conn.execute(
        select(p).where((p.c.name == name_or_id) | (p.c.partner_id == name_or_id))
    ).first()
    if found is None:
        raise directory.AdminError(
            f"There is no partner called '{name_or_id}': "
            "add it with 'onerecord-server partner add'."
        )
    return dict(found._mapping)


def partner_by_server(store: ServerStore, server_id: str) -> dict[str, Any] | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(s.partners).where(s.partners.c.server_id == server_id)).first()
    return dict(row._mapping) if row else None


def remove_partner(store: ServerStore, name: str) -> None:
    """End the partnership: its requests are refused and nothing more is pulled from it.
    Its identity stays on record; enrol a new card (a new name) to start again."""
    with _transaction(store.engine) as conn:
        found = partner(conn, name)
        if found["removed_at"] is not None:
            raise directory.AdminError(f"'{found['name']}' was already removed.")
        now = wallclock.utcnow()
        _end(conn, found["partner_id"], now)
        conn.execute(
            update(s.partners)
            .where(s.partners.c.partner_id == found["partner_id"])
            .values(removed_at=now)
        )


def list_partners(store: ServerStore) -> list[dict[str, Any]]:
    """Every partner, with how many of its changes this server has refused."""
    refused = (
        select(func.count())
        .where(s.partner_refused.c.partner_id == s.partners.c.partner_id)
        .scalar_subquery()
    )
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(s.partners, refused.label("refused")).order_by(s.partners.c.name)
        ).all()
    return [dict(r._mapping) for r in rows]


def active_agreement(conn: Connection, partner_id: str) -> dict[str, Any] | None:
    a = s.agreements
    row = conn.execute(
        select(a).where(a.c.partner_id == partner_id, a.c.ended_at.is_(None))
    ).first()
    return dict(row._mapping) if row else None


def add_agreement(store: ServerStore, partner_name: str, categories: str, team: str) -> str:
    """Start an agreement (replacing any active one): what this server sends the partner."""
    try:
        wanted = parse_categories(categories)
    except OneRecordError as exc:
        raise directory.AdminError(str(exc)) from None
    team_id = directory.team_id_by_name(store, team)
    agreement_id = str(uuid.uuid4())
    now = wallclock.utcnow()
    with _transaction(store.engine) as conn:
        found = partner(conn, partner_name)
        _end(conn, found["partner_id"], now)
        conn.execute(
            insert(s.agreements),
            [
                {
                    "agreement_id": agreement_id,
                    "partner_id": found["partner_id"],
                    "categories": ",".join(wanted),
                    "team_id": team_id,
                    "started_at": now,
                }
            ],
        )
    return agreement_id


def _end(conn: Connection, partner_id: str, now: datetime) -> int:
    a = s.agreements
    done = conn.execute(
        update(a).where(a.c.partner_id == partner_id, a.c.ended_at.is_(None)).values(ended_at=now)
    )
    return int(done.rowcount or 0)


def end_agreement(store: ServerStore, partner_name: str) -> None:
    with _transaction(store.engine) as conn:
        found = partner(conn, partner_name)
        if not _end(conn, found["partner_id"], wallclock.utcnow()):
            raise directory.AdminError(f"There is no active agreement with '{found['name']}'.")


def list_agreements(store: ServerStore) -> list[dict[str, Any]]:
    a, p = s.agreements, s.partners
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(a, p.c.name, s.teams.c.name.label("team"))
            .join(p, p.c.partner_id == a.c.partner_id)
            .outerjoin(s.teams, s.teams.c.team_id == a.c.team_id)
            .order_by(p.c.name, a.c.started_at)
        ).all()
    return [dict(r._mapping) for r in rows]
