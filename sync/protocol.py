"""The sync protocol's wire format. Both ends validate against these models, and
the server publishes them as its OpenAPI schema.

A change on the wire is a change_journal row (storage/tables/journal.py):
field-level, stamped with a hybrid logical clock, its device, author and
organisation, and the ids of the changes it replaces (`bases`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from storage.hlc import MAX_STAMP

PROTOCOL_VERSION = 1
MAX_PUSH_BATCH = 2_000
# A laptop ends a push batch once its body reaches this many bytes (however few
# changes that is), so that no real batch nears the server's body limit
# (sync/server/limits.py MAX_BODY_BYTES, 16 MiB): one more change, even the largest
# the wire allows, still fits under it.
MAX_PUSH_BYTES = 4 * 1024 * 1024
# The most changes a pull page holds (asked for by a laptop far behind: a first
# download, a long absence). Fewer, larger pages mean fewer commits on the laptop,
# each rewriting most of its random-key indexes' pages: 20,000 took a 5,000-person
# team's first download from 33 s to 28 (bench/sync.py). A server older than this
# refuses more than 5,000 (docs/admin-guide.md: upgrade the server first).
MAX_PULL_PAGE = 20_000
# However few changes that is, a stream page ends once its values reach this many
# characters (at least one change): a page of the largest values cannot fill the
# server's or the laptop's memory. A page of routine changes is a fraction of it.
PULL_PAGE_CHARS = 32 * 1024 * 1024
# A partner server's pages (sync/server/partners/): not bounded by characters, so
# kept at the size they had.
PARTNER_PULL_PAGE = 5_000

Uuid = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
]
# A table or column name of the record (storage/tables): lowercase, digits after the
# first letter (person.address_line1), so every journalled field can cross the wire.
Name = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]{0,59}$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The widest stamp a database's 64-bit integer column can hand back.
STORED_STAMP_MAX = 2**63 - 1


class Change(Strict):
    """A change as a pull page carries it (and as either side holds it). Its stamp is
    bounded only by what a store can hold: a server row edited by hand or by a bug may
    carry a stamp no push could, and that one change must be kept aside by the laptop
    (sync/client/apply.py), not make the whole page, and every later sync, unreadable."""

    change_id: Uuid
    hlc: int = Field(ge=1, le=STORED_STAMP_MAX)
    device_id: Uuid
    author_id: Uuid | None = None
    organisation_id: Uuid | None = None
    entity: Name
    entity_id: Uuid
    op: Literal["create", "set", "delete", "append"]
    field: Name | None = None
    # JSON text: the new value for "set", the whole row for "create"/"append".
    value: str | None = Field(default=None, max_length=1_000_000)
    bases: list[Uuid] = Field(default_factory=list, max_length=64)
    recorded_at: str = Field(max_length=40)


class PushedChange(Change):
    """A change as a laptop pushes it."""

    # Bounded so no replica's clock can be pushed to overflow (storage/hlc.py); the
    # server refuses anything more than a day ahead of its own clock as well.
    hlc: int = Field(ge=1, le=MAX_STAMP)


class PushRequest(Strict):
    changes: list[PushedChange] = Field(max_length=MAX_PUSH_BATCH)


class Refusal(Strict):
    change_id: str
    reason: str


class PushResponse(Strict):
    accepted: int
    duplicates: int
    refused: list[Refusal]


class PullResponse(Strict):
    changes: list[Change]
    cursor: str = Field(max_length=40, description="pass back as `cursor` to continue")
    more: bool
    total: int | None = Field(default=None, description="changes still to come, for progress")
    evict: list[Uuid] = Field(
        default_factory=list, description="people no longer on this device's caseload"
    )


class EnrolRequest(Strict):
    code: str = Field(min_length=8, max_length=64)
    # Laptops before issue 15 sent an id they had made up; a laptop chooses nothing now.
    # Still read, so such a request is not refused for its form, and never used.
    device_id: Uuid | None = Field(default=None, description="ignored: the server assigns it")
    public_key: str = Field(min_length=40, max_length=100, description="Ed25519, base64")
    device_name: str = Field(default="", max_length=120)


class StaffIdentity(Strict):
    user_id: Uuid
    display_name: str
    role: str
    organisation_id: Uuid
    team_id: Uuid | None


class EnrolResponse(Strict):
    server_id: Uuid
    device_id: Uuid = Field(description="this laptop's id, assigned by the server")
    identity: StaffIdentity


class Problem(Strict):
    """Every 4xx answer: one plain sentence, safe to show a user."""

    detail: str
    revoked: bool = False


# -- beyond the team (sync/server/beyond_team.py) -------------------------------------


class BeyondTeamPerson(Strict):
    """The minimum necessary to recognise someone: never an NHS number or address."""

    person_id: Uuid
    name: str
    year_of_birth: int | None
    locality: str | None


class BeyondTeamSearch(Strict):
    """The words typed, in the signed body: never in a URL, where logs and proxies see it."""

    q: str = Field(max_length=100)


class BeyondTeamResponse(Strict):
    people: list[BeyondTeamPerson]


class BreakGlassRequest(Strict):
    """One of: the person's id (from a search), or their NHS number (from a referral)."""

    person_id: Uuid | None = None
    nhs_number: str | None = Field(default=None, pattern=r"^[0-9]{10}$")
    reason: str = Field(max_length=2000)
    minutes: int | None = Field(default=None, ge=5, le=24 * 60)


class BreakGlassResponse(Strict):
    grant_id: Uuid
    expires_at: str


class SamePersonCheck(Strict):
    """Who is about to be registered, in the signed body (never a URL: URLs are
    logged): the team server looks for them before a laptop makes a second record.
    Sizes as the record allows (app/rules.py): names and postcodes are short."""

    nhs_number: str | None = Field(default=None, pattern=r"^[0-9]{10}$")
    family_name: str = Field(min_length=1, max_length=120)
    date_of_birth: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    postcode: str = Field(max_length=12)


class SamePersonMatch(Strict):
    """Someone on the asking user's caseload (or in their break-glass scope), as the
    laptop's own offer shows them."""

    person_id: Uuid
    name: str
    date_of_birth: str
    postcode: str
    nhs_number: str | None
    why: str


class HeldByAnotherTeam(Strict):
    """Someone matching who is beyond the asking user's reach: only which team holds
    them (None: no team yet) and why they match; never a name, birth date or address."""

    team: str | None
    why: str


class SamePersonResponse(Strict):
    matches: list[SamePersonMatch]
    other_teams: list[HeldByAnotherTeam]
