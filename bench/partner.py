"""Replication between partner servers over loopback, on SQLite and (when given)
PostgreSQL.

    .venv/bin/python bench/partner.py [--people 1000] [--goals 8] [--postgres URL]

The sending server runs out of process (`onerecord-server serve`), as deployed;
the receiving server pulls from it in this process. Every person consented to
share their care plan, so all 10,000 changes (1,000 people x (person, consent,
8 goals)) are shareable. Prints changes/s for a whole first replication, median
and p95 for an incremental pull of 500 changes and for a pull with nothing to do.
Synthetic data only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._stats import summary, timed
from bench.sync import OutOfProcessServer
from sync.protocol import Change
from sync.server import directory
from sync.server.partners import agreements as partners
from sync.server.partners.pull import pull_from
from sync.server.store import ServerStore

TEAM = "Benchmark Locality"


def _change(device: str, entity: str, entity_id: str, row: dict[str, object]) -> Change:
    now = datetime.now(UTC).isoformat()
    return Change(
        change_id=str(uuid.uuid4()),
        hlc=time.time_ns() >> 10,
        device_id=device,
        entity=entity,
        entity_id=entity_id,
        op="create",
        value=json.dumps({"id": entity_id, **row}),
        recorded_at=now,
    )


def seed(store: ServerStore, device: dict[str, Any], people: int, goals: int) -> int:
    """People with consent to share their care plan, each with goals; changes stored."""
    dev = str(device["device_id"])
    batch: list[Change] = []
    stored = 0
    for n in range(people):
        pid = str(uuid.uuid4())
        batch.append(
            _change(
                dev,
                "person",
                pid,
                {
                    "given_name": "Synthetic",
                    "family_name": f"Person {n}",
                    "date_of_birth": date(1940, 1, 1).isoformat(),
                    "postcode": "DL8 3AB",
                    "team_id": device["team_id"],
                },
            )
        )
        batch.append(
            _change(
                dev,
                "consent_to_share",
                str(uuid.uuid4()),
                {
                    "person_id": pid,
                    "partner_organisation_id": None,
                    "category": "care_plan",
                    "decision": "given",
                    "decided_on": date.today().isoformat(),
                },
            )
        )
        for g in range(goals):
            batch.append(
                _change(
                    dev,
                    "goal",
                    str(uuid.uuid4()),
                    {"person_id": pid, "statement": f"I want to do thing {g} " + "x" * 300},
                )
            )
        if len(batch) >= 1500:
            stored += store.ingest(device, batch).accepted
            batch = []
    if batch:
        stored += store.ingest(device, batch).accepted
    return stored


def receiver(url: str, sender: ServerStore, sender_url: str, n: int) -> ServerStore:
    """A fresh receiving server enrolled with the sender under a care_plan agreement."""
    store = ServerStore(url)
    directory.organisation(store, f"Receiving Council {n}", "council")
    directory.add_team(store, TEAM)
    name = f"Receiver {n}"
    partners.add_partner(store, "Sender", sender_url, partners.identity_card(sender))
    partners.add_partner(sender, name, "http://127.0.0.1", partners.identity_card(store))
    partners.add_agreement(sender, name, "care_plan", TEAM)
    partners.add_agreement(store, "Sender", "care_plan", TEAM)
    return store


def run_all(label: str, make_url: Callable[[str], str], args: argparse.Namespace) -> None:
    sender = ServerStore(make_url("sender"))
    directory.organisation(sender, "Benchmark Trust", "community_trust")
    team_id = directory.add_team(sender, TEAM)
    device = {"device_id": str(uuid.uuid4()), "team_id": team_id}
    stored = seed(sender, device, args.people, args.goals)
    server = OutOfProcessServer(make_url("sender"))
    try:
        print(f"{label}: {stored:,} shareable changes on the sending server")
        rates: list[float] = []
        for n in range(3):
            store = receiver(make_url(f"receiver{n}"), sender, server.url, n)
            start = time.perf_counter()
            done = pull_from(store, "Sender", page_size=args.page)
            seconds = time.perf_counter() - start
            rates.append(done.received / seconds)
            first = " (categorises every change first)" if n == 0 else ""
            print(
                f"  first replication {n + 1}: {done.received:,} changes in {seconds:.2f} s, "
                f"{done.received / seconds:,.0f} changes/s, {done.pages} pages{first}"
            )
            if n < 2:
                store.close()
        print(f"  median {sorted(rates)[1]:,.0f} changes/s replicated")

        samples: list[float] = []
        for _ in range(7):
            seed(sender, device, 50, args.goals)  # 500 new changes, written before the clock starts
            samples += timed(lambda: pull_from(store, "Sender", page_size=args.page), 1)
        print("  " + summary("incremental pull of 500 new changes", samples))
        print(
            "  " + summary("pull with nothing to do", timed(lambda: pull_from(store, "Sender"), 20))
        )
        store.close()
    finally:
        server.stop()
        sender.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--goals", type=int, default=8)
    parser.add_argument("--page", type=int, default=5000)
    parser.add_argument("--postgres", help="a PostgreSQL URL to run the same benchmark against")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run_all("SQLite", lambda name: f"sqlite:///{Path(tmp) / name}.db", args)
    if args.postgres:
        import sqlalchemy as sa

        engine = sa.create_engine(args.postgres)
        made: list[str] = []

        def schema_url(name: str) -> str:
            schema_name = f"bench_{name}_{uuid.uuid4().hex[:6]}" if name != "sender" else None
            if schema_name is None:
                schema_name = made[0] if made else f"bench_sender_{uuid.uuid4().hex[:6]}"
            if schema_name not in made:
                with engine.begin() as conn:
                    conn.execute(sa.text(f"CREATE SCHEMA {schema_name}"))
                made.append(schema_name)
            return f"{args.postgres}?options=-csearch_path%3D{schema_name}"

        try:
            run_all("PostgreSQL", schema_url, args)
        finally:
            with engine.begin() as conn:
                for schema_name in made:
                    conn.execute(sa.text(f"DROP SCHEMA {schema_name} CASCADE"))
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
