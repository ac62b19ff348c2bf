"""Issue 15, row validity: an enrolled laptop that writes its own requests cannot
make the server store a row or value outside the record model's rules, nor a clock
stamp that would win every later edit or overflow a replica's clock. Each attack is
refused with a plain reason, nothing of it is stored, and another laptop of the same
team still syncs and unlocks afterwards. Real server on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.services import clock
from app.services.care import care_plan, consent
from app.services.record import people
from app.services.write_rules.write_policy import NO_REMOVAL
from app.workspace import Workspace
from storage.hlc import DAY_MS, MAX_STAMP
from storage.tables import ChangeRecord, Goal, Person, PlanAction
from sync.protocol import Change
from sync.server import schema as s
from sync.server.row_references import IN_USE
from sync.server.validation import CLOCK_AHEAD
from tests.conftest import ALUN, ZOE
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.sync.raw_push import crafted, own_row, refusals, signed_push, stamp, still_syncs


@dataclass
class Team:
    server: RunningServer
    attacker: Workspace  # a stolen, unlocked laptop sending its own requests
    colleague: Workspace  # another laptop of the same team
    zoe: str
    zoe_goal: str
    zoe_need: str
    alun: str
    alun_goal: str
    alun_need: str

    def push(self, *changes: dict[str, object]) -> dict[str, str]:
        return refusals(signed_push(self.server.url, self.attacker, list(changes)))

    def stored(self, changes: list[dict[str, object]]) -> list[str]:
        with self.server.store.engine.connect() as conn:
            return list(
                conn.execute(
                    select(s.changes.c.change_id).where(
                        s.changes.c.change_id.in_([c["change_id"] for c in changes])
                    )
                ).scalars()
            )

    def colleague_still_syncs(self) -> None:
        self.colleague, _ = still_syncs(self.colleague)
        with self.colleague.store.read() as session:
            assert session.get(Person, self.zoe) is not None


def _person_with_plan(ws: Workspace, nhs: str, family: str) -> tuple[str, str, str]:
    person_id = people.register(
        ws, people.NewPerson(nhs, "Synthetic", family, "1941-03-02", "DL8 3AB")
    )
    need = care_plan.save_need(ws, person_id=person_id, description="Help with stairs")
    goal = care_plan.add_goal(
        ws, person_id=person_id, statement="I want to climb the stairs", need_id=need.entity_id
    )
    # The plan record (one per person) is made by setting its review date.
    care_plan.set_review_date(
        ws, person_id=person_id, review_due=clock.today() + timedelta(days=30)
    )
    return person_id, str(goal.entity_id), str(need.entity_id)


@pytest.fixture
def team(server: RunningServer, laptop: Laptop) -> Iterator[Team]:
    attacker = reopen(laptop("Sam Taylor"))
    colleague = reopen(laptop("Ola Nowak"))
    sync(attacker)
    zoe, zoe_goal, zoe_need = _person_with_plan(attacker, ZOE, "Zedd")
    alun, alun_goal, alun_need = _person_with_plan(attacker, ALUN, "Ames")
    assert not sync(attacker).refused
    assert not sync(colleague).refused
    made = Team(server, attacker, colleague, zoe, zoe_goal, zoe_need, alun, alun_goal, alun_need)
    yield made
    for ws in (made.attacker, made.colleague):
        if ws.store.is_open:
            ws.close()


def test_a_row_with_a_required_column_missing_is_refused(team: Team) -> None:
    goal = own_row(team.attacker, "goal", person_id=team.zoe, statement="I want to go out")
    del goal["statement"]
    person = own_row(team.attacker, "person", given_name="Synthetic", family_name="Row")
    del person["date_of_birth"]
    nulled = own_row(
        team.attacker, "goal", person_id=team.zoe, statement="I want to go out", status=None
    )
    sent = [
        crafted(team.attacker, "goal", "create", goal["id"], goal),
        crafted(team.attacker, "person", "create", person["id"], person),
        crafted(team.attacker, "goal", "create", nulled["id"], nulled),
        crafted(team.attacker, "goal", "set", team.zoe_goal, None, field="statement"),
    ]
    refused = team.push(*sent)
    assert [refused.get(c["change_id"]) for c in sent] == [
        "The goal record has no statement, which it must have.",
        "The person record has no date of birth, which it must have.",
        "The goal record has no status, which it must have.",
        "The statement of a goal record cannot be empty.",
    ]
    assert team.stored(sent) == []
    team.colleague_still_syncs()


def test_a_clock_stamp_of_2_63_minus_1_is_refused(team: Team) -> None:
    for hlc in (2**63 - 1, MAX_STAMP + 1):
        change = crafted(
            team.attacker, "goal", "set", team.zoe_goal, "I want to win", field="statement", hlc=hlc
        )
        answer = signed_push(team.server.url, team.attacker, [change])
        assert answer.status_code == 400
        assert answer.json()["detail"].startswith("The request was not in the expected form")
        assert team.stored([change]) == []
    # Beneath the protocol's bound, the server's own clock decides: far ahead is refused.
    change = crafted(
        team.attacker,
        "goal",
        "set",
        team.zoe_goal,
        "I want to win",
        field="statement",
        hlc=MAX_STAMP,
    )
    assert team.push(change) == {change["change_id"]: CLOCK_AHEAD}
    team.colleague_still_syncs()
    # The server's own clock (directory changes it publishes) is still an ordinary one.
    with team.server.store.engine.connect() as conn:
        assert team.server.store.clock(conn).last < stamp(DAY_MS)


def test_a_change_naming_itself_or_with_a_time_no_laptop_can_store_is_refused(
    team: Team,
) -> None:
    """Bases naming the change itself once went through, and every colleague's fold of
    the field then failed, every sync; a `recorded_at` without its zone (or not a real
    time) was taken, and every laptop kept it aside: the server and the team diverged."""
    with team.attacker.store.read() as session:
        created = session.execute(
            select(ChangeRecord.change_id).where(
                ChangeRecord.entity == "goal",
                ChangeRecord.entity_id == team.zoe_goal,
                ChangeRecord.op == "create",
            )
        ).scalar_one()
    itself = crafted(team.attacker, "goal", "set", team.zoe_goal, "I want Zed", field="statement")
    itself["bases"] = [itself["change_id"], created]
    row = own_row(team.attacker, "goal", person_id=team.zoe, statement="I want to go out")
    times = ["2026-12-07T10:00:00", "2026-12-07T10:00:00+01:00", "2026-02-30T10:00:00+00:00"]
    sent = [itself] + [
        crafted(team.attacker, "goal", "create", row["id"], row, recorded_at=at) for at in times
    ]
    refused = team.push(*sent)
    assert [refused.get(c["change_id"]) for c in sent] == [
        "It names itself as a change it replaces.",
        *["When it was recorded is not a time in UTC."] * len(times),
    ]
    assert team.stored(sent) == []
    # The same edit naming only what it replaces goes through.
    honest = crafted(team.attacker, "goal", "set", team.zoe_goal, "I want Zed", field="statement")
    honest["bases"] = [created]
    assert team.push(honest) == {}
    team.colleague_still_syncs()


def test_a_clock_stamp_two_days_ahead_is_refused_and_the_user_told_to_check_the_clock(
    team: Team,
) -> None:
    ahead = crafted(
        team.attacker,
        "goal",
        "set",
        team.zoe_goal,
        "I want tomorrow",
        field="statement",
        hlc=stamp(2 * DAY_MS),
    )
    drift = crafted(
        team.attacker,
        "goal",
        "set",
        team.zoe_goal,
        "I want to walk",
        field="statement",
        hlc=stamp(60 * 60 * 1000),  # an hour fast: a clock that drifts is not refused
    )
    assert team.push(ahead, drift) == {ahead["change_id"]: CLOCK_AHEAD}
    assert "check the laptop's date and time" in CLOCK_AHEAD
    assert team.stored([ahead, drift]) == [drift["change_id"]]
    team.colleague_still_syncs()
    # Through the laptop's own sync: the change stays on the laptop with the reason.
    ws = team.attacker
    care_plan.update_goal(
        ws,
        goal_id=team.alun_goal,
        statement="I want to see the sea",
        importance=6,
        status="in_progress",
    )
    with ws.store.engine.begin() as conn:
        conn.execute(
            update(ChangeRecord)
            .where(ChangeRecord.pushed_at.is_(None), ChangeRecord.entity == "goal")
            .values(hlc=stamp(2 * DAY_MS))
        )
    report = sync(ws)
    assert report.refused and set(report.refused) == {CLOCK_AHEAD}
    with ws.store.read() as session:
        kept = (
            session.execute(
                select(ChangeRecord.push_error).where(
                    ChangeRecord.entity == "goal", ChangeRecord.pushed_at.is_(None)
                )
            )
            .scalars()
            .all()
        )
    # The goal's changes stay on the laptop with the reason (and anything written
    # after them too: its clock has moved on from the stamps it wrote).
    assert kept and set(kept) == {CLOCK_AHEAD}


def test_a_999991_character_name_is_refused(team: Team) -> None:
    long = "Z" * 999_991
    edit = crafted(team.attacker, "person", "set", team.zoe, long, field="given_name")
    just_over = own_row(
        team.attacker, "person", given_name="Y" * 121, family_name="Row", nhs_number=None
    )
    create = crafted(team.attacker, "person", "create", just_over["id"], just_over)
    at_limit = crafted(team.attacker, "person", "set", team.zoe, "X" * 120, field="preferred_name")
    refused = team.push(edit, create, at_limit)
    too_long = "The given name of a person record is too long (120 characters at most)."
    assert refused == {edit["change_id"]: too_long, create["change_id"]: too_long}
    assert team.stored([edit, create, at_limit]) == [at_limit["change_id"]]
    team.colleague_still_syncs()
    with team.colleague.store.read() as session:
        person = session.get(Person, team.zoe)
        assert person is not None and person.given_name == "Synthetic"


def test_wrong_types_bad_codes_impossible_dates_and_invalid_nhs_numbers_are_refused(
    team: Team,
) -> None:
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    bad: list[tuple[str, str, object, str]] = [
        ("person", "date_of_birth", "2026-02-30", "is not a real date"),
        ("person", "date_of_birth", "22/11/1940", "must be a date written YYYY-MM-DD"),
        ("person", "date_of_birth", tomorrow, "(in the future)"),
        ("person", "nhs_number", "9990000019", "(not a valid NHS number)"),
        ("person", "nhs_number", "999 000 0018", "is too long (10 characters at most)"),
        ("person", "level_of_need", "urgent", "(not a LevelOfNeed code)"),
        ("person", "interpreter_needed", "yes", "must be yes or no (true or false)"),
        ("person", "given_name", 12345, "must be text"),
        ("person", "family_name", "   ", "(empty)"),
        ("goal", "importance", "high", "must be a whole number"),
        ("goal", "importance", 11, "(not a whole number from 1 to 10)"),
        ("goal", "importance", 2**70, "is too large a number"),
        ("goal", "status", "won", "(not a GoalStatus code)"),
        ("goal", "target_date", {"year": 2026}, "must be a date written YYYY-MM-DD"),
    ]
    sent = [
        crafted(
            team.attacker,
            entity,
            "set",
            team.zoe if entity == "person" else team.zoe_goal,
            value,
            field=field,
        )
        for entity, field, value, _ in bad
    ]
    naive = own_row(
        team.attacker,
        "contact_note",
        person_id=team.zoe,
        contact_type="home_visit",
        narrative="Seen at home.",
        occurred_at="2026-11-22T10:00:00",
    )
    week = own_row(
        team.attacker,
        "contact_note",
        person_id=team.zoe,
        contact_type="home_visit",
        narrative="Seen at home.",
        occurred_at="2026-W47-7T10:00:00+00:00",
    )
    code = own_row(
        team.attacker, "alert", person_id=team.zoe, kind="bad_dog_and_worse", summary="Dog"
    )
    rows = [
        crafted(team.attacker, "contact_note", "append", naive["id"], naive),
        crafted(team.attacker, "contact_note", "append", week["id"], week),
        crafted(team.attacker, "alert", "create", code["id"], code),
    ]
    refused = team.push(*sent, *rows)
    for change, (entity, field, _, words) in zip(sent, bad, strict=True):
        reason = refused[change["change_id"]]
        assert reason.startswith(f"The {field.replace('_', ' ')} of a {entity} record"), reason
        assert words in reason, (reason, words)
    assert refused[rows[0]["change_id"]] == (
        "The occurred at of a contact note record must say its time zone."
    )
    assert refused[rows[1]["change_id"]] == (
        "The occurred at of a contact note record must be a date and time in the form the record writes."
    )
    assert refused[rows[2]["change_id"]] == (
        "The kind of a alert record breaks the record's rules (not a AlertKind code)."
    )
    assert team.stored(sent + rows) == []
    # No value is repeated back in a reason: it may be shown, logged or counted.
    assert not any("urgent" in r or "9990000019" in r or "bad_dog" in r for r in refused.values())
    team.colleague_still_syncs()


def test_a_reference_to_another_persons_goal_is_refused(team: Team) -> None:
    ws = team.attacker
    theirs = own_row(
        team.attacker, "plan_action", person_id=team.zoe, goal_id=team.alun_goal, what="Ring"
    )
    nowhere = own_row(
        team.attacker, "plan_action", person_id=team.zoe, goal_id=str(uuid.uuid4()), what="Ring"
    )
    their_need = own_row(
        team.attacker,
        "goal",
        person_id=team.zoe,
        need_id=team.alun_need,
        statement="I want the stairs",
    )
    ours = own_row(
        team.attacker, "plan_action", person_id=team.zoe, goal_id=team.zoe_goal, what="Fit a rail"
    )
    sent = [
        crafted(ws, "plan_action", "create", theirs["id"], theirs),
        crafted(ws, "plan_action", "create", nowhere["id"], nowhere),
        crafted(ws, "goal", "create", their_need["id"], their_need),
        crafted(ws, "goal", "set", team.zoe_goal, team.alun_need, field="need_id"),
        crafted(ws, "plan_action", "create", ours["id"], ours),
    ]
    # A reference to a record refused in the same batch is refused with it.
    chained = own_row(
        team.attacker, "plan_action", person_id=team.zoe, goal_id=their_need["id"], what="Ring"
    )
    sent.append(crafted(ws, "plan_action", "create", chained["id"], chained))
    refused = team.push(*sent)
    other = "The record refers to a record of another person."
    assert refused == {
        sent[0]["change_id"]: other,
        sent[1]["change_id"]: "The record refers to another record that this server does not hold.",
        sent[2]["change_id"]: other,
        sent[3]["change_id"]: other,
        sent[5]["change_id"]: "The record refers to another record that this server does not hold.",
    }
    assert team.stored(sent) == [sent[4]["change_id"]]
    team.colleague_still_syncs()
    with team.colleague.store.read() as session:
        action = session.get(PlanAction, ours["id"])
        assert action is not None and action.goal_id == team.zoe_goal
        goal = session.get(Goal, team.zoe_goal)
        assert goal is not None and goal.need_id == team.zoe_need


def test_a_rule_over_two_fields_is_judged_on_the_whole_record(team: Team) -> None:
    ws = team.attacker
    given = consent.record_consent(
        ws, person_id=team.zoe, partner_organisation_id=None, category="health", decision="given"
    )
    assert not sync(ws).refused
    consent_id = str(given.entity_id)
    # "Refused" with no reason breaks the record's rule (and every laptop's insert).
    alone = crafted(ws, "consent_to_share", "set", consent_id, "refused", field="decision")
    assert team.push(alone) == {
        alone[
            "change_id"
        ]: "The consent to share record breaks the record's rule 'refusal has reason'."
    }
    # With its reason in the same batch, it is what the laptop's own service writes.
    reason = crafted(ws, "consent_to_share", "set", consent_id, "Not now", field="reason_refused")
    decision = crafted(ws, "consent_to_share", "set", consent_id, "refused", field="decision")
    assert team.push(reason, decision) == {}
    team.colleague_still_syncs()
    with team.colleague.store.read() as session:
        from storage.tables import ConsentToShare

        row = session.get(ConsentToShare, consent_id)
        assert row is not None and row.decision == "refused" and row.reason_refused == "Not now"
    assert json.loads(decision["value"]) == "refused"


def test_a_second_care_plan_or_a_second_record_with_one_nhs_number_is_refused(
    team: Team,
) -> None:
    ws = team.attacker
    plan = own_row(team.attacker, "care_plan", person_id=team.zoe)
    twin = own_row(
        team.attacker, "person", given_name="Synthetic", family_name="Twin", nhs_number=ZOE
    )
    fresh = own_row(
        team.attacker, "person", given_name="Synthetic", family_name="New", nhs_number="9990000034"
    )
    again = own_row(
        team.attacker,
        "person",
        given_name="Synthetic",
        family_name="Again",
        nhs_number="9990000034",
    )
    sent = [
        crafted(ws, "care_plan", "create", plan["id"], plan),
        crafted(ws, "person", "create", twin["id"], twin),
        crafted(ws, "person", "set", team.alun, ZOE, field="nhs_number"),
        crafted(ws, "person", "create", fresh["id"], fresh),
        crafted(ws, "person", "create", again["id"], again),  # the same number, same batch
    ]
    refused = team.push(*sent)
    taken = "Another person record already has this nhs number."
    assert refused == {
        sent[0]["change_id"]: "This person already has a care plan record.",
        sent[1]["change_id"]: taken,
        sent[2]["change_id"]: taken,
        sent[4]["change_id"]: taken,
    }
    assert team.stored(sent) == [sent[3]["change_id"]]
    team.colleague_still_syncs()


def test_a_record_is_created_once_and_one_that_others_refer_to_is_never_removed(
    team: Team,
) -> None:
    ws = team.attacker
    # A second create of Zoë's goal naming Alun would move it to him, whole.
    moved = own_row(
        team.attacker, "goal", id=team.zoe_goal, person_id=team.alun, statement="I want his"
    )
    twice = own_row(team.attacker, "goal", person_id=team.zoe, statement="I want one")
    sent = [
        crafted(ws, "goal", "create", team.zoe_goal, moved),
        crafted(ws, "goal", "create", twice["id"], twice),
        crafted(ws, "goal", "create", twice["id"], twice),  # the same id twice in one batch
        # Every laptop holding Zoë would fail to remove her (her records refer to her).
        crafted(ws, "person", "delete", team.zoe, None, raw=True),
        crafted(ws, "need", "delete", team.zoe_need, None, raw=True),  # her goal names it
    ]
    refused = team.push(*sent)
    assert refused == {
        sent[0]["change_id"]: "A record with this id already exists: it cannot be created again.",
        sent[2]["change_id"]: "A record with this id already exists: it cannot be created again.",
        # No laptop may remove a record at all: its own write check says so, and so
        # does the server, before any rule over rows (sync/server/store.py).
        sent[3]["change_id"]: NO_REMOVAL,
        sent[4]["change_id"]: NO_REMOVAL,
    }
    assert team.stored(sent) == [sent[1]["change_id"]]
    # A page with no user behind it (a partner server's, which the write policy does
    # not judge) still may not remove a record that others refer to.
    page = [Change.model_validate(c) for c in sent[3:]]
    pushed_by = {"device_id": ws.store.device_id, "team_id": None, "user_id": None}
    answer = team.server.store.ingest(pushed_by, page, dry_run=True)
    assert {r.change_id: r.reason for r in answer.refused} == {
        sent[3]["change_id"]: IN_USE,
        sent[4]["change_id"]: IN_USE,
    }
    team.colleague_still_syncs()
    with team.colleague.store.read() as session:
        goal = session.get(Goal, team.zoe_goal)
        assert goal is not None and goal.person_id == team.zoe
