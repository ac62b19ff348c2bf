"""A synthetic organisation's change journal written straight into a server database,
for bench/server_outcomes.py: what the outcome report reads, at the volumes a real
journal holds, built in bulk (COPY on PostgreSQL, executemany on SQLite) rather than
pushed, so 50,000 people take a minute, not an hour.

Per person, on average: the person's create and a later edit, 1 referral, 8 contact
notes, a care plan and 1 agreed version (with its snapshot), 2 goals, 1 goal review,
0.2 reablement episodes (most later ended, some followed up at day 91), 0.5 hospital
events (a few later marked entered in error), 2.4 experience answers; and, beside
them, what the report never reads: 12 audit events, 2 actions and 2 planned visits.
Synthetic data only: names and NHS numbers are made up, nothing is real.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from storage.codec import journalled_columns
from storage.tables import journalled_tables
from sync.server import schema as s
from sync.server.push_insert import COLUMNS
from sync.server.store import ServerStore

TABLES = journalled_tables()
WORDS = (
    "visited",
    "walked",
    "kitchen",
    "frame",
    "stairs",
    "breakfast",
    "daughter",
    "medication",
    "reviewed",
    "pressure",
    "areas",
    "intact",
    "mobile",
    "transfer",
    "bath",
    "equipment",
    "carer",
    "phoned",
    "plan",
    "goals",
    "confident",
    "tired",
    "pain",
    "settled",
    "garden",
    "shopping",
    "neighbour",
    "appointment",
)
URGENCY = ("routine", "routine", "routine", "urgent")
SOURCE = ("gp", "hospital_discharge", "self", "family", "nhs_111", "other_agency")
OUTCOMES = ("independent", "reduced_support", "ongoing_support", "readmitted", "declined")
FOLLOW_UP = ("at_home", "at_home", "at_home", "in_hospital", "residential_care", "died")
RESULTS = ("achieved", "partly", "not_achieved", "no_longer_wanted")
STATEMENTS = ("plan_together", "tell_story_once", "goals", "know_the_plan", "team_talks")
ANSWERS = ("yes_definitely", "yes_somewhat", "no", "not_sure")
HOSPITAL = ("unplanned_admission", "ae_attendance", "discharge")


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count)).capitalize() + "."


class Writer:
    """Rows of the changes table, as a team's laptops would have pushed them."""

    def __init__(self, rng: random.Random, organisation_id: str, users: list[str]) -> None:
        self.rng = rng
        self.organisation_id = organisation_id
        self.users = users
        self.devices = [str(uuid.uuid4()) for _ in users]
        self.hlc = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp() * 1000) << 16
        self.received = datetime.now(UTC)
        self.rows: list[tuple[Any, ...]] = []

    def _row(
        self, entity: str, entity_id: str, op: str, person: str, fld: str | None, value: Any
    ) -> None:
        self.hlc += 1
        who = self.rng.randrange(len(self.users))
        self.rows.append(
            (
                str(uuid.uuid4()),
                self.hlc,
                self.devices[who],
                self.users[who],
                self.organisation_id,
                entity,
                entity_id,
                op,
                fld,
                json.dumps(value, ensure_ascii=False),
                None,
                "2025-06-01T09:00:00+00:00",
                person,
                self.received,
            )
        )

    def create(self, entity: str, person: str, **values: Any) -> str:
        row: dict[str, Any] = dict.fromkeys(journalled_columns(TABLES[entity]))
        entity_id = values.pop("id", None) or str(uuid.uuid4())
        who = self.rng.randrange(len(self.users))
        row.update(
            id=entity_id,
            recorded_at="2025-06-01T09:00:00+00:00",
            recorded_by=self.users[who],
            recorded_org=self.organisation_id,
            recorded_device=self.devices[who],
            **values,
        )
        op = "append" if TABLES[entity].__journal__ == "append" else "create"
        self._row(entity, entity_id, op, person, None, row)
        return entity_id

    def set(self, entity: str, entity_id: str, person: str, fld: str, value: Any) -> None:
        self._row(entity, entity_id, "set", person, fld, value)


