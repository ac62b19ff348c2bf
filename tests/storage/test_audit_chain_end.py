"""Unlock, failed unlock and lock are audit events; the end of the chain is anchored.

A plain hash chain cannot show that its newest events were removed; the anchor
written at lock (storage.audit_anchor) can, until the attacker also rewrites the
anchor (the server's copy covers that: tests/sync/test_audit_server.py).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.errors import WrongPassphraseError
from app.services.care.notes import add_note
from app.workspace import Workspace, change_passphrase, unlock
from storage import unlock_attempts
from storage.audit_anchor import ANCHOR_FILE, verify_store
from storage.tables import AuditEvent
from tests.conftest import PASSPHRASE, ZOE


def _actions(ws: Workspace) -> list[tuple[str, dict[str, object]]]:
    with ws.store.read() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.detail).order_by(AuditEvent.device_seq)
        ).all()
    return [(a, json.loads(d)) for a, d in rows]


def _raw(ws: Workspace, sql: str) -> None:
    with ws.store.engine.begin() as conn:
        conn.execute(text(sql))


def test_lock_is_audited_and_anchors_the_chain(populated: Workspace, profile_path: Path) -> None:
    populated.close("idle")
    populated.close()  # a second close records nothing more
    ws = unlock(profile_path, PASSPHRASE)
    try:
        actions = [a for a, _ in _actions(ws)]
        assert actions[-2:] == ["lock", "unlock"]
        assert actions.count("lock") == 1
        assert _actions(ws)[-2][1] == {"how": "idle"}
        anchor = json.loads((profile_path / ANCHOR_FILE).read_text())
        assert anchor["seq"] == len(actions) - 1  # the lock event was the head
        assert stat.S_IMODE((profile_path / ANCHOR_FILE).stat().st_mode) == 0o600
        assert set(anchor) == {"device_id", "seq", "hash"}  # nothing identifiable
        checked, problems = verify_store(ws.store)
        assert checked == len(actions) and problems == []
    finally:
        ws.close()


def test_failed_unlocks_become_events_at_the_next_unlock(
    populated: Workspace, profile_path: Path
) -> None:
    populated.close()
    for _ in range(3):
        with pytest.raises(WrongPassphraseError):
            unlock(profile_path, "not the passphrase at all")
    with pytest.raises(WrongPassphraseError):
        change_passphrase(profile_path, "another wrong one!", "a new long passphrase")
    side = profile_path / unlock_attempts.FAILURES_FILE
    assert stat.S_IMODE(side.stat().st_mode) == 0o600
    kept = json.loads(side.read_text())
    assert kept["count"] == 4 and len(kept["times"]) == 4
    assert set(kept) == {"count", "times"}
    ws = unlock(profile_path, PASSPHRASE)
    try:
        events = _actions(ws)
        failed = [d for a, d in events if a == "unlock_failed"]
        assert len(failed) == 4
        assert all(d["attempts"] == 1 and "attempted_at" in d for d in failed)
        assert events[-1][0] == "unlock"
        assert not side.exists()
    finally:
        ws.close()
    again = unlock(profile_path, PASSPHRASE)  # recorded once, not again
    try:
        assert sum(1 for a, _ in _actions(again) if a == "unlock_failed") == 4
    finally:
        again.close()


def test_attempts_beyond_the_kept_times_are_still_counted(
    populated: Workspace, profile_path: Path
) -> None:
    populated.close()
    side = profile_path / unlock_attempts.FAILURES_FILE
    side.write_text(json.dumps({"count": 250, "times": ["2026-11-20T10:00:00+00:00"]}))
    ws = unlock(profile_path, PASSPHRASE)
    try:
        failed = [d for a, d in _actions(ws) if a == "unlock_failed"]
        assert sum(int(str(d["attempts"])) for d in failed) == 250
    finally:
        ws.close()


def test_removing_the_newest_events_is_detected(populated: Workspace, profile_path: Path) -> None:
    add_note(populated, ZOE, "Visited; walking with the frame.")
    populated.close()
    ws = unlock(profile_path, PASSPHRASE)
    try:
        head = max(seq for (seq,) in _seqs(ws))
        # Remove the tail: the lock event, the note's event and this session's unlock.
        _raw(ws, f"DELETE FROM audit_event WHERE device_seq >= {head - 2}")
        checked, problems = verify_store(ws.store)
        assert checked == head - 3
        assert any("newest events were removed" in p.problem for p in problems), problems
    finally:
        ws.close()
    # The anchor does not move past the damage: the next unlock still reports it.
    ws = unlock(profile_path, PASSPHRASE)
    try:
        assert verify_store(ws.store)[1]
    finally:
        ws.close()


def test_a_rewritten_tail_is_detected(populated: Workspace, profile_path: Path) -> None:
    populated.close()
    ws = unlock(profile_path, PASSPHRASE)
    try:
        anchored = json.loads((profile_path / ANCHOR_FILE).read_text())["seq"]
        # Rewrite the anchored event and re-hash it so the chain itself looks whole.
        _raw(ws, f"UPDATE audit_event SET hash = '{'f' * 64}' WHERE device_seq = {anchored}")
        _raw(
            ws, f"UPDATE audit_event SET prev_hash = '{'f' * 64}' WHERE device_seq = {anchored + 1}"
        )
        problems = verify_store(ws.store)[1]
        assert any("last locked" in p.problem for p in problems), problems
    finally:
        ws.close()


def _seqs(ws: Workspace) -> list[tuple[int]]:
    with ws.store.read() as session:
        return [(int(s),) for s in session.execute(select(AuditEvent.device_seq)).scalars()]
