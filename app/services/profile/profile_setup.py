"""The first run on a laptop: create the encrypted profile and its first user."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from app.errors import InvalidInputError
from app.services.profile.passphrase_strength import WeakPassphraseError, weakness
from app.values.vocab import Role
from app.workspace import Workspace, create
from storage.keyvault import KdfParams

__all__ = ["KdfParams", "create_profile", "passphrase_problem"]


def passphrase_problem(
    passphrase: str, confirmation: str | None = None, user_inputs: Iterable[str] = ()
) -> str | None:
    """A plain reason the passphrase will not do (too weak, with the estimator's
    advice; or not typed the same twice), or None."""
    if reason := weakness(passphrase, user_inputs):
        return reason
    if confirmation is not None and passphrase != confirmation:
        return "The two passphrases are different: type the same one twice."
    return None


def create_profile(
    path: Path,
    *,
    user_name: str,
    role: str,
    organisation: str,
    passphrase: str,
    confirmation: str,
    kdf: KdfParams | None = None,
) -> Workspace:
    """Check everything typed, then create the profile (nothing is left behind on failure)."""
    name = " ".join(user_name.split())
    if not name:
        raise InvalidInputError("Enter your name as colleagues know it.")
    if len(name) > 200:
        raise InvalidInputError("That name is too long (200 characters at most).")
    org = " ".join(organisation.split())
    if not org:
        raise InvalidInputError("Enter the organisation you work for.")
    if len(org) > 200:
        raise InvalidInputError("That organisation name is too long (200 characters at most).")
    if reason := weakness(passphrase, (name, org)):
        raise WeakPassphraseError(reason)
    if reason := passphrase_problem(passphrase, confirmation):
        raise InvalidInputError(reason)
    return create(
        path,
        passphrase,
        user_name=name,
        role=Role(Role.parse(role).value),
        organisation_name=org,
        kdf=kdf,
    )
