"""Putting a test profile's signed-in user on a team with a role: the team tools, the
priority weights and the team meeting need a team (a profile made by `create` has
none)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.values.vocab import Role
from app.workspace import Workspace
from storage.tables import StaffMember, Team
from tests.conftest import PASSPHRASE

TEAM_NAME = "Craven Locality"


def join_team(ws: Workspace, role: str = Role.COORDINATOR.value) -> str:
    """The signed-in user on a new team with this role; the team's id."""
    assert ws.actor.user_id is not None
    with ws.store.write(ws.actor) as s:
        team = Team(name=TEAM_NAME)
        s.add(team)
        s.flush()
        me = s.get(StaffMember, ws.actor.user_id)
        assert me is not None
        me.role, me.team_id = role, team.id
        return team.id


def team_profile(ws: Workspace, path: Path, mp: pytest.MonkeyPatch, role: str) -> Path:
    """As `join_team`, then closed for a command to open (the passphrase in its env)."""
    join_team(ws, role)
    ws.close()
    mp.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    return path
