"""The server decides every pushed change exactly as the laptop's own write path does.

A real server (SQLite and PostgreSQL) with two teams of one organisation, and a
real enrolled laptop for every role on the first team; Zoë is the first team's,
Alun the second's, each with one entry in every journalled table of a record,
and every laptop but the administrator's has broken glass for Alun (so it holds
him too). Hypothesis then draws, for a role, whether the break-glass has expired
(the clock seam moves both sides a day on) and the values that matter (teams,
leads, restricted detail, sensitive notes, new people's teams and leads), and
builds every change that role's laptop could write: a new entry in every table,
a new value for every field of every entry, a removal of every entry, for Zoë
(in scope), Alun (by break-glass, or no longer), and a new person.

The laptop decides each through its write path's own decision
(`app.services.write_rules.write_check.decisions`, what `Store.write` asks before anything
is journalled, with facts from the laptop's tables); the server decides the same
changes, signed as that laptop, through its whole push path
(`ServerStore.ingest`, dry run: decided, then rolled back so the world stays as
it is between examples). The reasons must be the same, change for change.
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.services import clock
from app.services.care.notes import add_note
from app.services.care.risks import add_alert
from app.services.caseload.allocation import allocate
from app.services.record import people
from app.services.write_rules.write_check import decisions
from app.values.nhs_number import synthetic
from app.workspace import Workspace, create
from storage.codec import journalled_columns, row_of
from storage.journal import change_record, context_of
from storage.tables import (
    AboutMe,
    Assessment,
    CarePlan,
    CarePlanVersion,
    CarerStrainCheck,
    ConsentToShare,
    ContingencyPlan,
    ExperienceAnswer,
    Goal,
    GoalReview,
    HospitalEvent,
    MdtItem,
    MentalCapacityAssessment,
    Need,
    PersonalBudget,
    PersonalContact,
    PlanAction,
    PlannedVisit,
    ProfessionalContact,
    ReablementEpisode,
    Referral,
    Risk,
    Strength,
    TelecareItem,
    journalled_tables,
)
from storage.wallclock import CLOCK_DATE
from sync.client.beyond_team import break_glass_beyond_team
from sync.client.enrol import enrol
from sync.protocol import Change
from sync.server import directory
from sync.server.one_open import ONE_OPEN
from sync.server.row_references import UNIQUE
from sync.server.validation import DIRECTORY, TEAM_SETTINGS
from tests.conftest import ALUN, FAST_KDF, PASSPHRASE, ZOE
from tests.databases import require_postgres_url
from tests.pg_schemas import fresh_schema_url
from tests.sync.conftest import TEAM, RunningServer, start_server
from tests.sync.helpers import sync

OTHER_TEAM = "Hambleton Locality"
TABLES = journalled_tables()
APPEND_ONLY = frozenset(name for name, cls in TABLES.items() if cls.__journal__ == "append")
# A team's settings are no one's record: drawn for the writer's team, another, or none.
RECORD_TABLES = sorted(set(TABLES) - DIRECTORY - TEAM_SETTINGS - {"audit_event"})
# One member of the first team for every role.
STAFF = {
    "community_nurse": "Nina Nurse",
    "social_worker": "Sol Social",
    "occupational_therapist": "Otto Oswald",
    "physiotherapist": "Phil Physio",
    "support_worker": "Sue Support",
    "coordinator": "Cora Coord",
    "ig_lead": "Ivy Ingram",
    "administrator": "Ada Admin",
}
ROLES = sorted(STAFF)
UNKNOWN = "00000000-0000-4000-8000-0000000000ff"
# A field name the wire can carry (sync.protocol.Name): `address_line1` cannot, so no
# laptop can send an edit of it at all (noticed here; see the report of issue 15).
WIRE_NAME = re.compile(r"^[a-z_]{1,60}$")


@dataclass
class World:
    server: RunningServer
    laptops: dict[str, Workspace]
    staff: dict[str, str]  # role -> user id
    zoe: str
    alun: str
    team: str
    other_team: str
    # person id -> table -> that person's entries, as the laptops hold them.
    rows: dict[str, dict[str, list[dict[str, Any]]]]


def _laptop(server: RunningServer, folder: Path, name: str) -> Workspace:
    ws = create(folder, PASSPHRASE, user_name=name, kdf=FAST_KDF)
    enrol(ws, server.url, server.code_for(name), device_name=name)
    sync(ws)
    return ws


def _record(ws: Workspace, nhs: str, person_id: str) -> None:
    """One entry in every table of a person's record (the nurse adds the key safe)."""
    today = clock.today()
    add_note(ws, nhs, "Visited; all well.")
    with ws.store.write(ws.actor) as session:
        plan = CarePlan(person_id=person_id, version=1, status="agreed", agreed_on=today)
        need = Need(person_id=person_id, description="Getting about the house")
        session.add_all([plan, need])
        session.flush()
        goal = Goal(person_id=person_id, need_id=need.id, statement="I want to walk to church")
        session.add(goal)
        session.flush()
        session.add_all(
            [
                CarePlanVersion(
                    plan_id=plan.id,
                    person_id=person_id,
                    version=1,
                    agreed_on=today,
                    agreed_with_name="Zoë",
                    agreed_with_role="the person",
                    snapshot="{}",
                ),
                PlanAction(person_id=person_id, goal_id=goal.id, what="Walk to the gate daily"),
                Strength(person_id=person_id, description="Determined"),
                ContingencyPlan(
                    person_id=person_id,
                    name="If she falls",
                    trigger="A fall",
                    what_should_happen="Call the team",
                ),
                AboutMe(person_id=person_id, most_important="My cat"),
                PersonalContact(person_id=person_id, name="Dee", relationship="daughter"),
                ProfessionalContact(person_id=person_id, name="Dr Rao", role="GP"),
                PlannedVisit(
                    person_id=person_id,
                    due_at=clock.now() + timedelta(days=3),
                    purpose="Review",
                ),
                Risk(
                    person_id=person_id,
                    kind="falls",
                    description="Falls at night",
                    likelihood=3,
                    impact=3,
                ),
                ConsentToShare(
                    person_id=person_id, category="all", decision="given", decided_on=today
                ),
                MentalCapacityAssessment(
                    person_id=person_id,
                    decision="Where to live",
                    outcome="has_capacity",
                    assessed_on=today,
                    assessed_by_id=ws.actor.user_id,  # signed by its author
                ),
                Assessment(
                    person_id=person_id,
                    assessment_type="Falls",
                    assessed_on=today,
                    performed_by_id=ws.actor.user_id,
                ),
                Referral(person_id=person_id, source="gp", reason="Falls", received_on=today),
                ReablementEpisode(
                    person_id=person_id,
                    started_on=today,
                    planned_end_on=today + timedelta(days=42),
                    discharged_on=today,
                ),
                GoalReview(
                    person_id=person_id,
                    goal_id=goal.id,
                    reviewed_on=today,
                    result="partly",
                    gas_score=0,
                    reviewed_by_id=ws.actor.user_id,  # signed by its author
                ),
                HospitalEvent(person_id=person_id, kind="unplanned_admission", occurred_on=today),
                ExperienceAnswer(
                    person_id=person_id,
                    asked_on=today,
                    statement="tell_story_once",
                    answer="yes_definitely",
                    answered_by="person",
                    asked_by_id=ws.actor.user_id,  # signed by who asked
                ),
                TelecareItem(
                    person_id=person_id,
                    kind="pendant_alarm",
                    installed_on=today,
                    responder="family",
                ),
                PersonalBudget(
                    person_id=person_id,
                    kind="personal_budget",
                    amount_pence=24550,
                    period="week",
                    managed_as="direct_payment",
                    pays_for="A carer three mornings a week",
                    started_on=today,
                ),
                MdtItem(person_id=person_id, reason="flagged", why="Falls at night"),
            ]
        )
        carer = PersonalContact(
            person_id=person_id, name="Ray", relationship="husband", is_main_carer=True
        )
        session.add(carer)
        session.flush()
        session.add(
            CarerStrainCheck(
                person_id=person_id,
                carer_id=carer.id,
                checked_on=today,
                answers=json.dumps([1] * 13),
                asked_by_id=ws.actor.user_id,  # signed by who asked
            )
        )
    add_alert(ws, person_id=person_id, kind="lone_worker", summary="Dog in the garden")
    add_alert(
        ws,
        person_id=person_id,
        kind="safeguarding",
        summary="Safeguarding concern",
        restricted_detail="Section 42 enquiry",
    )


