"""Device-local settings kept inside the encrypted store (never in a plain file)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.tables import ProfileSetting

DEVICE_ID = "device_id"
SIGNED_IN_USER = "signed_in_user_id"
HOME_ORGANISATION = "home_organisation_id"
HOME_TEAM = "home_team_id"


def get(session: Session, key: str, default: Any = None) -> Any:
    value = session.execute(select(ProfileSetting.value).where(ProfileSetting.key == key)).scalar()
    return default if value is None else json.loads(value)


def put(session: Session, key: str, value: Any) -> None:
    stmt = sqlite_insert(ProfileSetting).values(key=key, value=json.dumps(value))
    session.execute(
        stmt.on_conflict_do_update(index_elements=["key"], set_={"value": stmt.excluded.value})
    )
