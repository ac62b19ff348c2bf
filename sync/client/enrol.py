"""Enrol this laptop with a partner server: its own key pair, registered with a one-time code."""

from __future__ import annotations

import logging

import httpx

from app.errors import OneRecordError
from app.workspace import Workspace
from storage import audit_anchor, device_identity, profile, settings
from storage.actor import Actor
from storage.audit_log import append as audit
from sync import signing
from sync.client import settings as sync_settings
from sync.client.last_words import send_last_words
from sync.protocol import EnrolRequest, EnrolResponse
from sync.transport import call, client

logger = logging.getLogger(__name__)


def enrol(
    workspace: Workspace,
    server_url: str,
    code: str,
    *,
    ca_pem: str | None = None,
    device_name: str = "",
    transport: httpx.BaseTransport | None = None,
) -> EnrolResponse:
    if workspace.demo:
        raise OneRecordError(
            "A demo profile holds made-up people and cannot be enrolled with a server."
        )
    with workspace.store.read() as session:
        if sync_settings.enrolment(session) is not None:
            raise OneRecordError("This laptop is already enrolled.")
    # This profile's history moves to the id the server assigns (its audit chain is
    # re-hashed): only a chain that verifies, checked before the one-time code is used.
    _, problems = audit_anchor.verify_store(workspace.store)
    if problems:
        raise OneRecordError(
            "This laptop's audit log does not verify ('onerecord audit verify' says where), "
            "so it cannot be enrolled: ask your administrator."
        )
    private_key = signing.new_private_key()
    request = EnrolRequest(
        code=code.strip(),
        public_key=signing.public_key_of(private_key),
        device_name=device_name,
    )
    with client(server_url, ca_pem=ca_pem, transport=transport) as http:
        answer = EnrolResponse.model_validate(
            call(http, "POST", "/enrol", json=request.model_dump(exclude_none=True))
        )
    identity = answer.identity
    # Written as the server's user on the server's device id: the server refuses any
    # change after enrolment in another name (app/services/write_rules/write_policy.py).
    actor = Actor(identity.user_id, identity.organisation_id, identity.role, answer.device_id)
    with workspace.store.write(actor) as session:
        # The id is the server's, never this laptop's choice: everything recorded here
        # so far moves to it in this same transaction.
        # Whoever made this profile is the user it is now enrolled as: what they
        # recorded before moves to the enrolled user and organisation with the id.
        placeholder = workspace.actor
        moved = (
            device_identity.Identity(
                old_user=placeholder.user_id,
                new_user=identity.user_id,
                old_organisation=placeholder.organisation_id,
                new_organisation=identity.organisation_id,
                new_role=identity.role,
            )
            if placeholder.user_id and placeholder.organisation_id
            else None
        )
        local_id = device_identity.adopt(session, answer.device_id, moved)
        audit(
            session,
            "enrolled",
            detail={
                "server_id": answer.server_id,
                "local_id": local_id,
                "local_user_id": placeholder.user_id,
            },
        )
        sync_settings.save_enrolment(
            session,
            sync_settings.Enrolment(
                server_url=server_url,
                server_id=answer.server_id,
                ca_pem=ca_pem,
                private_key=private_key,
            ),
        )
        settings.put(session, settings.SIGNED_IN_USER, identity.user_id)
        settings.put(session, settings.SIGNED_IN_IDENTITY, identity.model_dump())
        settings.put(session, settings.HOME_ORGANISATION, identity.organisation_id)
        settings.put(session, settings.HOME_TEAM, identity.team_id)
        sync_settings.save_last_success(session)
    workspace.store.device_id = answer.device_id
    # From now on this laptop writes as the server's user, never as the placeholder
    # the profile started with: the server refuses changes in anyone else's name.
    workspace.actor = actor
    workspace.user_name = identity.display_name
    audit_anchor.advance(workspace.store)  # the anchor names the device and its head
    return answer


def wipe(workspace: Workspace, *, transport: httpx.BaseTransport | None = None) -> None:
    """A revoked laptop removes every record it holds, after sending the server the
    audit events it has not yet got (best effort: the wipe happens regardless)."""
    path = workspace.store.path
    try:
        with workspace.store.write(workspace.actor) as session:
            audit(session, "wiped", detail={"why": "revoked"})
    except Exception as exc:  # a full disk must not stop a wipe
        logger.warning("the wipe could not be audited (%s)", type(exc).__name__)
    send_last_words(workspace, transport=transport)
    workspace.close("revoked")
    profile.destroy(path)
