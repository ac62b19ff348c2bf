"""New ids are version 7 UUIDs: the time first, strictly increasing within a process,
whatever the clock does, and random enough that two laptops never make the same."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from storage import ids
from storage.ids import new_id


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The nanoseconds the id maker reads, set by the test (and a fresh last-used state)."""
    now = [1_764_000_000_000 * 1_000_000]
    monkeypatch.setattr(ids.time, "time_ns", lambda: now[0])
    monkeypatch.setattr(ids, "_last_ms", 0)
    monkeypatch.setattr(ids, "_counter", 0)
    return now


def _ms(text: str) -> int:
    return uuid.UUID(text).int >> 80


def test_an_id_is_a_version_7_uuid_carrying_the_time_it_was_made(clock: list[int]) -> None:
    made = new_id()
    parsed = uuid.UUID(made)
    assert str(parsed) == made and len(made) == 36
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert _ms(made) == clock[0] // 1_000_000
    assert datetime.fromtimestamp(_ms(made) / 1000, UTC).year == 2025


def test_ids_made_in_one_millisecond_still_increase_and_overflow_borrows_the_next(
    clock: list[int],
) -> None:
    made = [new_id() for _ in range(5000)]  # more than the 12-bit counter holds in one ms
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    start = clock[0] // 1_000_000
    # The counter ran out within the millisecond: later ids borrow the next one.
    assert _ms(made[0]) == start
    assert _ms(made[-1]) == start + 1


def test_a_clock_that_steps_back_does_not_make_ids_go_back(clock: list[int]) -> None:
    first = new_id()
    clock[0] -= 5_000 * 1_000_000  # five seconds back (an NTP correction)
    second = new_id()
    assert second > first
    assert _ms(second) == _ms(first)
    clock[0] += 10_000 * 1_000_000
    third = new_id()
    assert third > second and _ms(third) > _ms(second)


def test_ids_keep_their_order_as_text_across_milliseconds(clock: list[int]) -> None:
    made = []
    for _ in range(300):
        made.append(new_id())
        clock[0] += 700_000  # 0.7 ms: some ids share a millisecond, some do not
    assert made == sorted(made)


def test_two_makers_at_the_same_instant_differ_in_their_random_part(clock: list[int]) -> None:
    # Two laptops are two processes: the same millisecond, fresh counters.
    a = new_id()
    ids._last_ms = 0
    b = new_id()
    assert _ms(a) == _ms(b)
    assert a != b
    low = (1 << 62) - 1
    assert uuid.UUID(a).int & low != uuid.UUID(b).int & low
