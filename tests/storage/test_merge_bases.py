"""Bases no app writes (a change naming itself, changes naming each other round in a
circle) still fold to a value, the same whatever order the rows come in
(storage.merge.heads): one such change, pushed by a crafted laptop, once stopped
every pull of every colleague who received it (the fold failed with IndexError)."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from storage.merge import fold


def _row(n: int, op: str, value: Any, bases: list[str] | None = None) -> dict[str, Any]:
    return {
        "change_id": f"c{n}",
        "hlc": 1000 + n,
        "device_id": f"d{n % 3}",
        "op": op,
        "field": "preferred_name" if op == "set" else None,
        "value": json.dumps(value),
        "bases": json.dumps(bases) if bases else None,
        "author_id": "a1",
        "organisation_id": "o1",
    }


CREATE = _row(1, "create", {"id": "p1", "preferred_name": "Zoë"})


def test_a_change_naming_itself_is_the_value_as_if_it_named_only_the_rest() -> None:
    crafted = _row(2, "set", "Zed", ["c2", "c1"])
    state = fold([CREATE, crafted])
    assert state.values["preferred_name"] == "Zed"
    assert not state.conflicts
    assert fold([crafted, CREATE]).values == state.values


def test_changes_naming_each_other_round_a_circle_stand_as_an_open_conflict() -> None:
    first = _row(2, "set", "Zed", ["c1", "c3"])
    second = _row(3, "set", "Zo", ["c1", "c2"])
    state = fold([CREATE, first, second])
    # Every version stands (nothing was left unreplaced): the newest shows, and the
    # others wait for a person to choose, as any concurrent edit does.
    heads = state.heads["preferred_name"]
    assert [v.change_id for v in heads] == ["c3", "c2", "c1"]
    assert state.values["preferred_name"] == "Zo"
    assert "preferred_name" in state.conflicts
    # A person's choice names them all, and the field has one value again.
    chosen = _row(4, "set", "Zoë", ["c1", "c2", "c3"])
    resolved = fold([CREATE, first, second, chosen])
    assert resolved.values["preferred_name"] == "Zoë"
    assert not resolved.conflicts


@st.composite
def _histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """The create and edits whose bases name anything: changes earlier or later in the
    history, the edit itself, a change no replica holds."""
    count = draw(st.integers(min_value=1, max_value=6))
    ids = st.sampled_from([*range(1, count + 2), 99])
    return [CREATE] + [
        _row(
            n, "set", draw(st.text(max_size=3)), [f"c{b}" for b in draw(st.lists(ids, max_size=3))]
        )
        for n in range(2, count + 2)
    ]


@given(_histories(), st.randoms(use_true_random=False))
def test_any_bases_fold_to_a_value_in_any_order(
    rows: list[dict[str, Any]], shuffle: random.Random
) -> None:
    state = fold(rows)
    assert state.heads["preferred_name"], "the field always has a version standing"
    assert state.values["preferred_name"] == state.heads["preferred_name"][0].value
    shuffle.shuffle(rows)
    again = fold(rows)
    assert again.values == state.values
    assert {k: [v.change_id for v in vs] for k, vs in again.heads.items()} == {
        k: [v.change_id for v in vs] for k, vs in state.heads.items()
    }
