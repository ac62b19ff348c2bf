"""A record whose whole journal is its create is read without folding
(storage.merge.created_whole): the values are exactly what folding gives, and any
other history (an edit, a removal, an append, a second create) is left to fold."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from storage.merge import created_whole, fold

_values = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
_rows = st.dictionaries(st.sampled_from(["id", "name", "due", "status", "score"]), _values)


def _change(op: str, value: Any, n: int = 1, field: str | None = None) -> dict[str, Any]:
    return {
        "change_id": f"c{n}",
        "hlc": 1000 + n,
        "device_id": "d1",
        "op": op,
        "field": field,
        "value": json.dumps(value),
        "bases": None,
        "author_id": "a1",
        "organisation_id": "o1",
    }


@given(_rows)
def test_a_record_created_once_reads_as_folding_would(row: dict[str, Any]) -> None:
    history = [_change("create", row)]
    state = fold(history)
    assert created_whole(history) == state.values
    assert state.created and not state.deleted and not state.conflicts
    # The value already read for the page is used as it is.
    assert created_whole(history, {"c1": row}) == state.values


@given(_rows, _values)
def test_any_other_history_is_folded(row: dict[str, Any], edit: Any) -> None:
    created = _change("create", row)
    assert created_whole([created, _change("set", edit, 2, "name")]) is None
    assert created_whole([created, _change("delete", None, 2)]) is None
    assert created_whole([_change("append", row)]) is None
    assert created_whole([created, _change("create", row, 2)]) is None
    assert created_whole([]) is None
