"""The SQL of the outcome report's pass over the journal, for SQLite and PostgreSQL
(what it selects and why: `sync/server/outcome_journal.py`).

Every name that goes into the SQL text comes from the Kinds in
`sync/server/outcome_kinds.py`, never from a request, and is checked to be a plain
identifier; the scope's values are bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

CREATES = ("create", "append")
NOTE = "contact_note"


@dataclass(frozen=True)
class Field:
    """A field of a record to read; `inside`: the field holding JSON text that this
    one is read from (a plan version's review date, inside its frozen snapshot)."""

    name: str
    inside: str | None = None


@dataclass(frozen=True)
class Kind:
    entity: str
    fields: tuple[Field, ...]

    @cached_property
    def names(self) -> frozenset[str]:
        """The record's own fields (not those read from inside another)."""
        return frozenset(f.name for f in self.fields if f.inside is None)


def _plain(word: str) -> str:
    if not word.isidentifier():
        raise ValueError("a name in the outcome report's SQL must be a plain identifier")
    return word


def quoted(words: Sequence[str]) -> str:
    """Plain identifiers as a list of SQL string literals."""
    return ", ".join(f"'{_plain(w)}'" for w in words)


def pass_sql(*, kinds: Sequence[Kind], people: str) -> str:
    """One statement over the journal, for the people in scope, in the order the changes
    were stored: each change of the wanted kinds (creates, removals, and sets of a
    wanted field) with its own columns and its value as stored, and each contact note
    (its value, to be read in Python)."""
    entities = quoted([NOTE, *(k.entity for k in kinds)])
    fields = quoted(sorted({f.name for k in kinds for f in k.fields if f.inside is None}))
    wanted = f"c.op IN ('create', 'append', 'delete') OR (c.op = 'set' AND c.field IN ({fields}))"
    return (
        "SELECT c.entity, c.entity_id, c.person_id, c.change_id, c.hlc, c.device_id, c.op, "  # noqa: S608
        "c.field, c.bases, c.value "
        f"FROM changes c WHERE c.entity IN ({entities}) AND ({wanted}) "
        f"AND (c.entity <> '{NOTE}' OR c.op = 'append') AND c.person_id IN ({people}) "
        "ORDER BY c.seq"
    )
