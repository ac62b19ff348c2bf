"""A new demo profile holding a synthetic caseload (never real people)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from app.demo.generator import DemoSummary, build_demo_caseload
from app.demo.roles import seat_for
from app.errors import ProfileExistsError
from app.services.profile.passphrase_strength import require_strong
from app.values.vocab import Role
from app.workspace import Workspace, open_workspace
from storage import profile
from storage.audit_log import append as audit
from storage.keyvault import KdfParams


def create_demo_profile(
    path: Path,
    passphrase: str,
    *,
    people: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    kdf: KdfParams | None = None,
    role: Role | str = Role.COMMUNITY_NURSE,
) -> tuple[Workspace, DemoSummary]:
    """`role` is whom the demo signs in as (app.demo.roles.DEMO_SEATS): the same
    made-up team and people whichever role is chosen."""
    # Made-up people, but a real encrypted profile: the same passphrase rules.
    require_strong(passphrase)
    seat_for(role)  # an unknown role is refused before anything is made
    if profile.exists(path):
        kind = "demo profile" if profile.info(path).demo else "profile with real records"
        raise ProfileExistsError(
            "A {kind} already exists in {path}: nothing was changed.", kind=kind, path=path
        )
    fresh_folder = not path.exists() or not any(path.iterdir())
    store = profile.create(path, passphrase, demo=True, kdf=kdf)
    try:
        summary = build_demo_caseload(
            store, people=people, seed=seed, progress=progress, sign_in_as=role
        )
        workspace = open_workspace(store)
        with store.write(workspace.actor) as session:
            audit(session, "unlock")
    except BaseException:
        # Nothing half-made: an interrupted demo leaves no profile behind.
        store.close()
        if fresh_folder:
            shutil.rmtree(path, ignore_errors=True)
        raise
    return workspace, summary
