"""Issue 20 on the partner server: a team's priority weights are a team setting that
syncs. A coordinator's change reaches every laptop of the team; the server decides a
pushed weights row by the laptop's own rules (write_policy.decide, row rules with
weights.checked), so a nurse's laptop or another team's coordinator writing its own
requests is refused with a plain reason, nothing of it stored, while the rest of the
push is kept and the team's laptops still sync. Weights never go to, nor come from,
a partner organisation. And "lives alone" travels with the person. Real server on
loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.errors import AccessDeniedError
from app.services.priority import team_weights
from app.services.priority.team_weights import current_weights, set_weights
from app.services.priority.weights import DEFAULT_WEIGHTS
from app.services.record import people
from app.services.write_rules.write_policy import (
    ONLY_COORDINATOR_WEIGHTS,
    OWN_TEAM_WEIGHTS,
    WEIGHTS_KEPT,
)
from app.workspace import Workspace
from storage.tables import Person, PriorityWeights
from sync.protocol import Change
from sync.server import directory
from sync.server import schema as s
from sync.server.categories import NEVER_SHARED, category_of
from sync.server.partners.checks import partner_refusal
from tests.conftest import ZOE
from tests.sync.conftest import TEAM, Laptop, RunningServer, reopen
from tests.sync.helpers import sync
from tests.sync.raw_push import crafted, own_row, refusals, signed_push, still_syncs

OTHER_TEAM = "Wharfedale Locality"


@dataclass
class Team:
    server: RunningServer
    coordinator: Workspace
    nurse: Workspace
    ot: Workspace
    team_id: str
    zoe: str

    def push(self, ws: Workspace, *changes: dict[str, object]) -> dict[str, str]:
        return refusals(signed_push(self.server.url, ws, list(changes)))

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
    directory.add_user(server.store, "Cai Morgan", "coordinator", TEAM)
    coordinator = reopen(laptop("Cai Morgan"))
    nurse = reopen(laptop("Sam Taylor"))
    ot = reopen(laptop("Ola Nowak"))
    sync(coordinator)
    zoe = people.register(
        nurse, people.NewPerson(ZOE, "Synthetic", "Zedd", "1941-03-02", "DL8 3AB")
    )
    assert not sync(nurse).refused
    for ws in (coordinator, ot):
        assert not sync(ws).refused
    team_id = team_weights.team_weights(coordinator).team_id
    assert team_id is not None
    made = Team(server, coordinator, nurse, ot, team_id, zoe)
    yield made
    for ws in (made.coordinator, made.nurse, made.ot):
        if ws.store.is_open:
            ws.close()


def _weights_row(ws: Workspace, team_id: str, weights: object) -> dict[str, object]:
    text = weights if isinstance(weights, str) else json.dumps(weights)
    return own_row(ws, "priority_weights", team_id=team_id, weights=text, reason=None)


def _append(ws: Workspace, row: dict[str, object]) -> dict[str, object]:
    return crafted(ws, "priority_weights", "append", str(row["id"]), row)


def _phone(ws: Workspace, person_id: str) -> dict[str, object]:
    """A change the writer may make: the rest of a push that must still be kept."""
    return crafted(ws, "person", "set", person_id, "01756 700000", "phone")


def test_the_coordinators_weights_reach_the_teams_other_laptops(team: Team) -> None:
    set_weights(team.coordinator, weights={"falls": 6, "no_contact": 0}, reason="Winter")
    assert not sync(team.coordinator).refused
    team.nurse, _ = still_syncs(team.nurse)
    expected = DEFAULT_WEIGHTS | {"falls": 6, "no_contact": 0}
    with team.nurse.store.read() as session:
        assert current_weights(session, team.team_id) == expected
    view = team_weights.team_weights(team.nurse)
    assert view.weights == expected and not view.may_change
    assert view.last is not None and view.last.by_name == "Cai Morgan"
    assert view.last.reason == "Winter"


def test_a_nurse_cannot_change_them_on_the_laptop_or_by_a_crafted_push(team: Team) -> None:
    with pytest.raises(AccessDeniedError):
        set_weights(team.nurse, weights={"falls": 9}, reason=None)
    row = _weights_row(team.nurse, team.team_id, {"falls": 9})
    sent = [_append(team.nurse, row), _phone(team.nurse, team.zoe)]
    refused = team.push(team.nurse, *sent)
    assert refused == {sent[0]["change_id"]: ONLY_COORDINATOR_WEIGHTS}
    # The rest of the push is kept; nothing of the weights is.
    assert team.stored(sent) == [sent[1]["change_id"]]
    team.ot, _ = still_syncs(team.ot)
    with team.ot.store.read() as session:
        assert current_weights(session, team.team_id) == DEFAULT_WEIGHTS
        assert session.execute(select(PriorityWeights)).first() is None
        zoe = session.get(Person, team.zoe)
        assert zoe is not None and zoe.phone == "01756 700000"


def test_another_teams_coordinator_changes_only_their_own_teams(team: Team, laptop: Laptop) -> None:
    directory.add_team(team.server.store, OTHER_TEAM)
    directory.add_user(team.server.store, "Dee Rees", "coordinator", OTHER_TEAM)
    other = reopen(laptop("Dee Rees"))
    try:
        sync(other)
        other_team = team_weights.team_weights(other).team_id
        assert other_team not in (None, team.team_id)
        theirs = _append(other, _weights_row(other, str(other_team), {"falls": 1}))
        ours = _append(other, _weights_row(other, team.team_id, {"falls": 10}))
        refused = team.push(other, ours, theirs)
        assert refused == {ours["change_id"]: OWN_TEAM_WEIGHTS}
        assert team.stored([ours, theirs]) == [theirs["change_id"]]
    finally:
        other.close()
    # Every laptop receives every team's weights (not patient data), and uses its own.
    team.nurse, _ = still_syncs(team.nurse)
    with team.nurse.store.read() as session:
        assert current_weights(session, team.team_id) == DEFAULT_WEIGHTS
        assert current_weights(session, str(other_team))["falls"] == 1


@pytest.mark.parametrize(
    "weights",
    [
        {"falls": 3, "star_sign": 2},
        {"falls": 11},
        {"falls": -1},
        {"falls": "3"},
        "[1, 2]",
        "not json",
    ],
)
def test_weights_the_definition_refuses_are_refused_on_the_server(
    team: Team, weights: object
) -> None:
    ws = team.coordinator
    sent = [_append(ws, _weights_row(ws, team.team_id, weights)), _phone(ws, team.zoe)]
    refused = team.push(ws, *sent)
    assert list(refused) == [sent[0]["change_id"]]
    assert "weights of a priority weights record" in refused[str(sent[0]["change_id"])]
    assert "star_sign" not in refused[str(sent[0]["change_id"])]
    assert team.stored(sent) == [sent[1]["change_id"]]
    team.nurse, _ = still_syncs(team.nurse)
    with team.nurse.store.read() as session:
        assert current_weights(session, team.team_id) == DEFAULT_WEIGHTS


def test_weights_once_set_are_never_edited_or_removed(team: Team) -> None:
    change = set_weights(team.coordinator, weights={"falls": 5}, reason=None)
    assert not sync(team.coordinator).refused
    ws, row_id = team.coordinator, str(change.entity_id)
    edit = crafted(ws, "priority_weights", "set", row_id, json.dumps({"falls": 9}), "weights")
    removal = crafted(ws, "priority_weights", "delete", row_id, None, raw=True)
    created = _weights_row(ws, team.team_id, {"falls": 9})
    as_create = crafted(ws, "priority_weights", "create", str(created["id"]), created)
    refused = team.push(ws, edit, removal, as_create)
    assert refused == {
        edit["change_id"]: WEIGHTS_KEPT,
        removal["change_id"]: WEIGHTS_KEPT,
        as_create["change_id"]: "'priority_weights' records cannot be created.",
    }
    assert team.stored([edit, removal, as_create]) == []
    team.nurse, _ = still_syncs(team.nurse)
    with team.nurse.store.read() as session:
        assert current_weights(session, team.team_id)["falls"] == 5


def test_weights_are_never_shared_with_a_partner_organisation(team: Team) -> None:
    assert "priority_weights" in NEVER_SHARED
    assert category_of("priority_weights", {"team_id": team.team_id}, None, {}) is None
    ws = team.coordinator
    row = _weights_row(ws, team.team_id, {"falls": 4})
    change = Change.model_validate(_append(ws, row))
    peer = {"organisation_id": "a-partner-organisation", "partner_id": "p"}
    assert partner_refusal(change, peer, set(), "our-organisation") == (
        "A team's settings stay with the organisation that wrote them."
    )


def test_lives_alone_travels_with_the_person(team: Team) -> None:
    changed = people.edit_details(team.nurse, team.zoe, {"lives_alone": "yes"})
    assert changed.fields == ("lives_alone",)
    assert not sync(team.nurse).refused
    team.ot, _ = still_syncs(team.ot)
    with team.ot.store.read() as session:
        zoe = session.get(Person, team.zoe)
        assert zoe is not None and zoe.lives_alone is True
    # Back to "not recorded": unknown, not "no".
    people.edit_details(team.nurse, team.zoe, {"lives_alone": ""})
    assert not sync(team.nurse).refused
    team.ot, _ = still_syncs(team.ot)
    with team.ot.store.read() as session:
        zoe = session.get(Person, team.zoe)
        assert zoe is not None and zoe.lives_alone is None
