"""The one write policy and row rules for a team's priority weights, as the laptop's
write check and the server's authority both ask them (pure: no database): only the
team's coordinator, only for their own team, only by adding a new row; the weights
text must pass weights.checked and a reason is at most 500 characters."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.services.priority.weights import DEFAULT_WEIGHTS, FACTORS, MAX_WEIGHT
from app.services.write_rules.row_validity import row_problem, value_problem
from app.services.write_rules.write_policy import (
    NOT_YOURS,
    ONLY_COORDINATOR_WEIGHTS,
    OWN_TEAM_WEIGHTS,
    TEAM_SETTINGS,
    WEIGHTS_KEPT,
    Proposed,
    Writer,
    decide,
    needs_person,
)
from app.values.vocab import Role

DEVICE, USER, ORG, TEAM = "dev-1", "user-1", "org-1", "team-1"


def _writer(role: str = Role.COORDINATOR.value, team: str | None = TEAM) -> Writer:
    return Writer(user_id=USER, role=role, organisation_id=ORG, team_id=team, device_id=DEVICE)


def _row(**values: Any) -> dict[str, Any]:
    return {
        "id": "w-1",
        "team_id": TEAM,
        "weights": json.dumps({"falls": 4}),
        "reason": None,
        "recorded_at": "2026-12-05T10:00:00+00:00",
        "recorded_by": USER,
        "recorded_org": ORG,
        "recorded_device": DEVICE,
    } | values


def _change(op: str = "append", value: Any = None, field: str | None = None) -> Proposed:
    return Proposed(
        "priority_weights",
        "w-1",
        op,
        field,
        _row() if value is None and op == "append" else value,
        DEVICE,
        USER,
        ORG,
    )


def test_a_team_setting_is_no_persons_record() -> None:
    assert "priority_weights" in TEAM_SETTINGS
    assert not needs_person("priority_weights")


def test_the_coordinator_adds_their_own_teams_weights() -> None:
    assert decide(_writer(), _change(), None) is None


@pytest.mark.parametrize("role", [r.value for r in Role if r is not Role.COORDINATOR])
def test_every_other_role_is_refused(role: str) -> None:
    assert decide(_writer(role), _change(), None) == ONLY_COORDINATOR_WEIGHTS


def test_another_teams_weights_are_refused_and_so_is_a_coordinator_with_no_team() -> None:
    other = _change(value=_row(team_id="team-2"))
    assert decide(_writer(), other, None) == OWN_TEAM_WEIGHTS
    assert decide(_writer(team=None), _change(value=_row(team_id=None)), None) == OWN_TEAM_WEIGHTS
    assert decide(_writer(), _change(value=_row(team_id=None)), None) == OWN_TEAM_WEIGHTS


@pytest.mark.parametrize(("op", "field"), [("set", "weights"), ("delete", None), ("create", None)])
def test_weights_are_never_edited_removed_or_created_as_an_editable_record(
    op: str, field: str | None
) -> None:
    value = _row() if op == "create" else (json.dumps({"falls": 1}) if op == "set" else None)
    assert decide(_writer(), _change(op, value, field), None) == WEIGHTS_KEPT


def test_in_someone_elses_name_is_refused_first() -> None:
    assert decide(_writer(), _change(value=_row(recorded_by="user-2")), None) == NOT_YOURS


def test_the_weights_must_pass_the_one_definition() -> None:
    assert row_problem("priority_weights", _row()) is None
    assert row_problem("priority_weights", _row(weights=json.dumps(DEFAULT_WEIGHTS))) is None
    # A team that set none differently: every factor at its default.
    assert row_problem("priority_weights", _row(weights="{}")) is None
    assert value_problem("priority_weights", "weights", json.dumps({"falls": 0})) is None


@pytest.mark.parametrize(
    "weights",
    [
        json.dumps({"star_sign": 3}),
        json.dumps({"falls": MAX_WEIGHT + 1}),
        json.dumps({"falls": -1}),
        json.dumps({"falls": True}),
        json.dumps({"falls": 2.0}),
        json.dumps({"falls": "3"}),
        json.dumps([["falls", 3]]),
        json.dumps(3),
        "not json",
        "[" * 100_000,
        json.dumps({f.key: 1 for f in FACTORS} | {"padding": "x" * 3000}),
    ],
)
def test_weights_the_definition_refuses_are_refused_without_naming_them(weights: str) -> None:
    problem = row_problem("priority_weights", _row(weights=weights))
    assert problem is not None and "weights of a priority weights record" in problem
    assert "star_sign" not in problem and "padding" not in problem


def test_a_reason_is_at_most_500_characters() -> None:
    assert row_problem("priority_weights", _row(reason="x" * 500)) is None
    problem = row_problem("priority_weights", _row(reason="x" * 501))
    assert problem is not None and "reason" in problem
