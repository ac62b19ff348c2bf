"""The team's priority weights on the laptop (issue 20): the defaults until the team
changes them; changed by its coordinator only, validated by the one definition
(weights.checked) with nothing written when refused, journalled as an append and
audited with the factors changed; the newest usable row wins, and a row this version
cannot read is skipped, never raised."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from app.errors import AccessDeniedError, InvalidInputError
from app.services import clock
from app.services.priority import team_weights
from app.services.priority.team_weights import current_weights, set_weights, weights_history
from app.services.priority.weights import DEFAULT_WEIGHTS, MAX_WEIGHT
from app.services.write_rules.write_policy import ONLY_COORDINATOR_WEIGHTS
from app.values.vocab import Role
from app.workspace import Workspace
from storage.tables import AuditEvent, ChangeRecord, PriorityWeights, StaffMember
from tests.team_helpers import join_team


def _rows(ws: Workspace) -> list[PriorityWeights]:
    with ws.store.read() as s:
        return list(s.execute(select(PriorityWeights)).scalars())


def _events(ws: Workspace) -> list[AuditEvent]:
    with ws.store.read() as s:
        return list(
            s.execute(
                select(AuditEvent).where(AuditEvent.action == team_weights.AUDIT_ACTION)
            ).scalars()
        )


def test_a_team_that_never_changed_them_has_the_defaults(workspace: Workspace) -> None:
    team = join_team(workspace)
    with workspace.store.read() as s:
        assert current_weights(s, team) == DEFAULT_WEIGHTS
        assert weights_history(s, team) == ()
    view = team_weights.team_weights(workspace)
    assert view.weights == DEFAULT_WEIGHTS and view.last is None and view.may_change


def test_the_coordinator_changes_them_journalled_and_audited(workspace: Workspace) -> None:
    team = join_team(workspace)
    change = set_weights(
        workspace, weights={"falls": 5, "no_contact": 0}, reason="Winter: falls first"
    )
    assert change.fields == ("weights",) and change.touches("priorities")
    expected = DEFAULT_WEIGHTS | {"falls": 5, "no_contact": 0}
    with workspace.store.read() as s:
        assert current_weights(s, team) == expected
        journal = s.execute(
            select(ChangeRecord.op, ChangeRecord.value).where(
                ChangeRecord.entity == "priority_weights"
            )
        ).all()
    [(op, value)] = journal
    assert op == "append"
    row = json.loads(value or "{}")
    assert row["team_id"] == team and json.loads(row["weights"]) == expected
    [event] = _events(workspace)
    detail = json.loads(event.detail or "{}")
    assert detail["changed"] == ["falls", "no_contact"] and event.person_id is None
    # The reason's words are the coordinator's: kept with the weights, not in the audit.
    assert "Winter" not in (event.detail or "")
    [history] = team_weights.team_weights(workspace).history
    assert history.reason == "Winter: falls first"
    assert history.recorded_by == workspace.actor.user_id and history.by_name == "Sam Taylor"
    assert history.weights == expected


def test_factors_not_named_keep_the_teams_current_weights(workspace: Workspace) -> None:
    team = join_team(workspace)
    set_weights(workspace, weights={"falls": 5}, reason=None)
    set_weights(workspace, weights={"lives_alone": 4}, reason="second thoughts")
    with workspace.store.read() as s:
        assert current_weights(s, team) == DEFAULT_WEIGHTS | {"falls": 5, "lives_alone": 4}
        history = weights_history(s, team)
    assert [h.reason for h in history] == ["second thoughts", None]  # newest first
    assert len(_events(workspace)) == 2


def test_setting_what_they_already_are_writes_nothing(workspace: Workspace) -> None:
    join_team(workspace)
    change = set_weights(workspace, weights={"falls": DEFAULT_WEIGHTS["falls"]}, reason="same")
    assert change.fields == ()
    assert _rows(workspace) == [] and _events(workspace) == []


@pytest.mark.parametrize(
    "role", [Role.COMMUNITY_NURSE.value, Role.SOCIAL_WORKER.value, Role.IG_LEAD.value]
)
def test_anyone_but_the_coordinator_is_refused_with_nothing_written(
    workspace: Workspace, role: str
) -> None:
    join_team(workspace, role)
    with pytest.raises(AccessDeniedError) as refused:
        set_weights(workspace, weights={"falls": 5}, reason=None)
    assert str(refused.value) == ONLY_COORDINATOR_WEIGHTS
    assert _rows(workspace) == [] and _events(workspace) == []
    assert not team_weights.team_weights(workspace).may_change


def test_a_coordinator_with_no_team_is_refused(workspace: Workspace) -> None:
    with workspace.store.write(workspace.actor) as s:
        me = s.get(StaffMember, workspace.actor.user_id)
        assert me is not None
        me.role = Role.COORDINATOR.value
    with pytest.raises(AccessDeniedError, match="not a member of a team"):
        set_weights(workspace, weights={"falls": 5}, reason=None)
    assert _rows(workspace) == []


@pytest.mark.parametrize(
    ("weights", "said"),
    [
        ({"falls": 5, "star_sign": 3}, "'star_sign' is not a priority factor."),
        ({"falls": MAX_WEIGHT + 1}, "must be a whole number from 0 to 10"),
        ({"falls": -1}, "must be a whole number from 0 to 10"),
        ({"falls": True}, "must be a whole number from 0 to 10"),
        ({"falls": 2.5}, "must be a whole number from 0 to 10"),
    ],
)
def test_unknown_factors_and_weights_off_the_scale_are_refused_with_nothing_written(
    workspace: Workspace, weights: dict[str, object], said: str
) -> None:
    join_team(workspace)
    with pytest.raises(InvalidInputError) as refused:
        set_weights(workspace, weights=weights, reason=None)  # type: ignore[arg-type]
    assert said in str(refused.value)
    assert _rows(workspace) == [] and _events(workspace) == []


def test_a_reason_too_long_is_refused(workspace: Workspace) -> None:
    join_team(workspace)
    with pytest.raises(InvalidInputError, match="too long"):
        set_weights(workspace, weights={"falls": 5}, reason="x" * 501)
    assert _rows(workspace) == []


def _stored(ws: Workspace, team: str, weights: str, minutes_ago: int, row_id: str) -> None:
    """A row as a pull leaves it (replayed from the journal, with its writer's time and
    any text the journal carried), written beside the ORM as the replay writes."""
    with ws.store.engine.begin() as conn:
        conn.execute(
            insert(PriorityWeights),
            [
                {
                    "id": row_id,
                    "team_id": team,
                    "weights": weights,
                    "recorded_at": clock.now() - timedelta(minutes=minutes_ago),
                }
            ],
        )


def test_the_newest_row_wins_then_the_greater_id(workspace: Workspace) -> None:
    team = join_team(workspace)
    _stored(workspace, team, json.dumps({"falls": 1}), 30, "00000000-0000-4000-8000-000000000001")
    _stored(workspace, team, json.dumps({"falls": 7}), 10, "00000000-0000-4000-8000-000000000002")
    _stored(workspace, team, json.dumps({"falls": 4}), 20, "00000000-0000-4000-8000-000000000003")
    with workspace.store.read() as s:
        assert current_weights(s, team)["falls"] == 7
    # Two written at the same moment: the greater id, on every laptop alike.
    same = clock.now() - timedelta(minutes=5)
    for row_id, falls in (
        ("00000000-0000-4000-8000-00000000000b", 9),
        ("00000000-0000-4000-8000-00000000000a", 8),
    ):
        _stored(workspace, team, json.dumps({"falls": falls}), 0, row_id)
        with workspace.store.engine.begin() as conn:
            conn.execute(
                update(PriorityWeights).where(PriorityWeights.id == row_id).values(recorded_at=same)
            )
    with workspace.store.read() as s:
        assert current_weights(s, team)["falls"] == 9


def test_another_teams_weights_are_not_this_teams(workspace: Workspace) -> None:
    team = join_team(workspace)
    _stored(
        workspace,
        "another-team",
        json.dumps({"falls": 9}),
        1,
        "00000000-0000-4000-8000-00000000000c",
    )
    with workspace.store.read() as s:
        assert current_weights(s, team) == DEFAULT_WEIGHTS
        assert current_weights(s, "another-team")["falls"] == 9


@pytest.mark.parametrize(
    "bad",
    [
        json.dumps({"falls": 11}),
        json.dumps({"a_factor_from_a_newer_version": 2}),
        json.dumps([1, 2, 3]),
        "not json at all",
        "[" * 5000,
    ],
)
def test_a_row_this_version_cannot_use_is_skipped_for_the_next_newest(
    workspace: Workspace, bad: str, caplog: pytest.LogCaptureFixture
) -> None:
    team = join_team(workspace)
    _stored(workspace, team, json.dumps({"falls": 6}), 20, "00000000-0000-4000-8000-000000000010")
    _stored(workspace, team, bad, 5, "00000000-0000-4000-8000-000000000011")
    with workspace.store.read() as s:
        assert current_weights(s, team)["falls"] == 6
        [newest, older] = weights_history(s, team)
    assert newest.weights is None and older.weights == DEFAULT_WEIGHTS | {"falls": 6}
    # Said in the log by the row's id, never its values.
    assert "000000000011" in caplog.text and bad[:20] not in caplog.text


def test_only_unusable_rows_leave_the_defaults(workspace: Workspace) -> None:
    team = join_team(workspace)
    _stored(workspace, team, "{}{", 5, "00000000-0000-4000-8000-000000000020")
    with workspace.store.read() as s:
        assert current_weights(s, team) == DEFAULT_WEIGHTS
    assert team_weights.team_weights(workspace).last is None
