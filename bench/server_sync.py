"""The partner server's own time for push and pull of 10,000 changes, in process.

    .venv/bin/python bench/server_sync.py [--postgres URL] [--rounds 7]

Calls what /sync/push and /sync/pull do (sync/server/handlers.py: request bytes in,
response bytes out) with no HTTP and no laptop in the way, so the numbers are the
server's share of the "push or pull 10,000 changes over loopback < 0.5 s" budget
(bench/sync.py measures the whole round trip). Like bench/sync.py: one laptop
pushes 10,000 visit notes for one person in batches of 2,000; a second laptop of
the same team pulls them in pages of 5,000. Synthetic data only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from bench._stats import summary
from storage.codec import journalled_columns
from storage.ids import new_id
from storage.tables import journalled_tables
from sync.protocol import PullResponse, PushResponse
from sync.server import directory, handlers
from sync.server.store import ServerStore

TABLES = journalled_tables()
BATCH, PAGE, CHANGES = 2000, 5000, 10_000


class Laptop:
    def __init__(self, store: ServerStore, team_id: str, name: str) -> None:
        self.user_id = directory.add_user(store, name, "community_nurse", "Bench Locality")
        self.organisation_id = directory.organisation(store)
        self.device = {"device_id": str(uuid.uuid4()), "team_id": team_id, "user_id": self.user_id}
        self.hlc = int(time.time() * 1000) << 16
        self.cursor = ""

    def change(self, entity: str, op: str, row: dict[str, Any]) -> dict[str, Any]:
        self.hlc += 1
        now = datetime.now(UTC).isoformat()
        value = dict.fromkeys(journalled_columns(TABLES[entity]))
        # Provenance as a real laptop's journal writes it: the server checks every
        # part of it against the device's enrolled user (sync/server/authority.py).
        value.update(
            recorded_at=now,
            recorded_by=self.user_id,
            recorded_org=self.organisation_id,
            recorded_device=self.device["device_id"],
            **row,
        )
        return {
            "change_id": new_id(),
            "hlc": self.hlc,
            "device_id": self.device["device_id"],
            "author_id": self.user_id,
            "organisation_id": self.organisation_id,
            "entity": entity,
            "entity_id": row["id"],
            "op": op,
            "field": None,
            "value": json.dumps(value),
            "bases": [],
            "recorded_at": now,
        }


def notes(laptop: Laptop, person_id: str, count: int) -> list[bytes]:
    now = datetime.now(UTC).isoformat()
    changes = [
        laptop.change(
            "contact_note",
            "append",
            {
                "id": new_id(),
                "person_id": person_id,
                "contact_type": "home_visit",
                "occurred_at": now,
                "narrative": f"Benchmark visit note {n}: walked to the kitchen with the frame, "
                "medicines taken, no concerns raised by her daughter.",
                "linked_goal_ids": "[]",
                "sensitive": False,
                "author_id": laptop.user_id,
                "author_role": "community_nurse",
                "organisation_id": laptop.organisation_id,
            },
        )
        for n in range(count)
    ]
    return [
        json.dumps({"changes": changes[i : i + BATCH]}).encode() for i in range(0, count, BATCH)
    ]


def pull_all(store: ServerStore, laptop: Laptop) -> tuple[float, int]:
    """Server milliseconds to bring the laptop up to date, and the changes it received."""
    spent, received = 0.0, 0
    while True:
        start = time.perf_counter()
        body = handlers.pull(store, laptop.device, laptop.cursor, PAGE)
        spent += time.perf_counter() - start
        page = PullResponse.model_validate_json(body)  # the laptop's parser, not timed
        received += len(page.changes)
        laptop.cursor = page.cursor
        if not page.more:
            return spent * 1000, received


def run(label: str, url: str, rounds: int) -> None:
    store = ServerStore(url)
    try:
        directory.organisation(store, "Benchmark Trust")
        team_id = directory.add_team(store, "Bench Locality")
        writer, reader = Laptop(store, team_id, "Writer"), Laptop(store, team_id, "Reader")
        person_id = new_id()
        # A whole row, as a laptop writes it (the server refuses anything less).
        person = writer.change(
            "person",
            "create",
            {
                "id": person_id,
                "nhs_number": "9990000018",
                "nhs_number_status": "02",
                "given_name": "Zoe",
                "family_name": "Bench",
                "date_of_birth": "1940-01-01",
                "address_line1": "",
                "postcode": "DL8 3AB",
                "interpreter_needed": False,
                "language": "English",
                "large_print": False,
                "level_of_need": "targeted",
                "life_stage": "ageing_well",
                "status": "open",
                "team_id": team_id,
            },
        )
        answer = PushResponse.model_validate_json(
            handlers.push(store, writer.device, json.dumps({"changes": [person]}).encode())
        )
        assert answer.accepted == 1, answer
        pull_all(store, reader)
        push_ms, pull_ms = [], []
        for _ in range(rounds):
            bodies = notes(writer, person_id, CHANGES)
            start = time.perf_counter()
            answers = [
                PushResponse.model_validate_json(handlers.push(store, writer.device, b))
                for b in bodies
            ]
            push_ms.append((time.perf_counter() - start) * 1000)
            assert sum(a.accepted for a in answers) == CHANGES, answers[0]
            spent, received = pull_all(store, reader)
            assert received == CHANGES, received
            pull_ms.append(spent)
        print(f"\n== server on {label} (server time only, no HTTP)")
        print(summary(f"push {CHANGES:,} changes ({CHANGES // BATCH} x {BATCH:,})", push_ms))
        print(summary(f"pull {CHANGES:,} changes (pages of {PAGE:,})", pull_ms))
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="a PostgreSQL URL to run the same benchmark against")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{Path(tmp) / 'server.db'}", args.rounds)
    if args.postgres:
        schema_name = f"bench_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(args.postgres)
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema_name}"))
        try:
            url = f"{args.postgres}?options=-csearch_path%3D{schema_name}"
            run("PostgreSQL", url, args.rounds)
        finally:
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema_name} CASCADE"))
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
