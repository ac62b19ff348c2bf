"""The one reader of a pull page (sync/pull_pages.py), as a laptop meets it
(sync/client/pull_page.py): a malformed change is kept aside, named by the wire's
own fields; a change from a newer version is not, it refuses the page."""

from __future__ import annotations

import json

import pytest

from sync.client.pull_page import read_page
from sync.transport import ServerRefusedError
from tests.sync.rows import wire_set


def _change(**values: object) -> dict[str, object]:
    return wire_set(**values)


def _page(*changes: object) -> bytes:
    return json.dumps({"changes": list(changes), "cursor": "7.0", "more": False}).encode()


def test_a_malformed_change_is_kept_aside_named_by_the_wires_fields_only() -> None:
    good = _change()
    page, kept = read_page(
        _page(
            good,
            _change(hlc=0),
            _change(hlc=0, **{"Zoë O'Neill 9990000018": 1}),
            _change(change_id="9990000018 Zoë", entity="Not A Table"),
        )
    )
    assert [c.change_id for c in page.changes] == [good["change_id"]]
    assert [k.reason for k in kept] == [
        "it is not a well-formed change (hlc)",
        "it is not a well-formed change (an unexpected field, hlc)",
        "it is not a well-formed change (change_id, entity)",
    ]
    said = json.dumps([(k.change.change_id, k.reason) for k in kept])
    assert "9990000018" not in said and "Zo" not in said
    assert kept[2].change.change_id.startswith("unreadable-")


def test_a_change_from_a_newer_version_refuses_the_page() -> None:
    with pytest.raises(ServerRefusedError, match="newer form") as refused:
        read_page(_page(_change(), _change(reviewed_by="someone")))
    assert "someone" not in str(refused.value)
