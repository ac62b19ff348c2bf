"""Two partner organisations, each with its own real server on loopback (SQLite
or PostgreSQL) and a laptop: the council and the community trust, enrolled with
each other by identity cards, under agreements in both directions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.services.care import consent
from app.services.record import people
from app.workspace import Workspace, create
from sync.client.enrol import enrol
from sync.server import directory
from sync.server import schema as s
from sync.server.embedded import serve_in_thread
from sync.server.partners import agreements as partners
from sync.server.partners.pull import PartnerPull, pull_from
from sync.server.store import ServerStore
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.databases import require_postgres_url
from tests.pg_schemas import fresh_schema_url
from tests.sync.conftest import RunningServer, reopen
from tests.sync.helpers import sync

COUNCIL, TRUST = "Craven Council", "Dales Community Health"
COUNCIL_TEAM, TRUST_TEAM = "Craven Adult Social Care", "Craven District Nursing"
NHS = "9990000018"


@dataclass
class Side:
    name: str
    server: RunningServer
    laptop: Workspace
    org_id: str
    partner: str  # the other side's name, as this server knows it
    extra: dict[str, Any] = field(default_factory=dict)

    def pull(self, **kwargs: Any) -> PartnerPull:
        """This server replicates from its partner."""
        return pull_from(self.server.store, self.partner, **kwargs)

    def sync(self) -> None:
        report = sync(self.laptop)
        assert not report.refused, report.refused


@dataclass
class Partnership:
    council: Side
    trust: Side

    def replicate(self) -> None:
        """Both servers pull from each other, and both laptops sync, twice round."""
        for _ in range(2):
            for side in (self.council, self.trust):
                side.sync()
            self.trust.pull()
            self.council.pull()
        for side in (self.council, self.trust):
            side.sync()


def _server(
    url: str, org: str, kind: str, team: str, users: list[tuple[str, str]]
) -> RunningServer:
    store = ServerStore(url)
    directory.organisation(store, org, kind)
    directory.add_team(store, team)
    for name, role in users:
        directory.add_user(store, name, role, team)
    running = serve_in_thread(store)
    return RunningServer(running.url, running.store, running.server, running.thread)


def _laptop(server: RunningServer, folder: Path, user: str) -> Workspace:
    ws = create(folder, PASSPHRASE, user_name=user, kdf=FAST_KDF)
    enrol(ws, server.url, server.code_for(user), device_name=user)
    ws = reopen(ws)
    sync(ws)  # the directory (its team, its colleagues, the partner) arrives first
    return reopen(ws)


def make_partnership(
    request: pytest.FixtureRequest, tmp_path: Path, categories: str = "care_plan,health"
) -> Iterator[Partnership]:
    urls: list[str] = []
    for name in ("council", "trust"):
        if request.param == "sqlite":
            urls.append(f"sqlite:///{tmp_path / f'{name}.db'}")
        else:
            urls.append(fresh_schema_url(require_postgres_url()))
    council = _server(
        urls[0],
        COUNCIL,
        "council",
        COUNCIL_TEAM,
        [("Ceri Jones", "social_worker"), ("Ivy Lead", "ig_lead")],
    )
    trust = _server(
        urls[1], TRUST, "community_trust", TRUST_TEAM, [("Sam Taylor", "community_nurse")]
    )
    try:
        partners.add_partner(council.store, TRUST, trust.url, partners.identity_card(trust.store))
        partners.add_partner(
            trust.store, COUNCIL, council.url, partners.identity_card(council.store)
        )
        partners.add_agreement(council.store, TRUST, categories, COUNCIL_TEAM)
        partners.add_agreement(trust.store, COUNCIL, categories, TRUST_TEAM)
        # The first replication brings each side the other's organisation and staff.
        pull_from(trust.store, COUNCIL)
        pull_from(council.store, TRUST)
        both = Partnership(
            Side(
                COUNCIL,
                council,
                _laptop(council, tmp_path / "c", "Ceri Jones"),
                directory.organisation(council.store),
                TRUST,
            ),
            Side(
                TRUST,
                trust,
                _laptop(trust, tmp_path / "t", "Sam Taylor"),
                directory.organisation(trust.store),
                COUNCIL,
            ),
        )
        yield both
        for side in (both.council, both.trust):
            if side.laptop.store.is_open:
                side.laptop.close()
    finally:
        for running in (council, trust):
            running.stop()
            running.store.close()


def register_with_consent(
    ws: Workspace, nhs: str = NHS, categories: tuple[str, ...] = ("care_plan", "health")
) -> str:
    """A person who agreed at assessment to share these categories with every partner."""
    person_id = people.register(
        ws, people.NewPerson(nhs, "Zoë", "O'Neill", "1940-01-01", "DL8 3AB")
    )
    for category in categories:
        consent.record_consent(
            ws,
            person_id=person_id,
            partner_organisation_id=None,
            category=category,
            decision="given",
        )
    return person_id


def held_entities(store: ServerStore, person_id: str) -> set[str]:
    """The kinds of record a server holds of one person."""
    with store.engine.connect() as conn:
        return set(
            conn.execute(
                select(s.changes.c.entity).where(s.changes.c.person_id == person_id)
            ).scalars()
        )


def held_ids(store: ServerStore) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(s.changes.c.change_id)).scalars())
