"""The SQL of the outcome report's one pass over the journal, for SQLite and
PostgreSQL (what it selects and why: `sync/server/outcome_journal.py`).

Every name that goes into the SQL text comes from the Kinds in
`sync/server/outcome_facts.py`, never from a request, and is checked to be a plain
identifier; the scope's values are bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

CREATES = ("create", "append")
NOTE = "contact_note"

# A contact note's time, found as text: `"occurred_at": "` followed by the time and
# its closing quote. A pushed row's keys are its table's columns, each holding a plain
# value (sync/server/validation.py), so outside a string this matches only the key
# itself (inside a string every quote is escaped, so the quote after `occurred_at`
# cannot be there), and a note's narrative is never parsed nor sent out of the
# database. Used only when it matches exactly once and the time holds no escape;
# otherwise (another writer's spacing, a repeated key) the JSON is parsed as usual.
# A test holds it to the parsed value.
NOTE_KEY = '"occurred_at": "'


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


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f"'{_plain(w)}'" for w in words)


def _note_time(dialect: str) -> str:
    """The note's time as stored, by NOTE_KEY when it can be, else by parsing."""
    if dialect == "postgresql":
        # split_part finds and cuts by bytes; strpos and substr would count characters
        # from the start of each note's text, several times a note.
        after = f"split_part(c.value, '{NOTE_KEY}', 2)"
        time = f"split_part({after}, '\"', 1)"
        once = f"split_part(c.value, '{NOTE_KEY}', 3) = ''"
        clean = f"strpos({time}, chr(92)) = 0"
        parsed = "c.value::json ->> 'occurred_at'"
    else:
        at = f"instr(c.value, '{NOTE_KEY}')"
        rest = f"substr(c.value, {at} + {len(NOTE_KEY)})"
        time = f"substr({rest}, 1, instr({rest}, '\"') - 1)"
        once = f"{at} > 0 AND instr({rest}, '{NOTE_KEY}') = 0"
        clean = f"instr({time}, char(92)) = 0"
        parsed = "c.value ->> '$.occurred_at'"
    return f"CASE WHEN {once} AND {time} <> '' AND {clean} THEN {time} ELSE {parsed} END"


# A correction (a note that amends another) is not a contact, as on the laptop: a
# note whose `"amends_id": ` is followed by anything but null. The same reasoning as
# NOTE_KEY; parsed when the key is not found exactly once.
AMENDS_KEY = '"amends_id": '


def _correction(dialect: str) -> str:
    """True for a note that corrects another."""
    if dialect == "postgresql":
        once = (
            f"split_part(c.value, '{AMENDS_KEY}', 3) = '' AND strpos(c.value, '{AMENDS_KEY}') > 0"
        )
        value = f"left(split_part(c.value, '{AMENDS_KEY}', 2), 4)"
        parsed = "(c.value::json ->> 'amends_id') IS NOT NULL"
    else:
        at = f"instr(c.value, '{AMENDS_KEY}')"
        rest = f"substr(c.value, {at} + {len(AMENDS_KEY)})"
        once = f"{at} > 0 AND instr({rest}, '{AMENDS_KEY}') = 0"
        value = f"substr({rest}, 1, 4)"
        parsed = "(c.value ->> '$.amends_id') IS NOT NULL"
    return f"(CASE WHEN {once} THEN {value} <> 'null' ELSE {parsed} END)"


def pass_sql(dialect: str, *, kinds: Sequence[Kind], people: str, in_python: bool) -> str:
    """One statement over the journal, for the people in scope: each change of the
    wanted kinds (creates, removals, and sets of a wanted field) with its own columns
    and its value as stored; and each contact note's person and time (found in the
    database, or, `in_python`, the note's value to be parsed in Python when the
    database could not read one); corrections are not contacts."""
    entities = _quoted([NOTE, *(k.entity for k in kinds)])
    fields = _quoted(sorted({f.name for k in kinds for f in k.fields if f.inside is None}))
    wanted = f"c.op IN ('create', 'append', 'delete') OR (c.op = 'set' AND c.field IN ({fields}))"
    note = "c.value" if in_python else _note_time(dialect)
    notes = "c.op = 'append'" if in_python else f"c.op = 'append' AND NOT {_correction(dialect)}"
    # SQLite: the unary pluses keep it from the indexes (by kind, by person), which
    # measured slower than one scan when the kinds wanted are most of the journal.
    plus = "+" if dialect == "sqlite" else ""
    return (
        "SELECT c.entity, c.entity_id, c.person_id, c.change_id, c.hlc, c.device_id, c.op, "  # noqa: S608
        f"c.field, c.bases, CASE WHEN c.entity = '{NOTE}' THEN NULL ELSE c.value END, "
        f"CASE WHEN c.entity = '{NOTE}' THEN {note} END "
        f"FROM changes c WHERE {plus}c.entity IN ({entities}) AND ({wanted}) "
        f"AND (c.entity <> '{NOTE}' OR ({notes})) AND {plus}c.person_id IN ({people})"
    )
