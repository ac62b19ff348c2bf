"""Who is writing: the signed-in staff member, their organisation and role, this device."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: str | None
    organisation_id: str | None
    role: str | None
    device_id: str
