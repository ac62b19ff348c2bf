"""A hostile network between laptop and server (tests/reliability/fault_proxy.py):
sync retries with backoff and jitter, says honestly how far it got, and converges
once the network is good, with no change lost or duplicated."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services.care.notes import add_note
from app.services.record import people
from app.workspace import Workspace
from storage.tables import ChangeRecord
from sync.client.session import SyncSession, pending_count
from sync.retry import RetryPolicy, TransientError
from sync.transport import ServerUnreachableError
from tests.reliability.fault_proxy import FAULTS, FaultProxy, random_schedule
from tests.reliability.helpers import (
    ServerProcess,
    assert_sound,
    compare_with_server,
    env_int,
    onerecord,
    open_laptop,
    point_at,
    seeded,
)
from tests.sync.helpers import shared_state

Enrolled = Callable[[str], Path]


def _fast_policy(rng: random.Random, sleeps: list[float]) -> RetryPolicy:
    """The real policy, scaled down so a test rides out hundreds of faults in seconds."""

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return RetryPolicy(attempts=6, base=0.01, cap=0.08, rng=rng, sleep=sleep)


def _sync(ws: Workspace, policy: RetryPolicy, **kwargs: object) -> bool:
    session = SyncSession(ws, retry=policy, **kwargs)  # type: ignore[arg-type]
    try:
        session.run()
        return True
    except ServerUnreachableError:
        return False  # gave up for now: the changes wait for the next sync
    finally:
        session.close()


def test_backoff_is_exponential_with_full_jitter_and_capped() -> None:
    sleeps: list[float] = []
    policy = RetryPolicy(attempts=6, base=0.5, cap=4.0, rng=random.Random(7), sleep=sleeps.append)
    calls = {"n": 0}

    def always_cut() -> None:
        calls["n"] += 1
        raise TransientError("RemoteProtocolError", connected=True)

    with pytest.raises(TransientError):
        policy.run(always_cut, first_contact=False)
    assert calls["n"] == 6
    ceilings = [0.5, 1.0, 2.0, 4.0, 4.0]
    assert len(sleeps) == 5
    assert all(0 <= s <= c for s, c in zip(sleeps, ceilings, strict=True))
    # Full jitter: not the same pause every time (two laptops do not retry in step).
    assert len(set(sleeps)) == 5
    many = [policy.delay(4) for _ in range(2000)]
    assert max(many) <= 4.0 and sum(many) / len(many) == pytest.approx(2.0, rel=0.1)


def test_offline_at_first_contact_fails_at_once_but_a_cut_later_is_retried() -> None:
    sleeps: list[float] = []
    policy = RetryPolicy(rng=random.Random(1), sleep=sleeps.append)

    def refused() -> None:
        raise TransientError("ConnectError", connected=False)

    with pytest.raises(TransientError):
        policy.run(refused, first_contact=True)
    assert sleeps == []  # offline: say so now, do not keep the user waiting
    with pytest.raises(TransientError):
        policy.run(refused, first_contact=False)
    assert len(sleeps) == policy.attempts - 1


@pytest.mark.slow
def test_sync_converges_through_a_hostile_network(
    server_process: ServerProcess, enrolled: Enrolled
) -> None:
    rng = seeded("hostile network")
    rounds = env_int("ONERECORD_SOAK_NETWORK_ROUNDS", 6)
    proxy = FaultProxy(server_process.port, random_schedule(rng.randrange(10**6), 0.4))
    paths = [enrolled("nurse"), enrolled("social worker")]
    for path in paths:
        point_at(path, proxy.url)
    nurse, worker = (open_laptop(p) for p in paths)
    sleeps: list[float] = []
    policy = _fast_policy(rng, sleeps)
    gave_up = 0
    try:
        nhs = "9990000018"
        people.register(nurse, people.NewPerson(nhs, "Zoë", "O'Neill", "1938-04-12", "DL8 3AB"))
        for r in range(rounds):
            for k in range(5):
                add_note(nurse, nhs, f"round {r} note {k}")
            for ws in (nurse, worker, nurse):
                gave_up += not _sync(ws, policy, push_batch=4, pull_page=6)
            if r % 2:
                add_note(worker, nhs, f"round {r} reply")
        proxy.schedule = lambda _n: "pass"  # the signal comes back
        for ws in (nurse, worker, nurse, worker):
            assert _sync(ws, policy)
        assert shared_state(nurse) == shared_state(worker)
        for ws in (nurse, worker):
            assert pending_count(ws) == 0
            tally = compare_with_server(ws, server_process)
            assert (tally.lost, tally.duplicated) == (0, 0), tally
        faults = {f: n for f, n in proxy.injected.items() if f != "pass"}
        print(
            f"hostile network: {proxy.requests} requests, faults {faults}, "
            f"{len(sleeps)} retries, {gave_up} syncs deferred, "
            f"{compare_with_server(nurse, server_process).changes} changes checked"
        )
        assert len(faults) == len(FAULTS) - 1, faults  # every kind of fault was met
        assert sleeps
    finally:
        nurse.close()
        worker.close()
        proxy.stop()
    for path in paths:
        assert_sound(path).close()


@pytest.mark.slow
def test_progress_is_honest_when_the_network_fails(
    server_process: ServerProcess, enrolled: Enrolled
) -> None:
    writer_path, reader_path = enrolled("writer"), enrolled("reader")
    writer = open_laptop(writer_path)
    nhs = "9990000026"
    people.register(writer, people.NewPerson(nhs, "Alun", "Pritchard", "1951-10-30", "BD23 1JD"))
    for k in range(40):
        add_note(writer, nhs, f"note {k}")
    assert _sync(writer, RetryPolicy(attempts=1))
    writer.close()
    # The reader's first few exchanges get through, then the network dies for good.
    proxy = FaultProxy(server_process.port, lambda n: "pass" if n < 3 else "reset")
    point_at(reader_path, proxy.url)
    reader = open_laptop(reader_path)
    seen: list[tuple[str, int, int]] = []
    try:
        session = SyncSession(
            reader,
            pull_page=10,
            progress=lambda stage, done, total: seen.append((stage, done, total)),
            retry=RetryPolicy(attempts=3, base=0.01, cap=0.05),
        )
        with pytest.raises(ServerUnreachableError):
            session.run()
        session.close()
        pulls = [s for s in seen if s[0] == "pull"]
        assert pulls, seen
        _stage, done, total = pulls[-1]
        assert done < total  # never "done" when it was not
        with reader.store.read() as s:
            held = s.execute(
                select(func.count()).where(ChangeRecord.device_id != reader.store.device_id)
            ).scalar_one()
        assert held >= done  # what it said it had received, it has kept
    finally:
        reader.close()
    # The command line: an honest failure, one plain line, the retries visible, exit 1.
    failed = onerecord("sync", "--profile", str(reader_path))
    assert failed.returncode == 1
    assert "Synced" not in failed.stdout
    assert "could not be reached" in failed.stderr
    assert "retrying" in failed.stderr
    assert "Traceback" not in failed.stderr
    proxy.schedule = lambda _n: "pass"
    done_now = onerecord("sync", "--profile", str(reader_path))
    assert done_now.returncode == 0, done_now.stderr
    assert "Synced" in done_now.stdout
    proxy.stop()
    reader = assert_sound(reader_path)
    writer = open_laptop(writer_path)
    try:
        assert shared_state(reader) == shared_state(writer)
    finally:
        reader.close()
        writer.close()