def _rows(ws: Workspace, person_id: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    with ws.store.read() as session:
        for name in RECORD_TABLES:
            table: Any = TABLES[name]
            key = table.id if name == "person" else table.person_id
            entries: list[Any] = list(
                session.execute(select(table).where(key == person_id).order_by(table.id)).scalars()
            )
            found[name] = [row_of(entry) for entry in entries]
    return found


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("authority")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'server.db'}"
    else:
        url = fresh_schema_url(require_postgres_url())
    server = start_server(url)
    made: list[Workspace] = []
    try:
        team = directory.add_team(server.store, TEAM)
        other_team = directory.add_team(server.store, OTHER_TEAM)
        staff = {
            role: directory.add_user(server.store, name, role, TEAM) for role, name in STAFF.items()
        }
        directory.add_user(server.store, "Bea Boss", "coordinator", OTHER_TEAM)
        directory.add_user(server.store, "Ben Brook", "community_nurse", OTHER_TEAM)
        laptops = {role: _laptop(server, folder / role, name) for role, name in STAFF.items()}
        made += laptops.values()
        bea = _laptop(server, folder / "bea", "Bea Boss")
        ben = _laptop(server, folder / "ben", "Ben Brook")
        made += [bea, ben]

        # Zoë: the first team's, led by its nurse; Alun: the second team's.
        coordinator, nurse = laptops["coordinator"], laptops["community_nurse"]
        people.register(
            coordinator, people.NewPerson(ZOE, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB")
        )
        people.register(bea, people.NewPerson(ALUN, "Alun", "Pritchard", "1951-10-30", "BD23 1JD"))
        zoe, alun = _person(coordinator, ZOE), _person(bea, ALUN)
        allocate(coordinator, person_ids=[zoe], staff_id=staff["community_nurse"])
        _record(coordinator, ZOE, zoe)
        _record(bea, ALUN, alun)
        for ws in (coordinator, bea):
            assert sync(ws).refused == []
        for ws, person in ((nurse, zoe), (ben, alun)):
            sync(ws)
            add_alert(
                ws,
                person_id=person,
                kind="access_to_home",
                summary="Key safe by the back door",
                restricted_detail="KEYSAFE 2468",
            )
            assert sync(ws).refused == []
        for role, ws in laptops.items():
            sync(ws)
            if role != "administrator":
                break_glass_beyond_team(ws, "Checking a referral for this person", person_id=alun)
        sync(bea)  # the grants travel with Alun's record
        rows = {zoe: _rows(coordinator, zoe), alun: _rows(bea, alun)}
        yield World(server, laptops, staff, zoe, alun, team, other_team, rows)
    finally:
        for ws in made:
            if ws.store.is_open:
                ws.close()
        server.stop()
        server.store.close()


def _person(ws: Workspace, nhs: str) -> str:
    with ws.store.read() as session:
        return people.find(session, nhs).id


@dataclass(frozen=True)
class Choices:
    """What hypothesis draws: the values the rules look at."""

    team: str | None
    lead: str | None
    detail: str | None
    kind: str
    sensitive: bool
    new_team: str | None
    new_lead: str | None


def _choices(world: World) -> st.SearchStrategy[Choices]:
    teams = st.sampled_from([world.team, world.other_team, UNKNOWN, None])
    leads = st.sampled_from([*world.staff.values(), UNKNOWN, None])
    return st.builds(
        Choices,
        team=teams,
        lead=leads,
        detail=st.sampled_from([None, "", "Section 42 enquiry", "KEYSAFE 1357"]),
        kind=st.sampled_from(["safeguarding", "access_to_home", "dnacpr", "lone_worker"]),
        sensitive=st.booleans(),
        new_team=teams,
        new_lead=st.sampled_from([None, world.staff["community_nurse"], UNKNOWN]),
    )


def _own(ws: Workspace, entity: str, row: dict[str, Any]) -> dict[str, Any]:
    """A copy of an entry as this laptop's journal would write it: new id, its provenance."""
    actor = ws.actor
    new = dict(row, id=str(uuid.uuid4()))
    if "recorded_by" in new:
        new.update(
            recorded_by=actor.user_id,
            recorded_org=actor.organisation_id,
            recorded_device=actor.device_id,
        )
    if entity == "contact_note":
        new.update(
            author_id=actor.user_id,
            author_role=actor.role,
            organisation_id=actor.organisation_id,
        )
    if entity == "break_glass":
        new.update(staff_member_id=actor.user_id, staff_role=actor.role)
    return new


def _changes(
    world: World, ws: Workspace, pick: Choices, rng: random.Random
) -> list[dict[str, Any]]:
    """Every change this laptop could write about Zoë, Alun and a new person, as journal
    records in its own name (built in a write that is never committed)."""
    records: list[dict[str, Any]] = []
    with ws.store.write(ws.actor) as session:
        ctx = context_of(session)

        def add(entity: str, entity_id: str, op: str, value: Any, field: str | None = None) -> None:
            records.append(change_record(ctx, entity, entity_id, op, field, value))

        for person_id in (world.zoe, world.alun):
            for entity, entries in world.rows[person_id].items():
                for entry in entries:
                    # A second record of a kind a person has one of (the record model's
                    # unique person_id), or a second one open of a kind with one open at a
                    # time (a reablement episode under way), is no change a laptop can
                    # write: its table refuses it.
                    if (
                        entity != "person"
                        and "person_id" not in UNIQUE.get(entity, ())
                        and entity not in ONE_OPEN
                    ):
                        new = _own(ws, entity, entry)
                        if entity == "alert":
                            new.update(kind=pick.kind, restricted_detail=pick.detail)
                        if entity == "contact_note":
                            new["sensitive"] = pick.sensitive
                        add(entity, new["id"], "append" if entity in APPEND_ONLY else "create", new)
                    if entity in APPEND_ONLY:
                        continue
                    for column in journalled_columns(TABLES[entity]):
                        if column in ("id", "person_id") or not WIRE_NAME.match(column):
                            continue
                        value = entry[column]
                        if (entity, column) == ("person", "team_id"):
                            value = pick.team
                        elif (entity, column) == ("person", "lead_professional_id"):
                            value = pick.lead
                        elif (entity, column) == ("alert", "restricted_detail"):
                            value = pick.detail
                        elif (entity, column) == ("alert", "kind"):
                            value = pick.kind  # maybe into or out of safeguarding
                        add(entity, entry["id"], "set", value, column)
                    add(entity, entry["id"], "delete", None)
            grant = world.rows[world.alun]["break_glass"]
            if grant:
                new = _own(ws, "break_glass", dict(grant[0], person_id=person_id))
                add("break_glass", new["id"], "append", new)
            event_id = str(uuid.uuid4())
            event: dict[str, Any] = {
                "id": event_id,
                "device_id": ws.store.device_id,
                "device_seq": 100_000,
                "at": clock.now().isoformat(),
                "actor_id": ws.actor.user_id,
                "actor_role": ws.actor.role,
                "organisation_id": ws.actor.organisation_id,
                "person_id": person_id,
                "action": "record_viewed",
                "detail": "{}",
                "reason": None,
                "prev_hash": "0" * 64,
                "hash": "0" * 64,
            }
            add("audit_event", event_id, "append", event)
        newcomer = _own(ws, "person", world.rows[world.zoe]["person"][0])
        newcomer.update(
            nhs_number=synthetic(rng).digits,
            team_id=pick.new_team,
            lead_professional_id=pick.new_lead,
        )
        add("person", newcomer["id"], "create", newcomer)
        # The team's priority weights: new ones for the drawn team (every role's laptop
        # may try), and an edit and a removal of a set of weights (never allowed).
        weights_id = str(uuid.uuid4())
        weights = {
            "id": weights_id,
            "team_id": pick.team or world.team,
            "weights": json.dumps({"falls": 4}),
            "reason": None,
            "recorded_at": clock.now().isoformat(),
            "recorded_by": ws.actor.user_id,
            "recorded_org": ws.actor.organisation_id,
            "recorded_device": ws.actor.device_id,
        }
        add("priority_weights", weights_id, "append", weights)
        add("priority_weights", weights_id, "set", json.dumps({"falls": 5}), "weights")
        add("priority_weights", weights_id, "delete", None)
        # A team meeting set up for the drawn team (only its coordinator may), and an
        # edit and a removal of one (never allowed: a meeting moved is a new one).
        meeting_id = str(uuid.uuid4())
        meeting = {
            "id": meeting_id,
            "team_id": pick.team or world.team,
            "meets_at": (clock.now() + timedelta(days=2)).isoformat(),
            "place": None,
            "replaces_id": None,
            "cancelled": False,
            "recorded_at": clock.now().isoformat(),
            "recorded_by": ws.actor.user_id,
            "recorded_org": ws.actor.organisation_id,
            "recorded_device": ws.actor.device_id,
        }
        add("mdt_meeting", meeting_id, "append", meeting)
        add("mdt_meeting", meeting_id, "set", json.dumps("Room 2"), "place")
        add("mdt_meeting", meeting_id, "delete", None)
        session.rollback()
    return records


def _laptop_decides(ws: Workspace, records: list[dict[str, Any]]) -> list[str | None]:
    with ws.store.write(ws.actor) as session:
        found = decisions(session, records, {})
        session.rollback()
    return found


def _server_decides(world: World, ws: Workspace, records: list[dict[str, Any]]) -> list[str | None]:
    device = world.server.store.device(ws.store.device_id)
    assert device is not None
    wire = [
        Change(
            change_id=r["change_id"],
            hlc=r["hlc"],
            device_id=r["device_id"],
            author_id=r["author_id"],
            organisation_id=r["organisation_id"],
            entity=r["entity"],
            entity_id=r["entity_id"],
            op=r["op"],
            field=r["field"],
            value=r["value"],
            bases=json.loads(r["bases"]) if r["bases"] else [],
            recorded_at=r["recorded_at"].isoformat(),
        )
        for r in records
    ]
    answer = world.server.store.ingest(device, wire, dry_run=True)
    refused = {r.change_id: r.reason for r in answer.refused}
    assert answer.duplicates == 0
    assert answer.accepted + len(refused) == len(records)
    return [refused.get(r["change_id"]) for r in records]


@pytest.mark.parametrize("role", ROLES)
@settings(
    max_examples=20,
    deadline=None,
    # Each example is a few hundred changes through both sides: report the drawn
    # values as found rather than spend minutes shrinking them.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), expired=st.booleans(), seed=st.integers(0, 2**32))
def test_the_server_decides_every_change_as_the_laptop_does(
    world: World, role: str, data: st.DataObject, expired: bool, seed: int
) -> None:
    ws = world.laptops[role]
    pick = data.draw(_choices(world))
    before = os.environ.get(CLOCK_DATE)
    if expired:
        # A day on, on both sides: the break-glass for Alun has run out.
        os.environ[CLOCK_DATE] = (clock.today() + timedelta(days=1)).isoformat()
    try:
        records = _changes(world, ws, pick, random.Random(seed))
        laptop = _laptop_decides(ws, records)
        server = _server_decides(world, ws, records)
    finally:
        if before is None:
            os.environ.pop(CLOCK_DATE, None)
        else:
            os.environ[CLOCK_DATE] = before
    # Every table of a record, every field the wire carries, every role (parametrised).
    assert {r["entity"] for r in records} == {*RECORD_TABLES, *TEAM_SETTINGS, "audit_event"}
    differences = [
        (r["entity"], r["op"], r["field"], mine, theirs)
        for r, mine, theirs in zip(records, laptop, server, strict=True)
        if mine != theirs
    ]
    assert differences == []
    # Both sides both allow and refuse: the examples are not all one way.
    assert None in laptop
    assert any(reason is not None for reason in laptop)
