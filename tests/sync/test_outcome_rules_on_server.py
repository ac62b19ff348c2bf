"""Issue 19 on the partner server: the rules of reablement episodes, goal reviews and
experience answers are decided there as on the laptop, whatever a laptop sends. Two
laptops that each start an episode offline leave one under way (the second refused,
its user told); dates the tables forbid, a review of a goal the server does not hold,
a score off the scale, a review signed in someone else's name and an answer off the
scale are refused with a plain reason, nothing of them stored, and a colleague's
laptop still syncs. Real server on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.services import clock
from app.services.outcomes import episodes
from app.services.record import people
from app.services.write_rules.write_policy import NOT_YOUR_SIGNATURE
from app.workspace import Workspace
from storage.tables import ChangeRecord, ReablementEpisode
from sync.server import schema as s
from sync.server.one_open import reason
from sync.server.row_references import NOT_HELD
from tests.conftest import ZOE
from tests.sync.bad_rows import spoil
from tests.sync.conftest import Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.sync.raw_push import crafted, own_row, refusals, signed_push, still_syncs

UNDER_WAY = reason("reablement_episode")


@dataclass
class Team:
    server: RunningServer
    nurse: Workspace
    ot: Workspace
    zoe: str

    def push(self, *changes: dict[str, object]) -> dict[str, str]:
        return refusals(signed_push(self.server.url, self.nurse, list(changes)))

    def stored(self, changes: list[dict[str, object]]) -> list[str]:
        with self.server.store.engine.connect() as conn:
            return list(
                conn.execute(
                    select(s.changes.c.change_id).where(
                        s.changes.c.change_id.in_([c["change_id"] for c in changes])
                    )
                ).scalars()
            )


@pytest.fixture
def team(server: RunningServer, laptop: Laptop) -> Iterator[Team]:
    nurse = reopen(laptop("Sam Taylor"))
    ot = reopen(laptop("Ola Nowak"))
    sync(nurse)
    zoe = people.register(
        nurse, people.NewPerson(ZOE, "Synthetic", "Zedd", "1941-03-02", "DL8 3AB")
    )
    assert not sync(nurse).refused
    assert not sync(ot).refused
    made = Team(server, nurse, ot, zoe)
    yield made
    for ws in (made.nurse, made.ot):
        if ws.store.is_open:
            ws.close()


def _episode(ws: Workspace, person_id: str, days_ago: int, **values: object) -> dict[str, object]:
    start = clock.today() - timedelta(days=days_ago)
    fields: dict[str, object] = {
        "person_id": person_id,
        "started_on": start.isoformat(),
        "planned_end_on": (start + timedelta(days=42)).isoformat(),
    }
    return own_row(ws, "reablement_episode", **(fields | values))


def test_two_laptops_starting_an_episode_offline_leave_one_under_way(team: Team) -> None:
    first = episodes.start_episode(team.ot, person_id=team.zoe)
    assert not sync(team.ot).refused
    second = episodes.start_episode(team.nurse, person_id=team.zoe)  # not pulled yet
    report = sync(team.nurse)
    assert report.refused == [UNDER_WAY]
    with team.nurse.store.read() as session:
        kept = session.execute(
            select(ChangeRecord.push_error).where(
                ChangeRecord.entity == "reablement_episode",
                ChangeRecord.entity_id == second.entity_id,
                ChangeRecord.op == "create",
            )
        ).scalar_one()
        assert kept == UNDER_WAY
    team.ot, _ = still_syncs(team.ot)
    with team.ot.store.read() as session:
        held = session.execute(select(ReablementEpisode.id)).scalars().all()
        assert held == [first.entity_id]


def test_an_episode_started_and_ended_in_one_push_is_taken_beside_an_open_one(
    team: Team,
) -> None:
    episodes.start_episode(team.ot, person_id=team.zoe)
    assert not sync(team.ot).refused
    ws = team.nurse
    old = _episode(ws, team.zoe, 90)
    ended = (clock.today() - timedelta(days=60)).isoformat()
    create = crafted(ws, "reablement_episode", "create", str(old["id"]), old)
    later = {"hlc": int(str(create["hlc"])) + 1, "bases": [create["change_id"]]}
    sent = [
        create,
        crafted(ws, "reablement_episode", "set", str(old["id"]), ended, "ended_on", **later),
        crafted(ws, "reablement_episode", "set", str(old["id"]), "independent", "outcome", **later),
    ]
    assert team.push(*sent) == {}
    # Reopening it (end and outcome cleared together) would leave two under way.
    again = {"hlc": int(str(create["hlc"])) + 2, "bases": [sent[1]["change_id"]]}
    reopened = crafted(ws, "reablement_episode", "set", str(old["id"]), None, "ended_on", **again)
    again["bases"] = [sent[2]["change_id"]]
    cleared = crafted(ws, "reablement_episode", "set", str(old["id"]), None, "outcome", **again)
    refused = team.push(cleared, reopened)
    assert refused[str(reopened["change_id"])] == UNDER_WAY
    assert team.stored([reopened, cleared]) == []


def test_dates_the_tables_forbid_are_refused(team: Team) -> None:
    ws = team.nurse
    too_long = _episode(
        ws,
        team.zoe,
        10,
        planned_end_on=(clock.today() + timedelta(days=40)).isoformat(),  # 50 days
    )
    sent = [crafted(ws, "reablement_episode", "create", str(too_long["id"]), too_long)]
    refused = team.push(*sent)
    assert refused == {
        sent[0]["change_id"]: "The reablement episode record breaks the record's rule"
        " 'longer than six weeks has a reason'."
    }
    episode = _episode(ws, team.zoe, 100)
    assert team.push(crafted(ws, "reablement_episode", "create", str(episode["id"]), episode)) == {}
    eid = str(episode["id"])
    before_start = crafted(
        ws,
        "reablement_episode",
        "set",
        eid,
        (clock.today() - timedelta(days=101)).isoformat(),
        field="ended_on",
    )
    outcome = crafted(ws, "reablement_episode", "set", eid, "independent", field="outcome")
    refused = team.push(before_start, outcome)
    assert "ends after start" in refused[str(before_start["change_id"])]
    ended = crafted(
        ws,
        "reablement_episode",
        "set",
        eid,
        (clock.today() - timedelta(days=60)).isoformat(),
        field="ended_on",
    )
    assert team.push(ended, outcome) == {}
    day_90 = (clock.today() - timedelta(days=10)).isoformat()
    early = [
        crafted(ws, "reablement_episode", "set", eid, day_90, field="follow_up_on"),
        crafted(ws, "reablement_episode", "set", eid, "at_home", field="follow_up_result"),
    ]
    refused = team.push(*early)
    assert "follow up from day 91" in refused[str(early[0]["change_id"])]
    assert team.stored(early) == []


def test_reviews_and_answers_off_the_rules_are_refused(team: Team) -> None:
    ws = team.nurse
    base = {"person_id": team.zoe, "reviewed_on": clock.today().isoformat()}
    missing_goal = own_row(
        ws,
        "goal_review",
        **base,
        goal_id=str(uuid.uuid4()),
        result="achieved",
        reviewed_by_id=ws.actor.user_id,
    )
    goal = own_row(
        ws,
        "goal",
        person_id=team.zoe,
        statement="I want to walk to the shop",
        importance=5,
        status="in_progress",
    )
    off_scale = own_row(
        ws,
        "goal_review",
        **base,
        goal_id=goal["id"],
        result="achieved",
        gas_score=3,
        reviewed_by_id=ws.actor.user_id,
    )
    forged = own_row(
        ws,
        "goal_review",
        **base,
        goal_id=goal["id"],
        result="achieved",
        reviewed_by_id=team.ot.actor.user_id,
    )
    answer = own_row(
        ws,
        "experience_answer",
        person_id=team.zoe,
        asked_on=clock.today().isoformat(),
        statement="tell_story_once",
        answer="maybe",
        answered_by="person",
        asked_by_id=ws.actor.user_id,
    )
    sent = [
        crafted(ws, "goal_review", "append", str(missing_goal["id"]), missing_goal),
        crafted(ws, "goal", "create", str(goal["id"]), goal),
        crafted(ws, "goal_review", "append", str(off_scale["id"]), off_scale),
        crafted(ws, "goal_review", "append", str(forged["id"]), forged),
        crafted(ws, "experience_answer", "append", str(answer["id"]), answer),
    ]
    refused = team.push(*sent)
    assert refused[str(sent[0]["change_id"])] == NOT_HELD
    assert "not a whole number from -2 to 2" in refused[str(sent[2]["change_id"])]
    assert refused[str(sent[3]["change_id"])] == NOT_YOUR_SIGNATURE
    assert "ExperienceAnswer" in refused[str(sent[4]["change_id"])]
    assert team.stored(sent) == [sent[1]["change_id"]]
    team.ot, _ = still_syncs(team.ot)


def test_an_episode_the_server_cannot_read_is_not_counted_and_fails_no_push(team: Team) -> None:
    """An episode whose stored create is spoilt (by hand, or a bug) cannot be folded: it
    is not counted as under way (no laptop can apply it: each keeps it aside), and the
    next episode's push is decided, not failed (it failed every push of the laptop's
    outbox, which goes in order, sync after sync)."""
    first = episodes.start_episode(team.ot, person_id=team.zoe)
    assert not sync(team.ot).refused
    spoil(team.server.store, first.entity_id, value='{"id": "half a row')
    second = episodes.start_episode(team.nurse, person_id=team.zoe)
    report = sync(team.nurse)
    assert report.refused == [] and report.pushed >= 1
    assert team.stored([{"change_id": c} for c in _creates(team.nurse, second.entity_id)])


def _creates(ws: Workspace, entity_id: str) -> list[str]:
    with ws.store.read() as session:
        return list(
            session.execute(
                select(ChangeRecord.change_id).where(
                    ChangeRecord.entity_id == entity_id, ChangeRecord.op == "create"
                )
            ).scalars()
        )