def _day(rng: random.Random, today: date, within: int) -> date:
    return today - timedelta(days=rng.randrange(1, within))


def person_journal(w: Writer, today: date, team_id: str, locality_id: str, n: int) -> str:
    rng = w.rng
    pid = str(uuid.uuid4())
    joined = _day(rng, today, 700)
    w.create(
        "person",
        pid,
        id=pid,
        nhs_number=f"999{n:07d}",
        nhs_number_status="02",
        given_name="Bench",
        family_name=f"Person{n}",
        date_of_birth=date(1930 + rng.randrange(60), 1 + rng.randrange(12), 1).isoformat(),
        address_line1=f"{n} High Street",
        town="Hawes",
        postcode="DL8 3AB",
        interpreter_needed=False,
        language="English",
        large_print=False,
        locality_id=locality_id,
        team_id=team_id,
        level_of_need="targeted",
        life_stage="ageing_well",
        status="open",
        lead_professional_id=w.users[0],
    )
    w.set("person", pid, pid, "level_of_need", "specialist")
    if rng.random() < 0.15:
        w.set("person", pid, pid, "closed_reason", "discharged")
        w.set("person", pid, pid, "closed_on", (joined + timedelta(days=60)).isoformat())
    w.create(
        "referral",
        pid,
        person_id=pid,
        source=rng.choice(SOURCE),
        reason=_words(rng, 20),
        urgency=rng.choice(URGENCY),
        received_on=joined.isoformat(),
    )
    for _ in range(rng.randint(4, 12)):
        at = datetime.combine(joined, datetime.min.time(), UTC) + timedelta(
            hours=rng.randrange(24 * 400)
        )
        w.create(
            "contact_note",
            pid,
            person_id=pid,
            contact_type="home_visit",
            occurred_at=at.isoformat(),
            narrative=_words(rng, rng.randint(40, 120)),
            author_id=w.users[0],
            author_role="community_nurse",
            organisation_id=w.organisation_id,
            linked_goal_ids="[]",
            sensitive=False,
        )
    plan = w.create("care_plan", pid, person_id=pid, version=0, status="draft")
    goals = [
        w.create(
            "goal",
            pid,
            person_id=pid,
            statement=_words(rng, 10),
            importance=5,
            status="in_progress",
            gas_baseline=rng.choice((-1, -2, None)),
        )
        for _ in range(rng.randint(1, 3))
    ]
    agreed = joined + timedelta(days=14)
    due = agreed + timedelta(days=90)
    snapshot = {
        "version": 1,
        "agreed_on": agreed.isoformat(),
        "review_due": due.isoformat(),
        "goals": [{"id": g, "statement": _words(rng, 10), "actions": []} for g in goals],
        "strengths": [_words(rng, 8)],
        "needs": [],
        "contingency_plans": [],
    }
    w.create(
        "care_plan_version",
        pid,
        plan_id=plan,
        person_id=pid,
        version=1,
        agreed_on=agreed.isoformat(),
        agreed_with_name="Bench Person",
        agreed_with_role="the person",
        snapshot=json.dumps(snapshot, sort_keys=True),
    )
    w.set("care_plan", plan, pid, "review_due", due.isoformat())
    for goal in goals[:1]:
        w.create(
            "goal_review",
            pid,
            person_id=pid,
            goal_id=goal,
            reviewed_on=(agreed + timedelta(days=40)).isoformat(),
            result=rng.choice(RESULTS),
            gas_score=rng.randint(-2, 2),
            reviewed_by_id=w.users[0],
        )
    if rng.random() < 0.2:
        started = joined + timedelta(days=2)
        episode = w.create(
            "reablement_episode",
            pid,
            person_id=pid,
            started_on=started.isoformat(),
            planned_end_on=(started + timedelta(days=42)).isoformat(),
            discharged_on=joined.isoformat() if rng.random() < 0.6 else None,
        )
        if rng.random() < 0.8:
            w.set(
                "reablement_episode",
                episode,
                pid,
                "ended_on",
                (started + timedelta(days=40)).isoformat(),
            )
            w.set("reablement_episode", episode, pid, "outcome", rng.choice(OUTCOMES))
            if rng.random() < 0.6:
                w.set(
                    "reablement_episode",
                    episode,
                    pid,
                    "follow_up_on",
                    (started + timedelta(days=95)).isoformat(),
                )
                w.set("reablement_episode", episode, pid, "follow_up_result", rng.choice(FOLLOW_UP))
    if rng.random() < 0.5:
        event = w.create(
            "hospital_event",
            pid,
            person_id=pid,
            kind=rng.choice(HOSPITAL),
            occurred_on=_day(rng, today, 900).isoformat(),
            hospital="Friarage",
            entered_in_error=False,
        )
        if rng.random() < 0.05:
            w.set("hospital_event", event, pid, "entered_in_error", True)
    if rng.random() < 0.3:
        for statement in STATEMENTS[: rng.randint(5, 8)]:
            w.create(
                "experience_answer",
                pid,
                person_id=pid,
                asked_on=due.isoformat(),
                statement=statement,
                answer=rng.choice(ANSWERS),
                answered_by="person",
                asked_by_id=w.users[0],
            )
    # What the report never reads, at a real journal's volume beside it.
    for goal in goals[:2]:
        w.create(
            "plan_action", pid, person_id=pid, goal_id=goal, what=_words(rng, 12), status="open"
        )
    for _ in range(2):
        w.create(
            "planned_visit",
            pid,
            person_id=pid,
            due_at=f"{today.isoformat()}T10:00:00+00:00",
            status="planned",
        )
    for seq in range(12):
        w.create(
            "audit_event",
            pid,
            device_id=w.devices[0],
            device_seq=n * 12 + seq,
            at="2025-06-01T09:00:00+00:00",
            actor_id=w.users[0],
            actor_role="community_nurse",
            person_id=pid,
            action="record_viewed",
            detail="{}",
            prev_hash="0" * 64,
            hash="0" * 64,
        )
    return pid


