"""How the change journal decides a field's value: a multi-value register.

Every `set` names the change(s) it replaces (`bases`): the value its author
saw. A change that nobody has replaced is a *head*. One head: that is the
value. Several heads: people edited the field concurrently, on different
laptops, without seeing each other's edit. The value shown is the head with
the greatest (clock stamp, device id), so every replica picks the same one
whatever order the changes arrived in, and the other heads stay in the
journal as an open conflict until a person resolves it with a change whose
bases name them all. Nothing is lost and the result does not depend on order.

A `create` counts as a change to every field it carries; a `delete` is a
tombstone that wins over any edit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Version:
    """One candidate value for a field, and where it came from."""

    change_id: str
    hlc: int
    device_id: str
    value: Any
    bases: tuple[str, ...]
    author_id: str | None = None
    organisation_id: str | None = None

    @property
    def order(self) -> tuple[int, str]:
        return (self.hlc, self.device_id)


@dataclass
class EntityState:
    """What the journal says one entity is now."""

    deleted: bool
    created: bool
    values: dict[str, Any]
    # field -> its heads, winner first; two or more heads is an open conflict
    heads: dict[str, list[Version]]
    # An append pulled from the server: its row's values are in its table only
    # (storage.change_row.ROW_IN_ITS_TABLE), so `values` is empty.
    row_in_its_table: bool = False

    @property
    def conflicts(self) -> dict[str, list[Version]]:
        return {name: versions for name, versions in self.heads.items() if len(versions) > 1}


def parse_bases(raw: str | None) -> tuple[str, ...]:
    return tuple(json.loads(raw)) if raw else ()


def heads(versions: Iterable[Version]) -> list[Version]:
    """The versions nobody replaced, greatest first.

    A version never replaces itself, and when every version of a field is replaced
    (bases that name each other round in a circle) every one of them is a head: an
    open conflict for a person to resolve. No app ever writes either (a change's bases
    are changes made before it), but a crafted one reaching the journal must leave the
    field with a value, the same on every replica, not a fold that fails: one such
    change once stopped every pull of every laptop that received it."""
    pool = list(versions)
    replaced = {base for v in pool for base in v.bases if base != v.change_id}
    standing = [v for v in pool if v.change_id not in replaced] or pool
    return sorted(standing, key=lambda v: v.order, reverse=True)


def fold(rows: Iterable[dict[str, Any]]) -> EntityState:
    """Fold every journal row of one entity (any order) into its state.

    Rows carry change_id, hlc, device_id, op, field, value (JSON text), bases
    (JSON text), author_id, organisation_id.
    """
    per_field: dict[str, list[Version]] = {}
    deleted = False
    created = False
    in_table = False
    for row in rows:
        op = row["op"]
        if op == "delete":
            deleted = True
            continue
        common = {
            "change_id": row["change_id"],
            "hlc": int(row["hlc"]),
            "device_id": row["device_id"],
            "bases": parse_bases(row.get("bases")),
            "author_id": row.get("author_id"),
            "organisation_id": row.get("organisation_id"),
        }
        if op == "append" and row["value"] is None:
            created = in_table = True
            continue
        if op in ("create", "append"):
            created = True
            for key, value in json.loads(row["value"]).items():
                per_field.setdefault(key, []).append(Version(value=value, **common))
        elif op == "set":
            per_field.setdefault(row["field"], []).append(
                Version(value=json.loads(row["value"]), **common)
            )
    tops = {name: heads(versions) for name, versions in per_field.items()}
    values = {name: top[0].value for name, top in tops.items()}
    return EntityState(
        deleted=deleted, created=created, values=values, heads=tops, row_in_its_table=in_table
    )


def created_whole(
    rows: Sequence[Mapping[str, Any]], parsed: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    """The values of an entity whose whole journal is the one change that created it,
    or None when there is more to fold. What `fold` would give (one version of every
    field, so no conflict), without building a version per field: most records of a
    first download are just that, and folding them was a quarter of its time.
    `parsed`: values already read, by change id."""
    if len(rows) != 1 or rows[0]["op"] != "create":
        return None
    row = rows[0]
    value = parsed.get(row["change_id"]) if parsed is not None else None
    return dict(value) if value is not None else dict(json.loads(row["value"]))
