"""Device-local settings kept inside the encrypted store (never in a plain file)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.tables import ProfileSetting

DEVICE_ID = "device_id"
SIGNED_IN_USER = "signed_in_user_id"
HOME_ORGANISATION = "home_organisation_id"
HOME_TEAM = "home_team_id"
# Who signed in, as the server enrolled them (used until the directory arrives).
SIGNED_IN_IDENTITY = "signed_in_identity"
# Sync state, written by sync/ and read by app/ (the offline-days lock).
SYNC_SERVER = "sync_server"
SYNC_PRIVATE_KEY = "sync_private_key"
SYNC_CURSOR = "sync_cursor"
SYNC_LAST_SUCCESS = "sync_last_success"
# People the server said have left this laptop's caseload, not yet removed from it.
SYNC_LEAVING = "sync_people_leaving"
MAX_DAYS_OFFLINE = "max_days_offline"


def get(session: Session | Connection, key: str, default: Any = None) -> Any:
    value = session.execute(_GET, {"k": key}).scalar()
    return default if value is None else json.loads(value)


def get_many(session: Session | Connection, *keys: str) -> dict[str, Any]:
    """Several settings in one statement (None for those not set)."""
    found: dict[str, str] = {k: v for k, v in session.execute(_GET_MANY, {"keys": list(keys)})}
    return {key: None if found.get(key) is None else json.loads(found[key]) for key in keys}


def put(session: Session | Connection, key: str, value: Any) -> None:
    session.execute(_PUT, {"k": key, "v": json.dumps(value)})


# Built once: a sync reads and writes several settings, and building each statement
# cost more than running it. (Bound names that are not column names: an insert's
# parameters named after columns are values to insert.)
_GET = select(ProfileSetting.value).where(ProfileSetting.key == bindparam("k"))
_GET_MANY = select(ProfileSetting.key, ProfileSetting.value).where(
    ProfileSetting.key.in_(bindparam("keys", expanding=True))
)
_NEW = sqlite_insert(ProfileSetting).values(key=bindparam("k"), value=bindparam("v"))
_PUT = _NEW.on_conflict_do_update(index_elements=["key"], set_={"value": _NEW.excluded.value})
