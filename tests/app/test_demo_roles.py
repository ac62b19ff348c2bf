"""`onerecord demo --role`: the demo signs in as each role of one made-up team."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli.main import main
from app.demo.roles import DEMO_ROLES
from app.errors import AccessDeniedError
from app.services.need_to_know.access_report import ReportQuery, fetch
from app.services.profile import demo_profile
from app.services.team.team_counts import team_counts
from app.values.vocab import Role
from app.workspace import Workspace, unlock
from storage.tables import Person, StaffMember
from tests.conftest import FAST_KDF, PASSPHRASE


def _demo(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    *role: str,
) -> str:
    monkeypatch.setenv("ONERECORD_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(
        demo_profile,
        "create_demo_profile",
        partial(demo_profile.create_demo_profile, kdf=FAST_KDF),
    )
    args = ["demo", "--profile", str(folder), "--people", "4", "--seed", "5"]
    code = main([*args, *(["--role", *role] if role else [])])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _people_and_staff(workspace: Workspace) -> tuple[list[str], list[str]]:
    with workspace.store.read() as session:
        people = list(session.execute(select(Person.nhs_number).order_by(Person.id)).scalars())
        staff = list(session.execute(select(StaffMember.id).order_by(StaffMember.id)).scalars())
    return people, staff


def test_the_help_lists_each_role_with_what_it_sees(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    out = capsys.readouterr().out
    assert DEMO_ROLES == (
        "community_nurse",
        "social_worker",
        "occupational_therapist",
        "support_worker",
        "coordinator",
        "ig_lead",
    )
    for role in DEMO_ROLES:
        assert f"\n  {role} " in out
    assert "Team view" in out and "Access reports" in out


def test_each_role_signs_in_on_the_same_team(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, tuple[list[str], list[str]]] = {}
    for role in DEMO_ROLES:
        out = _demo(capsys, monkeypatch, tmp_path / role, role)
        assert f"({Role(role).label})" in out
        workspace = unlock(tmp_path / role, PASSPHRASE)
        try:
            assert workspace.demo and workspace.actor.role == role
            with workspace.store.read() as session:
                user = session.get(StaffMember, workspace.actor.user_id)
            assert user is not None and user.role == role and user.team_id is not None
            if role == Role.COORDINATOR.value:
                counts = team_counts(workspace)
                assert counts.people > 0
                fetch(workspace, ReportQuery())  # the access report opens too
            elif role == Role.IG_LEAD.value:
                assert team_counts(workspace).people > 0  # read-only, but readable
                fetch(workspace, ReportQuery())
            else:
                with pytest.raises(AccessDeniedError):
                    team_counts(workspace)
            seen[role] = _people_and_staff(workspace)
        finally:
            workspace.close()
    # One made-up team and caseload, whichever seat the demo signs in from.
    assert len({repr(v) for v in seen.values()}) == 1


def test_the_nurse_is_the_default_and_an_unknown_role_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _demo(capsys, monkeypatch, tmp_path / "default")
    workspace = unlock(tmp_path / "default", PASSPHRASE)
    try:
        assert workspace.actor.role == Role.COMMUNITY_NURSE.value
    finally:
        workspace.close()
    with pytest.raises(SystemExit):
        main(["demo", "--profile", str(tmp_path / "x"), "--role", "administrator"])
    assert "invalid choice: 'administrator'" in capsys.readouterr().err
