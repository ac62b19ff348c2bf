"""A partner organisation's person on an enrolled laptop: placed on the team's
caseload by this laptop's server (under the sharing agreement), so the team's
practitioners have a legitimate relationship; nowhere else does that hold."""

from __future__ import annotations

import uuid

import pytest

from app.errors import AccessDeniedError
from app.services.caseload.caseload import CaseloadQuery, fetch
from app.services.need_to_know.access_policy import Relationship, Viewer, legitimate
from app.services.record.people import find
from app.services.record.record import open_record
from app.workspace import Workspace
from storage import settings
from storage.tables import Person
from tests.app.access_data import Scene, build_scene, sign_in
from tests.conftest import ALUN, ZOE

PARTNER_TEAM = str(uuid.uuid4())  # a council team: never in the trust's directory


@pytest.fixture
def scene(populated: Workspace) -> Scene:
    made = build_scene(populated)
    with populated.store.write(populated.actor) as s:
        find(s, ZOE).team_id = PARTNER_TEAM  # as the partner's record names it
    return made


def _enrol(ws: Workspace) -> None:
    """What enrolment leaves in the settings (the server's address), nothing more."""
    with ws.store.write(ws.actor) as s:
        settings.put(s, settings.SYNC_SERVER, "https://127.0.0.1:9/")
        settings.put(s, settings.SYNC_LAST_SUCCESS, "2099-01-01T00:00:00+00:00")


def _row_for(ws: Workspace, person_id: str) -> object:
    _, rows = fetch(ws, CaseloadQuery(limit=50))
    return next(r for r in rows if r.person_id == person_id)


def test_the_policy_counts_placement_only_on_an_enrolled_laptop() -> None:
    placed = Relationship(False, None, placed_by_server=True)
    assert legitimate(Viewer("u1", "community_nurse", "t1", enrolled=True), placed)
    assert not legitimate(Viewer("u1", "community_nurse", "t1"), placed)
    assert not legitimate(Viewer("a", "administrator", "t1", enrolled=True), placed)


def test_a_partners_person_opens_for_the_team_on_an_enrolled_laptop(
    populated: Workspace, scene: Scene
) -> None:
    _enrol(populated)
    nia = sign_in(populated, scene, "nia")
    assert open_record(nia, scene.zoe) is not None
    row = _row_for(nia, scene.zoe)
    assert not row.limited and row.nhs_number == ZOE  # type: ignore[attr-defined]
    # One of our own organisation's other teams is still outside her relationship.
    with pytest.raises(AccessDeniedError, match="break-glass"):
        open_record(nia, scene.alun)
    assert _row_for(nia, scene.alun).limited  # type: ignore[attr-defined]


def test_without_a_server_an_unknown_team_is_not_a_relationship(
    populated: Workspace, scene: Scene
) -> None:
    """A standalone or demo profile: no server placed anyone, so nothing is inferred."""
    nia = sign_in(populated, scene, "nia")
    with pytest.raises(AccessDeniedError, match="break-glass"):
        open_record(nia, scene.zoe)
    assert _row_for(nia, scene.zoe).limited  # type: ignore[attr-defined]


def test_a_person_moved_to_one_of_our_teams_follows_the_ordinary_rules(
    populated: Workspace, scene: Scene
) -> None:
    # Moved before the laptop is enrolled: on an enrolled laptop moving someone is
    # the coordinator's alone (app.services.write_rules.write_policy).
    with populated.store.write(populated.actor) as s:
        person = s.get(Person, scene.zoe)
        assert person is not None
        person.team_id = find(s, ALUN).team_id  # South Dales: not Nia's team
    _enrol(populated)
    nia = sign_in(populated, scene, "nia")
    with pytest.raises(AccessDeniedError, match="break-glass"):
        open_record(nia, scene.zoe)