def _insert(store: ServerStore, rows: list[tuple[Any, ...]]) -> None:
    engine = store.engine
    with engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        columns = ", ".join(quote(c) for c in COLUMNS)
        if conn.dialect.name == "postgresql":
            driver: Any = conn.connection.driver_connection
            with (
                driver.cursor() as cursor,
                cursor.copy(f"COPY changes ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(COLUMNS))
            received = s.changes.c.received_at.type.dialect_impl(conn.dialect).bind_processor(
                conn.dialect
            )
            assert received is not None
            fixed = [(*row[:-1], received(row[-1])) for row in rows]
            conn.exec_driver_sql(f"INSERT INTO changes ({columns}) VALUES ({marks})", fixed)  # noqa: S608


def build(
    store: ServerStore, people: int, *, teams: list[str], seed: int = 19, today: date
) -> dict[str, int]:
    """Write `people` people's journals; returns how many rows of each kind."""
    organisation_id = store.meta("organisation_id") or ""
    rng = random.Random(seed)
    users = [str(uuid.uuid4()) for _ in range(20)]
    localities = [str(uuid.uuid4()) for _ in range(20)]
    writer = Writer(rng, organisation_id, users)
    placed: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for n in range(people):
        team = teams[n % len(teams)]
        pid = person_journal(writer, today, team, localities[n % len(localities)], n)
        placed.append({"person_id": pid, "team_id": team, "hlc": 1, "device_id": writer.devices[0]})
        if len(writer.rows) >= 50_000:
            _flush(store, writer, counts)
    _flush(store, writer, counts)
    with store.engine.begin() as conn:
        for start in range(0, len(placed), 5_000):
            conn.execute(sa.insert(s.person_team), placed[start : start + 5_000])
    # Written past the pushes that keep the outcome report's tables: made from it now.
    store.rebuild_outcome_records()
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            for table in ("changes", "person_team", "outcome_records", "outcome_contacts"):
                conn.exec_driver_sql(f"ANALYZE {table}")
        else:
            conn.exec_driver_sql("ANALYZE")
    return counts


def _flush(store: ServerStore, writer: Writer, counts: dict[str, int]) -> None:
    for row in writer.rows:
        counts[row[5]] = counts.get(row[5], 0) + 1
    _insert(store, writer.rows)
    writer.rows = []
