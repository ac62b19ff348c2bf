"""Alembic environment: always run programmatically on the store's own keyed connection."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from storage.tables import Base
from storage.tables.base import UtcDateTime


def _render_item(type_: str, obj: Any, _context: Any) -> str | Literal[False]:
    # Migrations must not depend on model code: a UtcDateTime is a DATETIME column.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime()"
    return False


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("OneRecord migrations run through storage.migrate, on an unlocked profile")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    render_item=_render_item,
)
with context.begin_transaction():
    context.run_migrations()
